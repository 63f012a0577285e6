from ninja import Router

router = Router(tags=["揭榜挂帅"])
