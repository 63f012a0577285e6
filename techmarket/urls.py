from django.contrib import admin
from django.urls import include, path

from techmarket.api import api
from techmarket.core import views as core_views

urlpatterns = [
    path("", core_views.portal, name="portal"),
    path("accounts/", include("techmarket.accounts.urls")),
    path("", include("techmarket.core.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]
