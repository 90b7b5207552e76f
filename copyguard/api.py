"""The JSON API at /api/v1/ (django-ninja). Each app contributes a router from its api.py.

Every endpoint needs a caller: a personal API token (``Authorization: Bearer cg_…``) or a
browser session (unsafe methods with the CSRF token). Errors, pagination and the offline
docs come from copyguard.apiutil; docs/api.md describes it all for API users.
"""

from __future__ import annotations

from copyguard.accounts.api import router as accounts_router
from copyguard.apiutil import CopyguardAPI, LocalSwagger, SessionAuth, TokenAuth
from copyguard.enforcement.api import router as enforcement_router
from copyguard.ledger.api import router as ledger_router
from copyguard.monitoring.api import router as monitoring_router
from copyguard.monitoring.scanapi import router as scan_router
from copyguard.works.api import router as works_router
from copyguard.works.certificates.api import public_router as certificates_public_router
from copyguard.works.certificates.api import router as certificates_router
from copyguard.works.ownership.api import router as ownership_router

api = CopyguardAPI(
    title="copyguard API",
    version="1",
    urls_namespace="api",
    docs=LocalSwagger(),
    docs_url="/docs",
    auth=[TokenAuth(), SessionAuth(csrf=True)],
    description="copyguard platform API. Authenticate with a personal API token "
    "(`Authorization: Bearer cg_…`) or a browser session (with the CSRF token in "
    '`X-CSRFToken`). Errors are `{"error": {"code", "message", "fields"}}`; '
    "lists are paged with `?page=` and `?page_size=` (at most 200). See docs/api.md.",
)

api.add_router("", accounts_router)
api.add_router("", ledger_router)
api.add_router("", works_router)
api.add_router("", certificates_public_router)
api.add_router("", certificates_router)
api.add_router("", ownership_router)
api.add_router("", scan_router)
api.add_router("", monitoring_router)
api.add_router("", enforcement_router)
