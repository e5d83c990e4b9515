"""Throughput of the text features (messages per second, one process = one core).

Usage::

    python ../shared/tools/gen_whatsapp.py -n 100000 --format android --people 2 -o /tmp/wa_100k.txt
    PYTHONPATH=src python benchmarks/bench_text.py /tmp/wa_100k.txt [--repeat 3]

Times ``tag_texts`` on the chat's message texts (distinct-text caching on, as in ``analyze()``), each
run with reciprocal's caches rebuilt (spaCy's vocabulary stays warm after the first run). Reports CPU
seconds of the process (= one core; robust when the machine is shared) next to wall time. Benchmarks are
not tests: nothing asserts a time. ``OMP_NUM_THREADS=1`` keeps numpy/thinc on one thread.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

# Android export header: "1/1/22, 1:03 AM - Alice: text"; continuation lines belong to the message above.
_HEADER = re.compile(r"^\d{1,2}/\d{1,2}/\d{2,4}, \d{1,2}:\d{2}(?:\s?[AP]M)? - ([^:]+): (.*)$")


def read_texts(path: Path) -> list[str]:
    texts: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        m = _HEADER.match(line)
        if m:
            texts.append(m.group(2))
        elif texts and not re.match(r"^\d{1,2}/\d{1,2}/\d{2,4}, ", line):
            texts[-1] += "\n" + line
    return texts


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("chat", type=Path)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    texts = read_texts(args.chat)
    t0 = time.perf_counter()
    from reciprocal.features import tag_texts, tagger
    from reciprocal.nlp import vader

    tag_texts(["warm up"])
    setup = time.perf_counter() - t0
    print(f"{len(texts)} messages, {len(set(texts))} distinct; setup (imports, patterns) {setup:.2f} s")
    for run in range(args.repeat):
        # Rebuild reciprocal's caches (scorers with their lexeme tables, VADER's token cache); spaCy's
        # vocab stays warm after run 1.
        tagger._SCORERS.clear()
        getattr(vader, "_TOKEN", {}).clear()
        t, c = time.perf_counter(), time.process_time()
        tag_texts(texts)
        dt, dc = time.perf_counter() - t, time.process_time() - c
        # CPU seconds of this process = time on one core, robust to other load on a shared machine.
        print(
            f"run {run + 1}: wall {dt:.2f} s, cpu {dc:.2f} s = {len(texts) / dc:,.0f} messages per cpu-second"
            f" ({len(texts) / dt:,.0f}/s wall)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
