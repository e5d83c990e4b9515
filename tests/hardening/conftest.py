"""Mark the known importer failures listed in ``known.py`` as (non-strict) xfail."""

from __future__ import annotations

import pytest

from .known import KNOWN


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        spec = getattr(item, "callspec", None)
        if spec is None:
            continue
        reason = KNOWN.get((getattr(item, "originalname", item.name), spec.id))
        if reason is not None:
            # Hostile inputs that are known to hit the time limit are not run (each would cost
            # the full limit); the other known failures run, and show XPASS once fixed.
            run = getattr(item, "originalname", "") != "test_hostile_input"
            item.add_marker(pytest.mark.xfail(reason=f"known importer bug: {reason}", strict=False, run=run))
