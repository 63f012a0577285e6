from django.urls import path

from techmarket.vouchers import views

app_name = "vouchers"
urlpatterns = [
    path("", views.programmes, name="programmes"),
    path("programmes/<int:pk>/", views.programme_detail, name="programme_detail"),
    path("programmes/<int:pk>/apply/", views.application_submit, name="application_submit"),
    path("mine/", views.mine, name="mine"),
    path("provider/apply/", views.provider_apply, name="provider_apply"),
    path("provider/products/", views.product_create, name="product_create"),
    path("vouchers/<int:pk>/", views.voucher_detail, name="voucher_detail"),
    path("vouchers/<int:pk>/order/", views.order_create, name="order_create"),
    path("orders/<int:pk>/", views.order_detail, name="order_detail"),
    path("orders/<int:pk>/files/<str:field>/", views.order_file, name="order_file"),
    path("orders/<int:pk>/<str:action>/", views.order_action, name="order_action"),
    path("bureau/", views.bureau, name="bureau"),
    path("bureau/batches/<int:pk>/export/", views.batch_export, name="batch_export"),
    path("bureau/programmes/<int:pk>/ledger/", views.programme_ledger, name="programme_ledger"),
    path("bureau/<str:action>/", views.bureau_action, name="bureau_action"),
    path("bureau/<str:action>/<int:pk>/", views.bureau_action, name="bureau_action"),
]
