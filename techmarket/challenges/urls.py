from django.urls import path

from techmarket.challenges import views

app_name = "challenges"
urlpatterns = [
    path("", views.challenge_list, name="list"),
    path("<int:pk>/", views.challenge_detail, name="detail"),
    path("<int:pk>/apply/", views.apply, name="apply"),
    path("mine/", views.my_applications, name="my_applications"),
    path("applications/<int:pk>/", views.application_detail, name="application"),
    path("applications/<int:pk>/withdraw/", views.application_withdraw, name="withdraw"),
    path("attachments/<int:pk>/", views.attachment, name="attachment"),
    path("milestones/<int:pk>/submit/", views.milestone_submit, name="milestone_submit"),
    path("milestones/<int:pk>/decide/", views.milestone_decide, name="milestone_decide"),
    path("reviews/", views.my_reviews, name="my_reviews"),
    path("reviews/<int:pk>/", views.review, name="review"),
    path("manage/", views.manage_list, name="manage_list"),
    path("manage/new/", views.create, name="create"),
    path("manage/<int:pk>/", views.manage, name="manage"),
    path("manage/<int:pk>/edit/", views.edit, name="edit"),
    path("manage/<int:pk>/transition/", views.transition, name="transition"),
    path("manage/<int:pk>/assign/", views.assign, name="assign"),
    path("manage/<int:pk>/award/", views.award, name="award"),
    path("manage/<int:pk>/complete/", views.complete, name="complete"),
    path("assignments/<int:pk>/replace/", views.replace, name="replace"),
    path("awards/<int:pk>/eliminate/", views.eliminate, name="eliminate"),
]
