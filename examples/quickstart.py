"""Quickstart: analyse the bundled sample chat and write the HTML report.

Run:
    python examples/quickstart.py [OUT_DIR]
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import reciprocal as rc
from reciprocal.wording import sentence


def main(out_dir: Path) -> Path:
    messages = rc.read_chat(rc.sample_path("whatsapp"), tz="Europe/London")
    report = rc.analyze(messages, bootstrap=200, seed=0)
    starts = report.scores.query("metric == 'initiation_share'")
    for row in starts.itertuples(index=False):
        # e.g. "Sam started 68% of conversations [61–74%], 214 conversations"
        print(sentence(row.person, row.metric, row.value, row.ci_low, row.ci_high, row.n))
    path = out_dir / "report.html"
    report.to_html(path)
    print(f"wrote {path}")
    return path


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp()))
