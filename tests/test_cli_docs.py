"""The README's CLI section is generated from the commands' --help and must be current."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from reciprocal.cli import cli_markdown

ROOT = Path(__file__).resolve().parent.parent
START, END = "<!-- cli:start -->", "<!-- cli:end -->"


def test_readme_cli_section_is_current() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert START in readme and END in readme, "README.md needs the CLI markers"
    section = readme.split(START, 1)[1].split(END, 1)[0]
    assert section == "\n" + cli_markdown(), "run: python scripts/gen_cli_docs.py"


def test_markdown_covers_every_command() -> None:
    text = cli_markdown()
    for command in ("analyze", "report", "convert", "batch", "formats"):
        assert f"### `reciprocal {command}`" in text
    assert text.count("Example") >= 5


def test_check_mode_detects_a_stale_readme(tmp_path: Path) -> None:
    stale = tmp_path / "README.md"
    stale.write_text(f"# x\n\n{START}\nold text\n{END}\n", encoding="utf-8")
    script = ROOT / "scripts" / "gen_cli_docs.py"
    check = [sys.executable, str(script), "--check", "--readme", str(stale)]
    assert subprocess.run(check, capture_output=True).returncode == 1
    assert subprocess.run([sys.executable, str(script), "--readme", str(stale)]).returncode == 0
    assert subprocess.run(check, capture_output=True).returncode == 0
    assert stale.read_text(encoding="utf-8").startswith("# x\n\n")
