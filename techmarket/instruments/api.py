from ninja import Router

router = Router(tags=["仪器共享"])
