"""Run hostile-input jobs in worker processes with a memory limit and a per-input time limit.

Each worker (``_child.py``) limits its own address space (``RLIMIT_AS``) to 2 GiB, blocks sockets,
and gives each read ``TIME_LIMIT`` CPU seconds (``RLIMIT_CPU``: the kernel ends it with SIGXCPU
when a read computes longer; CPU time, so a machine busy with other work cannot fail a test).
The parent records such a death as ``timeout``, kills (by its own pid) a worker that has not
answered within ``WALL_LIMIT`` wall-clock seconds (a read that blocks instead of computing), and
starts a fresh worker for the next input. Any other death (segfault, OOM killer) is ``died``.
Two workers run side by side (the suite targets 2 cores).
"""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
SRC = HERE.parents[1] / "src"
TIME_LIMIT = 20.0  # CPU seconds per input (the promise in SECURITY.md)
WALL_LIMIT = 60.0  # wall-clock guard for reads that block (sleep, wait) rather than compute
BUILD_LIMIT = 120.0  # generous: building a zip bomb is our cost, not the package's
MEMORY_LIMIT = 2 << 30


class Worker:
    """One worker process and the line protocol to it."""

    def __init__(self) -> None:
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join([str(SRC), str(HERE)])
        env["RECIPROCAL_HARDENING_AS"] = str(MEMORY_LIMIT)
        env["RECIPROCAL_HARDENING_CPU"] = str(TIME_LIMIT)
        # pyarrow's default allocator (mimalloc) reserves 1 GiB of address space up front; with the
        # system allocator RLIMIT_AS measures what is really used.
        env["ARROW_DEFAULT_MEMORY_POOL"] = "system"
        env["OMP_NUM_THREADS"] = "1"
        env["PYTHONHASHSEED"] = "0"
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115 (closed in close())
        self.proc = subprocess.Popen(
            [sys.executable, str(HERE / "_child.py")],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            env=env,
            cwd=tempfile.gettempdir(),
        )
        self._buf = b""

    def _readline(self, deadline: float) -> bytes | None:
        """One stdout line, or None on timeout; b"" on EOF."""
        assert self.proc.stdout is not None
        fd = self.proc.stdout.fileno()
        while b"\n" not in self._buf:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            ready, _, _ = select.select([fd], [], [], left)
            if not ready:
                return None
            chunk = os.read(fd, 65536)
            if not chunk:
                return b""
            self._buf += chunk
        line, _, self._buf = self._buf.partition(b"\n")
        return line

    def stderr_tail(self) -> str:
        self._stderr.seek(0)
        return self._stderr.read()[-1500:].decode("utf-8", "replace")

    def run(self, job: dict[str, Any]) -> dict[str, Any]:
        assert self.proc.stdin is not None
        try:
            self.proc.stdin.write((json.dumps(job) + "\n").encode())
            self.proc.stdin.flush()
        except BrokenPipeError:
            return {"id": job["id"], "outcome": "died", "detail": self.stderr_tail(), "restart": True}
        started = self._readline(time.monotonic() + BUILD_LIMIT)
        if not started:
            self.kill()
            return {
                "id": job["id"],
                "outcome": "died",
                "detail": "while building: " + self.stderr_tail(),
                "restart": True,
            }
        line = self._readline(time.monotonic() + WALL_LIMIT)
        if line is None:
            self.kill()
            detail = f"no result within {WALL_LIMIT:.0f} s of wall-clock time (blocked?)"
            return {"id": job["id"], "outcome": "timeout", "detail": detail, "restart": True}
        if line == b"":
            code = self.proc.wait()
            if code == -signal.SIGXCPU:
                detail = f"over {TIME_LIMIT:.0f} CPU seconds (ended by RLIMIT_CPU)"
                return {"id": job["id"], "outcome": "timeout", "detail": detail, "restart": True}
            detail = f"exit {code}: {self.stderr_tail()}"
            return {"id": job["id"], "outcome": "died", "detail": detail, "restart": True}
        return json.loads(line)

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()

    def close(self) -> None:
        if self.proc.poll() is None:
            assert self.proc.stdin is not None
            self.proc.stdin.close()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()
        self._stderr.close()


def run_jobs(triples: list[tuple[str, str, str]], *, workers: int = 2) -> dict[tuple[str, str, str], dict]:
    """Run every (case, importer, variant) and return its result dict."""
    todo = list(enumerate(triples))
    results: dict[tuple[str, str, str], dict] = {}
    lock = threading.Lock()

    def loop() -> None:
        worker = Worker()
        try:
            while True:
                with lock:
                    if not todo:
                        return
                    i, (c, imp, v) = todo.pop(0)
                res = worker.run({"id": i, "case": c, "importer": imp, "variant": v})
                with lock:
                    results[(c, imp, v)] = res
                if res.pop("restart", False):
                    worker.close()
                    worker = Worker()
        finally:
            worker.close()

    threads = [threading.Thread(target=loop) for _ in range(max(1, min(workers, len(triples))))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


if __name__ == "__main__":  # python tests/hardening/harness.py [case ...]: print a table
    sys.path[:0] = [str(SRC), str(HERE)]
    import hostile

    t0 = time.monotonic()
    res = run_jobs(hostile.jobs(sys.argv[1:] or None))
    for key, r in sorted(res.items()):
        flag = "" if r["outcome"] in ("ok", "error") and not r.get("problems") else "  <-- FAIL"
        cpu = r.get("cpu_seconds", "")
        print(f"{'/'.join(key):55s} {r['outcome']:8s} {cpu!s:7s} {r.get('where', '')}{flag}")
        if flag:
            print(f"      {r.get('detail', '')} {r.get('problems', '')}")
    print(f"{len(res)} inputs in {time.monotonic() - t0:.1f} s")
