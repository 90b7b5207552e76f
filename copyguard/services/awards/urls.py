from django.urls import path  # noqa: F401

app_name = "awards"

urlpatterns: list = []  # type: ignore[type-arg]
