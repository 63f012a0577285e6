from ninja import Router

router = Router(tags=["科技创新券"])
