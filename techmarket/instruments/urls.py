from django.urls import path

from techmarket.instruments import views

app_name = "instruments"
urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("<int:pk>/", views.instrument_detail, name="instrument_detail"),
    path("<int:pk>/book/", views.booking_create, name="booking_create"),
    path("<int:pk>/status/", views.instrument_status, name="instrument_status"),
    path("mine/", views.mine, name="mine"),
    path("mine/instruments/", views.instrument_create, name="instrument_create"),
    path("mine/subsidy/", views.subsidy_submit, name="subsidy_submit"),
    path("bookings/<int:pk>/<str:action>/", views.booking_action, name="booking_action"),
    path("records/<int:pk>/<str:action>/", views.record_action, name="record_action"),
    path("bureau/", views.bureau, name="bureau"),
    path("bureau/subsidies/<int:pk>/<str:action>/", views.subsidy_decide, name="subsidy_decide"),
]
