"""Helpers shared by the accounts view tests (this module holds no tests itself)."""

from __future__ import annotations

import re
from typing import Any

from django.core import mail
from django.http import HttpResponse
from django.test import Client, TestCase


class CommittingClient(Client):
    """A test client that runs on-commit callbacks after each request, as production does.

    Tests run inside a transaction that never commits, so without this the e-mails that
    actions queue "after commit" would never be sent and a test could not see them.
    """

    def request(self, **request: Any) -> HttpResponse:
        with TestCase.captureOnCommitCallbacks(execute=True):
            response: HttpResponse = super().request(**request)
        return response


def english_client(**kwargs: Any) -> CommittingClient:
    """A browser that asks for English, so tests can read the messages."""
    return CommittingClient(headers={"accept-language": "en"}, **kwargs)


def link_in(message: mail.EmailMessage) -> str:
    match = re.search(r"https?://\S+", str(message.body))
    assert match, message.body
    return match.group(0)


def body(response: HttpResponse) -> str:
    return response.content.decode()
