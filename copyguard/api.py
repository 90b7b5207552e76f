"""The JSON API at /api/v1/ (django-ninja). Each app contributes a router from its api.py.

Every endpoint needs a caller: a personal API token (``Authorization: Bearer cg_…``) or a
browser session (unsafe methods with the CSRF token). Errors, pagination and the offline
docs come from copyguard.apiutil; docs/api.md describes it all for API users.
"""

from __future__ import annotations

from copyguard.accounts.api import router as accounts_router
from copyguard.apiutil import CopyguardAPI, LocalSwagger, SessionAuth, TokenAuth
from copyguard.enforcement.api import router as enforcement_router
from copyguard.insights.api import router as insights_router
from copyguard.insights.assessment.api import router as assessment_router
from copyguard.insights.typical.api import router as typical_router
from copyguard.ledger.api import router as ledger_router
from copyguard.monitoring.api import router as monitoring_router
from copyguard.monitoring.scanapi import router as scan_router
from copyguard.services.api import router as services_router
from copyguard.services.awards.api import router as awards_router
from copyguard.services.checkups.api import router as checkups_router
from copyguard.services.funds.api import router as funds_router
from copyguard.services.publicity.api import router as publicity_router
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
api.add_router("/insights", insights_router)
api.add_router("/typical-cases", typical_router)
api.add_router("/assessment", assessment_router)
api.add_router("/services", services_router)
api.add_router("/checkups", checkups_router)
api.add_router("/publicity", publicity_router)
api.add_router("/funds", funds_router)
api.add_router("/model-units", awards_router)
