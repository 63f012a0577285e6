from django.contrib import admin
from django.urls import include, path

from techmarket.api import api
from techmarket.core import views as core_views

urlpatterns = [
    path("", core_views.portal, name="portal"),
    path("accounts/", include("techmarket.accounts.urls")),
    path("", include("techmarket.core.urls")),
    path("", include("techmarket.listings.urls")),
    path("matching/", include("techmarket.matching.urls")),
    path("experts/", include("techmarket.experts.urls")),
    path("challenges/", include("techmarket.challenges.urls")),
    path("contracts/", include("techmarket.contracts.urls")),
    path("stats/", include("techmarket.stats.urls")),
    path("vouchers/", include("techmarket.vouchers.urls")),
    path("instruments/", include("techmarket.instruments.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]
