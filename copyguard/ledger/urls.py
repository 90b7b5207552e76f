from django.urls import path

from copyguard.ledger import views

app_name = "ledger"

urlpatterns = [
    path("ledger/", views.overview, name="overview"),
    path("ledger/sth", views.sth, name="sth"),
]
