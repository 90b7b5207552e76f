from django.urls import path

from copyguard.accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("verify/<str:token>/", views.verify_email_view, name="verify_email"),
    path("invitations/<str:key>/", views.accept_invitation_view, name="accept_invitation"),
]
