from django.urls import path

from techmarket.matching import views

app_name = "matching"
urlpatterns = [
    path("workspace/", views.workspace, name="workspace"),
    path(
        "workspace/<int:demand_id>/<int:achievement_id>/feedback/",
        views.feedback,
        name="feedback",
    ),
    path(
        "workspace/<int:demand_id>/<int:achievement_id>/contact/",
        views.contact_start,
        name="contact_start",
    ),
    path("contacts/", views.contact_list, name="contacts"),
    path("sections/<str:kind>/<int:pk>/", views.listing_section, name="listing_section"),
]
