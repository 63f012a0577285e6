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
]
