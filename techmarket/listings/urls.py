from django.urls import path

from techmarket.listings import views

app_name = "listings"
urlpatterns = [
    path("achievements/", views.achievement_list, name="achievement_list"),
    path("achievements/<int:pk>/", views.achievement_detail, name="achievement_detail"),
    path("demands/", views.demand_list, name="demand_list"),
    path("demands/<int:pk>/", views.demand_detail, name="demand_detail"),
    path("demands/<int:pk>/contact/", views.contact_request, name="contact_request"),
    path("listings/contact/<int:pk>/decide/", views.contact_decide, name="contact_decide"),
    path("listings/<str:kind>/new/", views.listing_edit, name="create"),
    path("listings/<str:kind>/<int:pk>/edit/", views.listing_edit, name="edit"),
    path("listings/<str:kind>/<int:pk>/transition/", views.listing_transition, name="transition"),
    path(
        "listings/<str:kind>/<int:pk>/attachments/", views.attachment_upload, name="attachment_add"
    ),
    path("listings/attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("listings/mine/", views.my_listings, name="mine"),
    path("listings/review/", views.review_queue, name="review_queue"),
    path("listings/import/", views.import_upload, name="import"),
    path("listings/import/<int:pk>/", views.import_job, name="import_job"),
    path("listings/import/<int:pk>/errors.xlsx", views.import_job_errors, name="import_errors"),
    path("listings/template/<str:kind>.xlsx", views.import_template, name="template"),
    path("listings/export/<str:kind>.jsonl", views.export_jsonl, name="export_jsonl"),
]
