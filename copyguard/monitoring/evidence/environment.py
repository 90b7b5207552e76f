"""The capture environment: software versions, the clock and what can be known of its
synchronisation, the resolver; and UTC times with microseconds for the WARC.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import platform
import ssl
import subprocess
import sys
import time
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

__all__ = [
    "capture_environment",
    "clock_source",
    "iso_utc",
    "now_utc",
    "package_version",
    "resolver_description",
]

CLOCKSOURCE = "/sys/devices/system/clocksource/clocksource0/current_clocksource"


def iso_utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def now_utc() -> datetime:
    return datetime.fromtimestamp(time.time_ns() / 1e9, UTC)


class _Timex(ctypes.Structure):
    # struct timex of Linux (LP64): the fields read here, then room for the rest.
    _fields_ = [
        ("modes", ctypes.c_uint),
        ("offset", ctypes.c_long),
        ("freq", ctypes.c_long),
        ("maxerror", ctypes.c_long),
        ("esterror", ctypes.c_long),
        ("status", ctypes.c_int),
        ("_rest", ctypes.c_byte * 256),
    ]


_CLOCK_STATES = {0: "TIME_OK", 1: "TIME_INS", 2: "TIME_DEL", 3: "TIME_OOP", 4: "TIME_WAIT"}
_STA_UNSYNC = 0x0040


def clock_source() -> dict[str, Any]:
    """What can honestly be said about the clock: the kernel's clock source, and the
    kernel's synchronisation state from ``adjtimex`` (read-only) and ``timedatectl`` when
    they answer. Anything unknown is left out, never guessed."""
    info: dict[str, Any] = {"time_source": "CLOCK_REALTIME (time.time_ns)"}
    with contextlib.suppress(OSError):
        info["clocksource"] = Path(CLOCKSOURCE).read_text().strip()
    if sys.platform == "linux" and ctypes.sizeof(ctypes.c_long) == 8:
        try:
            libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
            timex = _Timex()  # modes = 0: read only
            state = libc.adjtimex(ctypes.byref(timex))
            if state >= 0:
                info["adjtimex"] = {
                    "state": _CLOCK_STATES.get(state, "TIME_ERROR" if state == 5 else str(state)),
                    "synchronised": state != 5 and not timex.status & _STA_UNSYNC,
                    "maxerror_us": timex.maxerror,
                    "esterror_us": timex.esterror,
                }
        except (OSError, AttributeError):
            pass
    try:
        done = subprocess.run(
            ["timedatectl", "show", "-p", "NTPSynchronized", "--value"],
            capture_output=True,
            text=True,
            timeout=3,
            check=False,
        )
        if done.returncode == 0 and done.stdout.strip() in ("yes", "no"):
            info["timedatectl_ntp_synchronized"] = done.stdout.strip() == "yes"
    except (OSError, subprocess.SubprocessError):
        pass
    return info


def package_version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def _os_release() -> str:
    try:
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                return line.split("=", 1)[1].strip().strip('"')
    except OSError:
        pass
    return ""


def capture_environment(chromium_version: str = "") -> dict[str, Any]:
    """Software versions and clock source of the machine that captures."""
    return {
        "copyguard": package_version("copyguard"),
        "python": platform.python_version(),
        "openssl": ssl.OPENSSL_VERSION,
        "warcio": package_version("warcio"),
        "playwright": package_version("playwright"),
        "chromium": chromium_version or "not used",
        "os": platform.platform(),
        "os_release": _os_release(),
        "clock": clock_source(),
    }


def resolver_description() -> dict[str, Any]:
    nameservers: list[str] = []
    try:
        for line in Path("/etc/resolv.conf").read_text().splitlines():
            parts = line.split()
            if len(parts) >= 2 and parts[0] == "nameserver":
                nameservers.append(parts[1])
    except OSError:
        pass
    return {"resolver": "system (getaddrinfo)", "nameservers": nameservers}
