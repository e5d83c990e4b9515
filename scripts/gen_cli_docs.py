"""Regenerate the README's CLI section from the commands' --help (or check that it is current).

Usage:
    python scripts/gen_cli_docs.py           # rewrite README.md between the markers
    python scripts/gen_cli_docs.py --check   # exit 1 when README.md is out of date

The section lives between ``<!-- cli:start -->`` and ``<!-- cli:end -->``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from reciprocal.cli import cli_markdown  # noqa: E402

START, END = "<!-- cli:start -->", "<!-- cli:end -->"


def render(readme: str) -> str:
    """Return ``readme`` with the CLI section replaced by freshly generated text."""
    if START not in readme or END not in readme:
        raise SystemExit(f"README.md has no {START} ... {END} markers")
    head, rest = readme.split(START, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{START}\n{cli_markdown()}{END}{tail}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check; exit 1 when out of date")
    parser.add_argument("--readme", type=Path, default=ROOT / "README.md")
    args = parser.parse_args()
    old = args.readme.read_text(encoding="utf-8")
    new = render(old)
    if args.check:
        if new != old:
            print(
                f"{args.readme} CLI section is out of date: run python scripts/gen_cli_docs.py",
                file=sys.stderr,
            )
            return 1
        return 0
    args.readme.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
