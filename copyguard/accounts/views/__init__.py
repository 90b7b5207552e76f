"""Web pages of the accounts domain, one module per workflow (routes in ``accounts/urls.py``)."""
