"""One relationship in depth: a synthetic chat with planted patterns, its numbers and its charts as SVG.

Run:
    python examples/one_relationship.py [OUT_DIR]
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import reciprocal as rc
from reciprocal.plots import figure_to_svg
from reciprocal.samples.synthetic import synthetic_chat


def main(out_dir: Path) -> list[Path]:
    # Planted: Sam starts ~70% of conversations and answers in ~3 min; Alex in ~10 min.
    messages = synthetic_chat(people=("Sam", "Alex"), conversations=200, initiator_share=0.7, seed=7)
    report = rc.analyze(messages, bootstrap=300, seed=0)
    latency = report.scores.query("metric == 'latency_median'").set_index("person")["value"]
    print(f"median reply time: Sam {latency['Sam'] / 60:.1f} min, Alex {latency['Alex'] / 60:.1f} min")
    for row in report.flags.itertuples(index=False):
        print(f"flag: {row.message}")
    written = []
    for name in ("initiations", "latency", "balance", "trend", "activity"):
        fig = getattr(report, f"plot_{name}")()
        path = out_dir / f"{name}.svg"
        path.write_text(figure_to_svg(fig), encoding="utf-8")
        written.append(path)
    print(f"wrote {len(written)} charts to {out_dir}")
    return written


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp()))
