"""Background jobs of certificates (run by `copyguard worker`)."""

from __future__ import annotations

from django_tasks import task

__all__ = ["render_certificate"]


@task()
def render_certificate(certificate_id: int) -> str:
    """Render and store a certificate's PDF; a no-op when it is there already."""
    from copyguard.works.certificates.actions import ensure_pdf
    from copyguard.works.certificates.models import Certificate

    certificate = (
        Certificate.objects.select_related("registration").filter(pk=certificate_id).first()
    )
    if certificate is None:
        return "missing"
    return ensure_pdf(certificate).pdf_sha256
