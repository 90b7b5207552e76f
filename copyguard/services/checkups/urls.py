from django.urls import path  # noqa: F401

app_name = "checkups"

urlpatterns: list = []  # type: ignore[type-arg]
