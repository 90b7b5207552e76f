"""Public ledger pages: the latest signed tree head as JSON, and recent entries."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from copyguard.ledger import actions
from copyguard.ledger.models import LedgerEntry

RECENT = 20


@never_cache
def sth(request: HttpRequest) -> HttpResponse:
    """The latest signed tree head (404 with a JSON error while the ledger is empty).

    Read by machines (monitors, auditors), so the answer is not translated.
    """
    head = actions.latest_head()
    if head is None:
        return JsonResponse(
            {"error": {"code": "not_found", "message": "The ledger has no entries yet."}},
            status=404,
        )
    return JsonResponse(head.as_dict())


def overview(request: HttpRequest) -> HttpResponse:
    head = actions.latest_head()
    entries = []
    if head is not None:
        rows = LedgerEntry.objects.filter(leaf_index__lt=head.tree_size).order_by("-leaf_index")
        entries = [
            {
                "index": e.leaf_index,
                "kind": e.kind,
                "created": e.created,
                "hash": bytes(e.leaf_hash).hex(),
            }
            for e in rows[:RECENT]
        ]
    return render(request, "ledger/overview.html", {"head": head, "entries": entries})
