"""Hostile inputs for every registered importer: a result or a ReciprocalError within 20 s and 2 GiB.

Each input is built and read in a worker process limited to 2 GiB of address space
(``RLIMIT_AS``) with sockets blocked; the parent kills a worker that has not answered 20 s after
it started reading (see ``harness.py``). Outcomes:

- ``ok``: a valid message frame (and the case's own promises hold, e.g. no unsafe zip member read);
- ``error``: a :class:`~reciprocal.ReciprocalError` raised on purpose;
- failures: ``bug`` (an unexpected exception inside an importer, which ``read_chat`` wraps as
  "this is a bug in the importer"), ``crash`` (anything else escaping), ``memory``, ``timeout``,
  ``died``.

The cases are generated from each importer's registered ``example`` (``hostile.py``), so a new
importer is covered as soon as it registers. Reproduce one input with
``python tests/hardening/hostile.py CASE IMPORTER VARIANT /tmp/input`` (or run
``python tests/hardening/harness.py [CASE ...]`` for a table of every outcome).
"""

from __future__ import annotations

import pytest

from . import harness, hostile
from .known import KNOWN

JOBS = hostile.jobs()
PAIRS = sorted({(c, i) for c, i, _ in JOBS})


@pytest.fixture(scope="session")
def hostile_results(request: pytest.FixtureRequest) -> dict[tuple[str, str, str], dict]:
    """Run the jobs of every selected test once, two workers side by side."""
    selected = set()
    for item in request.session.items:
        spec = getattr(item, "callspec", None)
        if spec is not None and getattr(item, "originalname", "") == "test_hostile_input":
            if ("test_hostile_input", spec.id) in KNOWN:
                continue  # marked xfail(run=False) by conftest.py
            selected.add((spec.params["case"], spec.params["importer"]))
    return harness.run_jobs([j for j in JOBS if (j[0], j[1]) in selected])


def describe(key: tuple[str, str, str], r: dict) -> str | None:
    """A failure line for one input, or None when the outcome keeps the promise."""
    problems = r.get("problems") or []
    if r["outcome"] in ("ok", "error") and not problems:
        return None
    c, i, v = key
    what = f"{r['outcome']}" + (f" at {r['where']}" if r.get("where") else "")
    detail = r.get("detail", "")
    return (
        f"{c}/{i}/{v}: {what}: {detail} {'; '.join(problems)}\n"
        f"    reproduce: python tests/hardening/hostile.py {c} {i} {v!r} /tmp/input"
    )


@pytest.mark.parametrize(("case", "importer"), PAIRS, ids=[f"{c}-{i}" for c, i in PAIRS])
def test_hostile_input(case: str, importer: str, hostile_results: dict) -> None:
    mine = {k: r for k, r in hostile_results.items() if k[0] == case and k[1] == importer}
    assert mine, "no result: the harness did not run this case"
    failures = [line for k, r in sorted(mine.items()) if (line := describe(k, r))]
    assert not failures, "\n".join(failures)
