"""Background jobs of the works registry (run by `copyguard worker`).

Each is safe to run again after a partial run: the check replaces its own findings, the
index skips files it holds, and a bulk load skips works it has made.
"""

from __future__ import annotations

from django_tasks import task

__all__ = ["check_registration", "index_registration", "process_bulk"]


@task()
def check_registration(registration_id: int) -> str:
    """Fingerprint a submitted registration's files and look for conflicts."""
    from copyguard.works.checks import run_check

    return run_check(registration_id)


@task()
def index_registration(registration_id: int) -> int:
    """Add an approved registration's files (texts, pictures, sound, video) to the
    registry's index."""
    from copyguard.works import registry_index
    from copyguard.works.enums import RegistrationStatus
    from copyguard.works.models import WorkFile

    files = WorkFile.objects.filter(
        work__registrations__pk=registration_id,
        work__registrations__status=RegistrationStatus.REGISTERED,
    )
    return registry_index.add_files(files)


@task()
def process_bulk(bulk_id: str) -> dict[str, int]:
    """Create (and submit) the works of one bulk API call."""
    from copyguard.works.bulk import run_bulk

    return run_bulk(bulk_id)
