from django.urls import path

from copyguard.front import views

app_name = "front"

urlpatterns = [
    path("", views.home, name="home"),
    path("about/", views.about, name="about"),
    path("verify/", views.verify, name="verify"),
    path("verify/<str:number>/", views.verify_number, name="verify_number"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("switch-organisation/", views.switch_organisation, name="switch_organisation"),
]
