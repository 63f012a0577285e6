from ninja import Router

router = Router(tags=["科技成果与技术需求"])
