"""The annual report: every section's tables and charts for a year and a region, as one
PDF in Simplified Chinese then English (``copyguard.enforcement.pdf.render_document``)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone, translation

from copyguard.accounts.models import Organisation
from copyguard.enforcement.pdf import LANGUAGES, render_document
from copyguard.insights import figures
from copyguard.insights.periods import Period, year_period

__all__ = ["annual_report_context", "annual_report_pdf", "report_filename"]


def annual_report_context(region: Organisation, period: Period) -> dict[str, Any]:
    scope = figures.Scope(region, period.starts_on, period.ends_on)
    by_language: dict[str, Any] = {}
    for language in LANGUAGES:
        with translation.override(language):
            by_language[language] = {
                "region_name": region.display_name(language),
                "sections": figures.all_sections(scope),
            }
    return {
        "title": f"{region.display_name('en')} {period.label}",
        "region": region,
        "period": period,
        "by_language": by_language,
        "generated_at": timezone.localtime(),
    }


def annual_report_pdf(region: Organisation, year: int) -> bytes:
    """The PDF of ``region``'s statistics for ``year``."""
    return render_document(
        "insights/pdf/annual_report.html", annual_report_context(region, year_period(year))
    )


def report_filename(region: Organisation, year: int) -> str:
    return f"statistics-{region.region_code or 'national'}-{year}.pdf"
