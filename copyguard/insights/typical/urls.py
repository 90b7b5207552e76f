from django.urls import path  # noqa: F401

app_name = "typical"

urlpatterns: list = []  # type: ignore[type-arg]
