"""The one NinjaAPI of the project, mounted at /api/v1/; each app adds a Router."""

from __future__ import annotations

from ninja import NinjaAPI

from techmarket.accounts.api import router as accounts_router
from techmarket.challenges.api import router as challenges_router
from techmarket.contracts.api import router as contracts_router
from techmarket.core.api import router as core_router
from techmarket.core.api_auth import AUTH, install_error_handlers
from techmarket.experts.api import router as experts_router
from techmarket.instruments.api import router as instruments_router
from techmarket.listings.api import router as listings_router
from techmarket.matching.api import router as matching_router
from techmarket.stats.api import router as stats_router
from techmarket.vouchers.api import router as vouchers_router

api = NinjaAPI(
    title="TechMarket 网上技术市场 API",
    version="1.0.0",
    description=(
        "网上技术市场的开放接口。浏览器使用登录会话（修改类请求需 CSRF 令牌）；"
        "机器客户端在请求头 `X-API-Key` 中提供机构的 API 密钥。"
        '所有错误均返回 `{"code", "message", "fields"}`，message 为中文说明。'
    ),
    auth=AUTH,
    urls_namespace="api",
    docs_url="/docs",
)
install_error_handlers(api)
api.add_router("/", accounts_router)
api.add_router("/", core_router)
api.add_router("/", listings_router)
api.add_router("/", matching_router)
api.add_router("/", experts_router)
api.add_router("/", challenges_router)
api.add_router("/", contracts_router)
api.add_router("/stats", stats_router)
api.add_router("/", vouchers_router)
api.add_router("/", instruments_router)
