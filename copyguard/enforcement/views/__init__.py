"""Views of enforcement: one module per workflow, each with its ``urlpatterns``."""
