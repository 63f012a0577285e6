from django.urls import path

from techmarket.experts import views

app_name = "experts"
urlpatterns = [
    path("", views.expert_list, name="list"),
    path("me/", views.my_profile, name="me"),
    path("import/", views.expert_import, name="import"),
    path("<int:pk>/verify/", views.expert_verify, name="verify"),
]
