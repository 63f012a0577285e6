from ninja import Router

router = Router(tags=["供需匹配"])
