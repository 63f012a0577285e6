from ninja import Router

router = Router(tags=["技术合同登记"])
