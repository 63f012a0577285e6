from django.urls import path

from techmarket.contracts import views

app_name = "contracts"
urlpatterns = [
    path("", views.contract_list_view, name="list"),
    path("apply/", views.contract_apply_view, name="apply"),
    path("verify/", views.verify_view, name="verify"),
    path("import/", views.contract_import_view, name="import"),
    path("import/template.xlsx", views.import_template_view, name="import_template"),
    path("export.xlsx", views.contract_export_view, name="export"),
    path("<int:pk>/", views.contract_detail_view, name="detail"),
    path("<int:pk>/resubmit/", views.contract_resubmit_view, name="resubmit"),
    path("<int:pk>/certificate.pdf", views.contract_certificate_view, name="certificate"),
    path("<int:pk>/scan", views.contract_scan_view, name="scan"),
]
