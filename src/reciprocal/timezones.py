"""Time-zone names: validating the user's ``tz=`` and finding the machine's local zone."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .errors import ConfigError

__all__ = ["local_zone", "resolve_tz"]


def local_zone() -> str:
    """Return the IANA name of the machine's local zone (``"UTC"`` when it cannot be told).

    Looks at ``$TZ``, then the ``/etc/localtime`` link, then ``/etc/timezone``.
    """
    env = os.environ.get("TZ", "").lstrip(":")
    if env and _valid(env):
        return env
    link = Path("/etc/localtime")
    try:
        target = str(link.resolve())
    except OSError:
        target = ""
    if "zoneinfo/" in target:
        name = target.split("zoneinfo/", 1)[1]
        if _valid(name):
            return name
    try:
        name = Path("/etc/timezone").read_text(encoding="utf-8").strip()
    except OSError:
        name = ""
    return name if name and _valid(name) else "UTC"


def _valid(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return True


def resolve_tz(tz: str | dt.tzinfo | None) -> str:
    """Return a valid IANA zone name for ``tz`` (None → the machine's local zone).

    Raises:
        ConfigError: ``tz`` is not a zone name the system knows.
    """
    if tz is None:
        return local_zone()
    if isinstance(tz, dt.tzinfo):
        key = getattr(tz, "key", None) or getattr(tz, "zone", None)
        if key is None and tz == dt.UTC:
            key = "UTC"
        if not isinstance(key, str):
            raise ConfigError(f"tz={tz!r} has no IANA name; pass a name such as 'Europe/Berlin'")
        tz = key
    if not isinstance(tz, str) or not _valid(tz):
        raise ConfigError(f"tz={tz!r} is not a known IANA time zone (e.g. 'Europe/Berlin', 'UTC')")
    return tz
