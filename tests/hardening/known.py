"""Known importer failures of the hardening suite, marked ``xfail`` (non-strict) with the reason.

Each entry names the test, the importer (the parametrize id) and what breaks, so the failure
stays visible in ``pytest -ra`` (XFAIL with the reason) and an entry that starts passing shows as
XPASS: delete it then. Only importer bugs belong here, never a weakened promise.
"""

from __future__ import annotations

#: (test function name, parametrize id) -> reason
KNOWN: dict[tuple[str, str], str] = {}
