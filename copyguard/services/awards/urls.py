from django.urls import path

from copyguard.services.awards import views

app_name = "awards"

urlpatterns = [
    path("", views.index, name="index"),
    path("rounds/new/", views.round_create, name="round_create"),
    path("rounds/<int:pk>/", views.round_detail, name="round"),
    path("rounds/<int:pk>/criteria/", views.criterion_add, name="criterion_add"),
    path("rounds/<int:pk>/nominate/", views.nominate, name="nominate"),
    path("rounds/<int:pk>/<str:verb>/", views.round_action, name="round_action"),
    path("criteria/<int:pk>/remove/", views.criterion_remove, name="criterion_remove"),
    path("nominations/<int:pk>/", views.nomination_detail, name="nomination"),
    path("nominations/<int:pk>/<str:verb>/", views.nomination_action, name="nomination_action"),
    path("values/<int:pk>/review/", views.value_review, name="value_review"),
    path("documents/<int:pk>/", views.document, name="document"),
    path("awards/", views.public_list, name="public"),
    path("awards/<int:pk>/", views.public_award, name="award"),
    path("awards/<int:pk>/revoke/", views.award_revoke, name="award_revoke"),
]
