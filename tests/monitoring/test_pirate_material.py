"""The pirate sites' own truth: every file and page they serve, scanned against the
registered works, matches exactly the copies the fixture says it planted (robots.txt aside).
The crawl tests rely on this list for recall and precision."""

from __future__ import annotations

from pathlib import Path

import pytest

from copyguard.accounts.enums import OrganisationKind
from copyguard.monitoring.testing import PirateSites, register_material
from copyguard.testing import make_organisation
from copyguard.works.scanning import scan_source
from copyguard.works.testing import make_registry

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("material")]


def test_the_planted_copies_and_nothing_else_match_the_registered_works(data_dir: Path) -> None:
    holder = make_organisation(OrganisationKind.RIGHTS_HOLDER, name="Pearl River Press")
    works = register_material(holder, make_registry())
    key_of = {work.pk: key for key, work in works.items()}

    found: set[tuple[str, str]] = set()
    errors: dict[str, str] = {}
    with PirateSites() as sites:
        for site in sites.sites.values():
            for path, response in site.routes.items():
                name = path.rstrip("/").rsplit("/", 1)[-1] or "index.html"
                outcome = scan_source(response.body, name, content_type=response.content_type)
                if outcome["error"]:
                    errors[site.url(path)] = outcome["error"]
                for match in outcome["matches"]:
                    found.add((key_of[match["work_id"]], site.url(path)))
        planted = sites.expected() | {(p.work, p.url) for p in sites.blocked}

    assert found - planted == set(), "matched content that is not a planted copy"
    assert planted - found == set(), f"planted copies not found (scan errors: {errors})"
