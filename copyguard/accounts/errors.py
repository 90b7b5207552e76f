"""The error an action raises when a request cannot be carried out."""

from __future__ import annotations

from django.utils.functional import Promise


class ActionError(Exception):
    """A refused state change, with a machine code, a translatable message and a field.

    Views show ``message`` next to ``field``; the API returns
    ``{"error": {"code", "message", "fields"}}`` with status ``status``.
    """

    def __init__(
        self, code: str, message: str | Promise, *, field: str | None = None, status: int = 400
    ) -> None:
        super().__init__(str(message))
        self.code = str(code)
        self.message = message
        self.field = field
        self.status = status

    @property
    def fields(self) -> dict[str, list[str]]:
        return {self.field: [str(self.message)]} if self.field else {}
