"""Security headers on every response: Content-Security-Policy and its companions.

The middleware sits first in ``MIDDLEWARE`` so that answers made by the middlewares below
it (WhiteNoise's static files, CSRF refusals, error pages) get the headers too.

The policy allows scripts from this origin only: no inline ``<script>``, no ``on*=``
handler attributes, no ``eval``. Inline styles stay allowed (``style=""`` attributes and
``<style>`` blocks are used by the templates, Swagger UI and htmx's indicator style); a
style cannot run code, so it is the smaller risk. docs/security.md lists what each header
defends.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import FileResponse, HttpRequest, HttpResponse

__all__ = [
    "CONTENT_SECURITY_POLICY",
    "FILE_POLICY",
    "PERMISSIONS_POLICY",
    "SCRIPTABLE_TYPES",
    "SecurityHeadersMiddleware",
]

# One directive per line, so that a change shows in a diff.
_CSP_DIRECTIVES = (
    ("default-src", "'self'"),
    ("script-src", "'self'"),
    ("script-src-attr", "'none'"),
    ("style-src", "'self' 'unsafe-inline'"),
    # data: for Swagger UI's icons and inline SVG backgrounds, blob: for previews.
    ("img-src", "'self' data: blob:"),
    ("font-src", "'self' data:"),
    ("media-src", "'self' blob:"),
    ("connect-src", "'self'"),
    ("worker-src", "'self'"),
    ("manifest-src", "'self'"),
    ("frame-src", "'self'"),
    ("object-src", "'none'"),
    ("base-uri", "'none'"),
    ("form-action", "'self'"),
    ("frame-ancestors", "'none'"),
)
CONTENT_SECURITY_POLICY = "; ".join(f"{name} {value}" for name, value in _CSP_DIRECTIVES)

# Browser features the platform never uses are switched off for it and anything it embeds.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
        "browsing-topics",
    )
)

# A file sent as a file (FileResponse: uploads, evidence, documents) is never a page of the
# site: if a browser were to open a scriptable one as a document, nothing in it may run.
FILE_POLICY = "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; sandbox"
# Types a browser would run script in when opened as a document: such a file is always
# downloaded (Content-Disposition: attachment), whatever the view asked for.
SCRIPTABLE_TYPES = frozenset(
    {
        "",
        "text/html",
        "application/xhtml+xml",
        "image/svg+xml",
        "text/xml",
        "application/xml",
        "text/xsl",
        "application/xslt+xml",
        "multipart/x-mixed-replace",
    }
)

_FIXED_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "Permissions-Policy": PERMISSIONS_POLICY,
    "Cross-Origin-Opener-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
}


class SecurityHeadersMiddleware:
    """Add the security headers to every response that does not set its own."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.referrer_policy = getattr(settings, "SECURE_REFERRER_POLICY", None) or "same-origin"
        self.hsts = ""
        hsts_seconds = getattr(settings, "SECURE_HSTS_SECONDS", 0)
        if hsts_seconds:
            self.hsts = f"max-age={hsts_seconds}"
            if getattr(settings, "SECURE_HSTS_INCLUDE_SUBDOMAINS", False):
                self.hsts += "; includeSubDomains"

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if isinstance(response, FileResponse) and not request.path.startswith(settings.STATIC_URL):
            self._confine_file(response)
        for name, value in _FIXED_HEADERS.items():
            # A view may narrow its own policy further (e.g. a sandboxed file answer).
            if name not in response:
                response[name] = value
        if "Referrer-Policy" not in response:
            response["Referrer-Policy"] = self.referrer_policy
        # Strict-Transport-Security means something only over HTTPS; Django's
        # SecurityMiddleware adds it to secure requests, this covers answers it never saw.
        if self.hsts and request.is_secure() and "Strict-Transport-Security" not in response:
            response["Strict-Transport-Security"] = self.hsts
        return response

    @staticmethod
    def _confine_file(response: FileResponse) -> None:
        """A file answer a browser could run script in (HTML, SVG, XML, or no type) is
        always downloaded and sandboxed. PDFs and pictures may still open in the browser
        (the PDF viewer does not work in a sandbox); nosniff keeps them what they say."""
        content_type = response.get("Content-Type", "").split(";")[0].strip().lower()
        if content_type not in SCRIPTABLE_TYPES:
            return
        response["Content-Security-Policy"] = FILE_POLICY
        disposition = response.get("Content-Disposition", "")
        if not disposition.lower().startswith("attachment"):
            _, _, rest = disposition.partition(";")
            response["Content-Disposition"] = "attachment" + (f";{rest}" if rest else "")
