"""Worker process for the bounded hostile-input tests (started by ``harness.py``; not a test).

Sets its own memory limit before importing anything heavy, blocks every socket, then reads one
JSON job per stdin line: builds the hostile input, prints ``{"started": id}``, reads it with
``read_chat`` and prints one JSON result line.

Time is bounded in CPU seconds, so a busy machine cannot fail a test: before each read the soft
``RLIMIT_CPU`` is set to the CPU time used so far plus the limit, and the kernel ends this
process with SIGXCPU if the read goes over. The parent also kills it when no result comes within
a generous wall-clock time (a read blocked on something, not computing).
"""

from __future__ import annotations

import os
import resource
import sys

MEMORY_LIMIT = int(os.environ.get("RECIPROCAL_HARDENING_AS", str(2 << 30)))
CPU_LIMIT = float(os.environ.get("RECIPROCAL_HARDENING_CPU", "20"))
resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def _cpu_used() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _limit_cpu(seconds: float) -> None:
    """From now on, at most ``seconds`` more CPU time (then SIGXCPU ends the process)."""
    import math

    hard = resource.getrlimit(resource.RLIMIT_CPU)[1]
    soft = math.ceil(_cpu_used() + seconds)
    if hard != resource.RLIM_INFINITY:
        soft = min(soft, hard)
    resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))


import json  # noqa: E402
import shutil  # noqa: E402
import socket  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import traceback  # noqa: E402
import warnings  # noqa: E402
from pathlib import Path  # noqa: E402

NETWORK: list[str] = []


class _NoSocket(socket.socket):
    def __new__(cls, *args: object, **kwargs: object) -> _NoSocket:
        NETWORK.append(repr(args)[:80])
        raise OSError("network access attempted by the package (blocked in the hardening worker)")


def _no_dns(*args: object, **kwargs: object) -> object:
    NETWORK.append(f"dns {args[:1]!r}"[:80])
    raise OSError("DNS lookup attempted by the package (blocked in the hardening worker)")


socket.socket = _NoSocket  # type: ignore[misc]
socket.getaddrinfo = _no_dns  # type: ignore[assignment]
socket.create_connection = _no_dns  # type: ignore[assignment]

import hostile  # noqa: E402

import reciprocal as rc  # noqa: E402
from reciprocal.errors import ReciprocalError  # noqa: E402

SRC = str(Path(rc.__file__).resolve().parent)


def _where(exc: BaseException) -> str:
    """file:line of the innermost frame inside the package (else the innermost frame)."""
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if f.filename.startswith(SRC)]
    f = (ours or frames or [None])[-1]
    if f is None:
        return "?"
    name = f.filename[len(SRC) - len("reciprocal") :] if f.filename.startswith(SRC) else f.filename
    return f"{name}:{f.lineno} in {f.name}"


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {str(exc)[:300]}"


def run(job: dict[str, str]) -> dict[str, object]:
    work = Path(tempfile.mkdtemp(prefix="hostile-"))
    cwd = work / "cwd"
    cwd.mkdir()
    os.chdir(cwd)
    try:
        h = hostile.build(job["case"], job["importer"], job["variant"], work)
        path = work / "in" / h.name
        path.parent.mkdir()
        path.write_bytes(h.data)
        del h.data
        NETWORK.clear()
        print(json.dumps({"started": job["id"]}), flush=True)
        result: dict[str, object] = {"id": job["id"]}
        t0 = time.monotonic()
        cpu0 = _cpu_used()
        _limit_cpu(CPU_LIMIT)
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                frame, report = rc.read_chat(
                    path, format=h.format, tz="UTC", errors="warn", report=True, **h.options
                )
            rc.validate_messages(frame)
            problems = h.check(frame, report, work) if h.check else []
            if h.must_fail:
                problems.append(f"read {len(frame)} rows, expected a ReciprocalError")
            result.update(outcome="ok", rows=len(frame), problems=problems, warnings=len(caught))
        except ReciprocalError as exc:
            cause = exc.__cause__
            if (
                cause is not None
                and not isinstance(cause, ReciprocalError)
                and "bug in the importer" in str(exc)
            ):
                result.update(outcome="bug", detail=_describe(cause), where=_where(cause))
            else:
                result.update(outcome="error", detail=_describe(exc), where=_where(exc))
        except MemoryError as exc:
            result.update(outcome="memory", detail="MemoryError under the 2 GiB limit", where=_where(exc))
        except RecursionError as exc:
            result.update(outcome="crash", detail=_describe(exc), where=_where(exc))
        except Exception as exc:
            result.update(outcome="crash", detail=_describe(exc), where=_where(exc))
        result["cpu_seconds"] = round(_cpu_used() - cpu0, 3)
        result["seconds"] = round(time.monotonic() - t0, 3)
        _limit_cpu(3600)  # building the next input is not the package's time
        escaped = [p.name for p in work.parent.glob("evil*")] + [p.name for p in Path("/tmp").glob("evil*")]
        escaped += [str(p.relative_to(work)) for p in work.rglob("*") if p.name.startswith("evil")]
        if escaped:
            result.setdefault("problems", []).append(f"files written outside: {escaped}")  # type: ignore[union-attr]
        if NETWORK:
            result.setdefault("problems", []).append(f"network access attempted: {NETWORK[:3]}")  # type: ignore[union-attr]
        return result
    finally:
        os.chdir(work.parent)
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    for line in sys.stdin:
        if not line.strip():
            continue
        job = json.loads(line)
        try:
            out = run(job)
        except MemoryError:
            out = {"id": job["id"], "outcome": "memory", "detail": "MemoryError while building the input"}
        print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
