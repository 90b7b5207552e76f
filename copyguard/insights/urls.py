from django.urls import path

from copyguard.insights import views

app_name = "insights"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("export/<str:key>.<str:fmt>", views.export, name="export"),
    path("report.pdf", views.report, name="report"),
    path("publish/", views.publish, name="publish"),
    path("publications/", views.publications, name="publications"),
    path("publications/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("public/", views.public_list, name="public"),
    path("public/<int:pk>/", views.public_detail, name="public_detail"),
]
