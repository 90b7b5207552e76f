"""Reading settings from the environment.

Every setting the platform reads is declared here once, with its default and a one-line
description; ``docs/settings.md`` documents each one and a test fails when one is missing.
Values may also come from a file named by ``<NAME>_FILE`` (for secrets kept out of the
process environment, e.g. Docker or systemd credentials).
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["SETTINGS", "envbool", "envint", "envlist", "envstr"]

# name -> description; the documentation test reads this table.
SETTINGS: dict[str, str] = {}

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class SettingError(ValueError):
    """A setting in the environment has a value that cannot be used."""


def _raw(name: str) -> str | None:
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        try:
            return Path(file_name).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise SettingError(f"{name}_FILE={file_name!r} cannot be read: {exc}") from exc
    return os.environ.get(name)


def envstr(name: str, default: str, doc: str) -> str:
    SETTINGS[name] = doc
    value = _raw(name)
    return default if value is None else value


def envbool(name: str, default: bool, doc: str) -> bool:
    SETTINGS[name] = doc
    value = _raw(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise SettingError(f"{name}={value!r} is not a yes/no value (use 1/0, true/false)")


def envint(name: str, default: int, doc: str) -> int:
    SETTINGS[name] = doc
    value = _raw(name)
    if value is None or value.strip() == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise SettingError(f"{name}={value!r} is not a whole number") from exc


def envlist(name: str, default: list[str], doc: str) -> list[str]:
    SETTINGS[name] = doc
    value = _raw(name)
    if value is None:
        return list(default)
    return [part.strip() for part in value.split(",") if part.strip()]
