from ninja import Router

PREFIX = "/planning"
router = Router(tags=["planning"])
