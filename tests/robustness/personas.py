"""Create one API token per (organisation kind, role) pair of the demo world.

Run inside the world's environment (its COPYGUARD_DATA_DIR and DATABASE_URL) after
``copyguard loaddemo``::

    python -m tests.robustness.personas

It prints a JSON list of ``{"name", "kind", "role", "email", "token"}``, one per pair in
ROLES_BY_KIND, each the first active member (by organisation, then e-mail) holding that role
in an organisation of that kind. A pair the demo does not cover is an error: the run must
test every role.
"""

from __future__ import annotations

import json
import os
import sys
from typing import TypedDict


class Persona(TypedDict):
    name: str
    kind: str
    role: str
    email: str
    token: str


def create_personas() -> list[Persona]:
    from copyguard.accounts.actions import create_api_token
    from copyguard.accounts.audit import Actor
    from copyguard.accounts.enums import ROLES_BY_KIND
    from copyguard.accounts.models import Membership

    actor = Actor.system(via="cli")
    personas: list[Persona] = []
    missing: list[str] = []
    for kind, roles in ROLES_BY_KIND.items():
        for role in roles:
            membership = (
                Membership.objects.filter(
                    organisation__kind=kind,
                    role=role,
                    is_active=True,
                    user__is_active=True,
                    user__email_verified_at__isnull=False,
                )
                .select_related("user")
                .order_by("organisation_id", "user__email")
                .first()
            )
            name = f"{kind}:{role}"
            if membership is None:
                missing.append(name)
                continue
            _token, key = create_api_token(actor, membership.user, f"robustness {name}")
            personas.append(
                {
                    "name": name,
                    "kind": str(kind),
                    "role": str(role),
                    "email": membership.user.email,
                    "token": key,
                }
            )
    if missing:
        raise SystemExit(f"the demo data has no member for: {', '.join(missing)}")
    return personas


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "copyguard.settings")
    import django

    django.setup()
    json.dump(create_personas(), sys.stdout, indent=1)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
