"""The ``reciprocal`` command: a thin layer over :func:`reciprocal.read_chat` and :func:`reciprocal.analyze`.

Data goes to stdout, messages to stderr. Exit status: 0 everything worked, 1 some inputs failed
(the others were still processed), 2 usage error (unknown option, bad value, unreadable alias file).
A user error prints one line naming the file and the problem, never a traceback, never chat text.
Set ``RECIPROCAL_DEBUG=1`` to get the traceback of an unexpected error.
"""

from __future__ import annotations

import glob
import json
import os
import sys
import tomllib
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from .errors import ConfigError, ReciprocalError

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["app", "cli_markdown", "main"]

app = typer.Typer(
    name="reciprocal",
    help=(
        "Is this relationship two-way? Reciprocity metrics with intervals from exported chats.\n\n"
        "Everything runs on this machine; nothing is sent anywhere.\n\n"
        "\b\nExamples:\n  reciprocal analyze --sample whatsapp\n"
        "  reciprocal report chat.txt --tz Europe/Berlin -o report.html"
    ),
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,  # a traceback could show local variables holding messages
    rich_markup_mode=None,  # plain click help: stable text for the generated README section
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)

EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE = 0, 1, 2


class OutFormat(StrEnum):
    """Output formats of ``reciprocal analyze``."""

    table = "table"
    csv = "csv"
    json = "json"
    jsonl = "jsonl"
    parquet = "parquet"


# Shared options: every command that reads chats takes the same reading and analysis options.
Files = Annotated[
    list[Path] | None,
    typer.Argument(
        help="Chat exports: files, .zip archives or export folders.", metavar="FILE", show_default=False
    ),
]
Sample = Annotated[
    str | None,
    typer.Option(
        "--sample",
        metavar="NAME",
        help="Also analyse a bundled synthetic sample chat (e.g. whatsapp); no file needed.",
        show_default=False,
    ),
]
Tz = Annotated[
    str | None,
    typer.Option(
        "--tz",
        metavar="ZONE",
        help="IANA time zone of the export's clock times, e.g. Europe/Berlin. [default: local]",
    ),
]
Me = Annotated[
    str | None,
    typer.Option("--me", metavar="NAME", help="Your name as it appears in the chat (marks your messages)."),
]
FormatIn = Annotated[
    str,
    typer.Option(
        "--format-in", metavar="NAME", help="Export format; 'auto' sniffs it (see `reciprocal formats`)."
    ),
]
Gap = Annotated[
    str,
    typer.Option(
        "--gap",
        metavar="DURATION",
        help="Silence that starts a new conversation: 'adaptive' or a duration like 2h, 30min.",
    ),
]
People = Annotated[
    Path | None,
    typer.Option(
        "--people",
        metavar="FILE",
        help='Alias file (JSON or TOML): {"Sam": ["Sam R", "+15550100"]} gives one person one name.',
        show_default=False,
    ),
]
Seed = Annotated[
    int, typer.Option("--seed", metavar="N", help="Seed of the bootstrap (same seed, same intervals).")
]
Bootstrap = Annotated[
    int,
    typer.Option(
        "--bootstrap", min=0, metavar="N", help="Bootstrap resamples for the 95% intervals (0: none)."
    ),
]
Progress = Annotated[
    bool | None,
    typer.Option(
        "--progress/--no-progress", help="Progress bar on stderr. [default: when stderr is a terminal]"
    ),
]
Output = Annotated[
    Path | None, typer.Option("-o", "--output", metavar="FILE", help="Write here instead of stdout.")
]
Pseudonymise = Annotated[
    Path | None,
    typer.Option(
        "--pseudonymise",
        metavar="KEYFILE",
        help=(
            "Replace names, sender ids and chat ids by keyed pseudonyms (HMAC-SHA256 with the key in "
            "KEYFILE; a new random key is written there if the file does not exist). Keep the file: "
            "the same key gives the same pseudonyms."
        ),
        show_default=False,
    ),
]
Redact = Annotated[
    bool,
    typer.Option(
        "--redact", help="Replace phone numbers and e-mail addresses in message text by <PHONE>, <EMAIL>."
    ),
]


@dataclass(frozen=True)
class ReadOptions:
    """How to read each export (the options shared by every command)."""

    tz: str | None = None
    me: str | None = None
    format: str = "auto"
    people: dict[str, list[str]] | None = None
    key: bytes | None = field(default=None, repr=False)  # --pseudonymise: never printed
    redact: bool = False


@dataclass(frozen=True)
class AnalyzeOptions:
    """How to analyse each chat."""

    gap: Any = "adaptive"
    seed: int = 0
    bootstrap: int = 1000
    progress: bool | None = None


@dataclass
class Outcome:
    """What happened to the inputs of one command run."""

    done: list[tuple[str, Any]] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return EXIT_SOME_FAILED if self.failed else EXIT_OK


# --- helpers -----------------------------------------------------------------------------------


def _say(message: str) -> None:
    typer.echo(f"reciprocal: {message}", err=True)


def _usage(message: str) -> typer.Exit:
    _say(f"error: {message}")
    return typer.Exit(EXIT_USAGE)


def parse_gap(value: str) -> Any:
    """Return ``"adaptive"`` or a :class:`pandas.Timedelta` for a ``--gap`` value.

    Raises:
        ConfigError: The value is neither ``adaptive`` nor a positive duration.
    """
    import pandas as pd

    if value.strip().lower() == "adaptive":
        return "adaptive"
    try:
        gap: Any = pd.Timedelta(value)
    except (ValueError, TypeError):
        gap = None
    if gap is None or gap is pd.NaT or gap <= pd.Timedelta(0):
        raise ConfigError(f"--gap {value!r} is not 'adaptive' or a positive duration such as 2h, 90min, 1d")
    return gap


def load_people(path: Path) -> dict[str, list[str]]:
    """Read an alias file: one name per person, with the other names and numbers they appear under.

    JSON (``{"Sam": ["Sam R", "+15550100"]}``) or TOML (``Sam = ["Sam R", "+15550100"]``).

    Raises:
        ConfigError: The file is missing, unreadable, or not a mapping of name → list of aliases.
    """
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"cannot read the alias file ({exc.strerror})", path=path) from exc
    try:
        data = tomllib.loads(raw.decode("utf-8-sig")) if path.suffix.lower() == ".toml" else json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        what = "TOML" if path.suffix.lower() == ".toml" else "JSON"
        raise ConfigError(f"the alias file is not valid {what}", path=path) from exc
    if isinstance(data, dict) and set(data) == {"people"} and isinstance(data["people"], dict):
        data = data["people"]
    ok = isinstance(data, dict) and all(
        isinstance(k, str) and isinstance(v, list) and all(isinstance(a, str) for a in v)
        for k, v in data.items()
    )
    if not ok:
        raise ConfigError(
            'the alias file must map each name to a list of aliases, e.g. {"Sam": ["Sam R", "+15550100"]}',
            path=path,
        )
    return {str(k): [str(a) for a in v] for k, v in data.items()}


def _read(path: Path, ro: ReadOptions) -> pd.DataFrame:
    import reciprocal

    messages = reciprocal.read_chat(path, format=ro.format, tz=ro.tz, me=ro.me, people=ro.people)
    if ro.key is not None or ro.redact:
        from .privacy import pseudonymise, redact

        if ro.key is not None:
            messages = pseudonymise(messages, key=ro.key)
        if ro.redact:
            messages = redact(messages)
    return messages


def _analyze(messages: pd.DataFrame, ao: AnalyzeOptions) -> Any:
    import reciprocal

    return reciprocal.analyze(
        messages, gap=ao.gap, bootstrap=ao.bootstrap, seed=ao.seed, progress=ao.progress
    )


def _expand(inputs: Sequence[Path | str]) -> list[Path]:
    """Expand glob patterns (for shells that do not) and keep everything else as given."""
    out: list[Path] = []
    for item in inputs:
        text = str(item)
        if any(ch in text for ch in "*?[") and not Path(text).exists():
            out += [Path(p) for p in sorted(glob.glob(text, recursive=True))]
        else:
            out.append(Path(text))
    return out


def _process(
    files: Sequence[Path], ro: ReadOptions, ao: AnalyzeOptions | None, *, progress: bool | None = None
) -> Iterator[tuple[Path, Any]]:
    """Read (and analyse) each file; report failures on stderr and go on with the others.

    Yields:
        ``(path, report)`` (or ``(path, messages)`` when ``ao`` is None) for each file that worked.
        The generator's ``failed`` list is filled through :data:`_LAST_FAILED`.
    """
    bar = _progress(files, progress)
    for path in bar:
        name = str(path)
        try:
            if not path.exists():
                raise ReciprocalError("no such file or folder", path=name)
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                result: Any = _read(path, ro)
                if ao is not None:
                    result = _analyze(result, ao)
            for w in caught:
                _say(f"warning: {_where(name, w.message)}")
        except ReciprocalError as exc:
            _say(f"error: {_where(name, exc)}")
            _LAST_FAILED.append(name)
            continue
        except Exception as exc:
            if os.environ.get("RECIPROCAL_DEBUG"):
                raise
            # The message of an unexpected error may quote data: print only its type.
            _say(
                f"error: {name}: unexpected {type(exc).__name__} (a bug; rerun with RECIPROCAL_DEBUG=1 "
                "for the traceback and report it without the chat)"
            )
            _LAST_FAILED.append(name)
            continue
        yield path, result


_LAST_FAILED: list[str] = []


def _where(name: str, exc: object) -> str:
    text = str(exc)
    path = getattr(exc, "path", None)
    return text if path or text.startswith(name) else f"{name}: {text}"


def _progress(files: Sequence[Path], progress: bool | None) -> Any:
    if progress is False or len(files) < 2:
        return files
    from tqdm.auto import tqdm

    return tqdm(
        files, desc="chats", unit="file", file=sys.stderr, disable=None if progress is None else False
    )


def _options(
    tz: str | None,
    me: str | None,
    format_in: str,
    people: Path | None,
    pseudonymise: Path | None = None,
    redact: bool = False,
) -> ReadOptions:
    try:
        aliases = load_people(people) if people is not None else None
        key = _key(pseudonymise) if pseudonymise is not None else None
    except ConfigError as exc:
        raise _usage(str(exc)) from None
    if format_in != "auto":
        from .importers import available_formats

        known = available_formats()
        if format_in not in known:
            raise _usage(
                f"--format-in {format_in!r} is not a known format; use auto or one of {', '.join(known)}"
            )
    return ReadOptions(tz=tz, me=me, format=format_in, people=aliases, key=key, redact=redact)


def _key(path: Path) -> bytes:
    """The --pseudonymise key: read KEYFILE, or create it with a new random key."""
    from .privacy import load_key, new_key

    if path.exists():
        return load_key(path)
    key = new_key(path)
    _say(f"wrote a new pseudonymisation key to {path} (keep it private; reuse it for the same pseudonyms)")
    return key


def _inputs(files: Sequence[Path] | None, sample: str | None) -> list[Path]:
    paths = list(files or [])
    if sample is not None:
        from .samples import sample_path

        try:
            paths.append(sample_path(sample))
        except ConfigError as exc:
            raise _usage(str(exc)) from None
    if not paths:
        raise _usage("give at least one FILE (or --sample whatsapp to try the bundled sample)")
    return paths


def _analysis(gap: str, seed: int, bootstrap: int, progress: bool | None) -> AnalyzeOptions:
    try:
        g = parse_gap(gap)
    except ConfigError as exc:
        raise _usage(str(exc)) from None
    return AnalyzeOptions(gap=g, seed=seed, bootstrap=bootstrap, progress=progress)


def _run(files: Sequence[Path], ro: ReadOptions, ao: AnalyzeOptions | None, progress: bool | None) -> Outcome:
    _LAST_FAILED.clear()
    outcome = Outcome()
    for path, result in _process(_expand(files), ro, ao, progress=progress):
        outcome.done.append((str(path), result))
    outcome.failed = list(_LAST_FAILED)
    return outcome


TIDY_COLUMNS = ["file", "chat_id", "person", "partner", "metric", "value", "ci_low", "ci_high", "n", "note"]


def tidy(report: Any, *, file: str = "") -> pd.DataFrame:
    """One long table of a Report's numbers: per-person rows, then per-pair rows.

    Per-person rows (``report.scores``) have an empty ``partner``; per-pair rows (``report.dyads``,
    e.g. ``reciprocity_score``) put ``person_a`` in ``person`` and ``person_b`` in ``partner``.

    Returns:
        A frame with :data:`TIDY_COLUMNS`.
    """
    import pandas as pd

    scores = report.scores.assign(partner=pd.NA)
    dyads = getattr(report, "dyads", None)
    parts = [scores]
    if dyads is not None and len(dyads):
        parts.append(dyads.rename(columns={"person_a": "person", "person_b": "partner"}))
    frame = (
        pd.concat([p for p in parts if len(p)], ignore_index=True) if any(len(p) for p in parts) else scores
    )
    return frame.assign(file=file).reindex(columns=TIDY_COLUMNS)


def _tidy(outcome: Outcome) -> pd.DataFrame:
    import pandas as pd

    frames = [tidy(report, file=name) for name, report in outcome.done]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=TIDY_COLUMNS)


def _table(outcome: Outcome) -> str:
    rows = []
    for _name, report in outcome.done:
        for r in report.scores.itertuples(index=False):
            rows.append(_table_row(str(r.chat_id), "" if _missing(r.person) else str(r.person), r))
        dyads = getattr(report, "dyads", None)
        if dyads is not None:
            for r in dyads.itertuples(index=False):
                rows.append(_table_row(str(r.chat_id), f"{r.person_a} · {r.person_b}", r))
    if not rows:
        return "(no results)"
    columns = list(rows[0])
    right = {"value", "95% interval", "n"}
    widths = {c: max(len(c), *(len(r[c]) for r in rows)) for c in columns}

    def line(cells: dict[str, str]) -> str:
        parts = [cells[c].rjust(widths[c]) if c in right else cells[c].ljust(widths[c]) for c in columns]
        return "  ".join(parts).rstrip()

    return "\n".join([line({c: c for c in columns}), *(line(r) for r in rows)])


def _missing(x: Any) -> bool:
    from . import wording

    return wording.is_missing(x)


def _table_row(chat: str, who: str, r: Any) -> dict[str, str]:
    from . import wording

    info = wording.metric_info(str(r.metric))
    return {
        "chat": chat,
        "who": who,
        "metric": str(r.metric),
        "value": wording.format_value(r.value, info.kind),
        "95% interval": wording.format_interval(r.ci_low, r.ci_high, info.kind),
        "n": "" if wording.is_missing(r.n) else f"{int(r.n)}",
        "note": wording.display_note(r.note, r.value)[:60],
    }


def _emit(text: str, output: Path | None) -> None:
    if output is None:
        typer.echo(text, nl=not text.endswith("\n"))
    else:
        output.write_text(text, encoding="utf-8")
        _say(f"wrote {output}")


def _finish(outcome: Outcome, what: str) -> None:
    if outcome.failed:
        _say(f"{len(outcome.failed)} of {len(outcome.failed) + len(outcome.done)} inputs failed; {what}")
    raise typer.Exit(outcome.exit_code)


# --- commands ----------------------------------------------------------------------------------


def _version(value: bool) -> None:
    if value:
        from ._version import __version__

        typer.echo(f"reciprocal {__version__}")
        raise typer.Exit(EXIT_OK)


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """Options that apply before any command."""


@app.command(short_help="Reciprocity metrics per chat and person (table, CSV, JSON, Parquet).")
def analyze(
    files: Files = None,
    sample: Sample = None,
    fmt: Annotated[
        OutFormat,
        typer.Option("--format", "-f", metavar="table|csv|json|jsonl|parquet", help="Output format."),
    ] = OutFormat.table,
    output: Output = None,
    tz: Tz = None,
    me: Me = None,
    format_in: FormatIn = "auto",
    gap: Gap = "adaptive",
    people: People = None,
    pseudonymise: Pseudonymise = None,
    redact: Redact = False,
    seed: Seed = 0,
    bootstrap: Bootstrap = 1000,
    progress: Progress = None,
) -> None:
    """Measure how two-way each chat is: one row per chat, person and metric, with 95% intervals.

    Rows about a pair (reciprocity_score, ...) name both people: person and partner.

    \b
    Examples:
      reciprocal analyze --sample whatsapp
      reciprocal analyze "WhatsApp Chat with Sam.txt" --tz Europe/Berlin --me Alex
      reciprocal analyze chat.zip signal.md --format csv -o scores.csv
      reciprocal analyze chat.txt --format parquet -o scores.parquet
    """
    if fmt is OutFormat.parquet and output is None:
        raise _usage("--format parquet needs -o FILE (binary output does not go to the terminal)")
    ro = _options(tz, me, format_in, people, pseudonymise, redact)
    ao = _analysis(gap, seed, bootstrap, progress)
    outcome = _run(_inputs(files, sample), ro, ao, progress)
    if outcome.done or fmt is not OutFormat.table:
        _write_analysis(outcome, fmt, output)
    _finish(outcome, "the results above are from the others")


def _write_analysis(outcome: Outcome, fmt: OutFormat, output: Path | None) -> None:
    if fmt is OutFormat.table:
        _emit(_table(outcome) + "\n", output)
        return
    frame = _tidy(outcome)
    if fmt is OutFormat.csv:
        _emit(frame.to_csv(index=False), output)
    elif fmt is OutFormat.json:
        _emit(frame.to_json(orient="records", force_ascii=False, date_format="iso", indent=1) + "\n", output)
    elif fmt is OutFormat.jsonl:
        text = (
            frame.to_json(orient="records", lines=True, force_ascii=False, date_format="iso")
            if len(frame)
            else ""
        )
        _emit(text if text.endswith("\n") or not text else text + "\n", output)
    else:
        assert output is not None  # checked before any work
        frame.to_parquet(output, index=False, compression="zstd")
        _say(f"wrote {output}")


@app.command(short_help="One self-contained HTML report with charts.")
def report(
    files: Files = None,
    sample: Sample = None,
    output: Annotated[
        Path, typer.Option("-o", "--output", metavar="FILE", help="The HTML file to write.")
    ] = Path("report.html"),
    title: Annotated[str | None, typer.Option("--title", metavar="TEXT", help="Page title.")] = None,
    tz: Tz = None,
    me: Me = None,
    format_in: FormatIn = "auto",
    gap: Gap = "adaptive",
    people: People = None,
    pseudonymise: Pseudonymise = None,
    redact: Redact = False,
    seed: Seed = 0,
    bootstrap: Bootstrap = 1000,
    progress: Progress = None,
) -> None:
    """Write one self-contained HTML report (charts inline, nothing loaded from the network).

    \b
    Examples:
      reciprocal report --sample whatsapp -o sample.html
      reciprocal report "WhatsApp Chat with Sam.txt" --tz Europe/Berlin -o sam.html
      reciprocal report chat.zip sms.xml --people people.json -o report.html
    """
    ro = _options(tz, me, format_in, people, pseudonymise, redact)
    ao = _analysis(gap, seed, bootstrap, progress)
    outcome = _run(_inputs(files, sample), ro, ao, progress)
    if outcome.done:
        from .html import to_html

        to_html([rep for _, rep in outcome.done], output, title=title)
        _say(f"wrote {output}")
    _finish(outcome, f"{output} holds the others" if outcome.done else "nothing was written")


@app.command(short_help="Save an export as a message frame in Parquet.")
def convert(
    file: Annotated[
        Path,
        typer.Argument(help="One chat export (file, .zip or folder).", metavar="FILE", show_default=False),
    ],
    output: Annotated[
        Path, typer.Option("-o", "--output", metavar="FILE", help="The Parquet file to write.")
    ] = Path("messages.parquet"),
    tz: Tz = None,
    me: Me = None,
    format_in: FormatIn = "auto",
    people: People = None,
    pseudonymise: Pseudonymise = None,
    redact: Redact = False,
) -> None:
    """Read an export into the message frame and save it as Parquet (zstd), for pandas, DuckDB or Arrow.

    \b
    Examples:
      reciprocal convert "WhatsApp Chat with Sam.txt" --tz Europe/Berlin -o sam.parquet
      python -c "import reciprocal as rc; print(rc.read_messages('sam.parquet').head())"
    """
    ro = _options(tz, me, format_in, people, pseudonymise, redact)
    outcome = _run([file], ro, None, False)
    for _, messages in outcome.done:
        write_messages(messages, output)
        _say(f"wrote {output} ({len(messages)} messages)")
    _finish(outcome, "nothing was written")


def write_messages(messages: pd.DataFrame, path: Path) -> None:
    """Write a message frame as Parquet (zstd, versions in the metadata); see :mod:`reciprocal.io`."""
    from .io import write_messages as write

    write(messages, path)


class ExecutorName(StrEnum):
    """Where ``reciprocal batch`` runs the analyses."""

    none = "none"
    process = "process"
    dask = "dask"


@app.command(short_help="Analyse many chats into one tidy table.")
def batch(
    inputs: Annotated[
        list[str],
        typer.Argument(
            help="Exports, folders of exports, or glob patterns (quote them).",
            metavar="INPUT",
            show_default=False,
        ),
    ],
    output: Annotated[
        Path | None,
        typer.Option(
            "-o",
            "--output",
            metavar="DIR",
            help="Results folder: appends one Parquet part per chunk (zstd); stdout CSV if absent.",
        ),
    ] = None,
    tz: Tz = None,
    me: Me = None,
    format_in: FormatIn = "auto",
    gap: Gap = "adaptive",
    people: People = None,
    pseudonymise: Pseudonymise = None,
    redact: Redact = False,
    seed: Seed = 0,
    bootstrap: Bootstrap = 1000,
    progress: Progress = None,
    executor: Annotated[
        ExecutorName,
        typer.Option(
            "--executor",
            help="Where to run: none (this process), process (local worker processes), dask (a Dask "
            "scheduler; needs reciprocal[dask]).",
        ),
    ] = ExecutorName.none,
    scheduler: Annotated[
        str | None,
        typer.Option(
            "--scheduler",
            metavar="ADDRESS",
            help="Dask scheduler, e.g. tcp://10.0.0.5:8786 [default: $DASK_SCHEDULER_ADDRESS, else a "
            "local cluster]. Workers must see the input paths and run the same reciprocal version.",
        ),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers", min=1, metavar="N", help="Worker processes (process, local dask). [default: CPUs]"
        ),
    ] = None,
    chunk_size: Annotated[
        int | None, typer.Option("--chunk-size", min=1, metavar="N", help="Exports per task. [default: auto]")
    ] = None,
) -> None:
    """Analyse many chats into one tidy table (one row per file, chat, person and metric).

    A folder given here is a folder of exports: each file or subfolder in it is one export.
    A chat that fails is reported on stderr and skipped; the others complete (exit status 1).

    \b
    Examples:
      reciprocal batch "exports/*.txt" --tz UTC -o results/
      reciprocal batch exports/ --bootstrap 200 > scores.csv
      reciprocal batch exports/ --executor dask --scheduler tcp://127.0.0.1:8786 -o results/
    """
    from .batch import batch as run_batch
    from .batch import open_executor

    ro = _options(tz, me, format_in, people, pseudonymise, redact)
    ao = _analysis(gap, seed, bootstrap, progress)
    if scheduler is not None and executor != ExecutorName.dask:
        raise _usage("--scheduler needs --executor dask")
    show = sys.stderr.isatty() if progress is None else progress
    try:
        with open_executor(executor.value, address=scheduler, workers=workers) as pool:
            table = run_batch(
                inputs,
                executor=pool,
                out=output,
                chunk_size=chunk_size,
                tz=ro.tz,
                people=ro.people,
                me=ro.me,
                format=ro.format,
                errors="ignore",  # failures come back as status="error" rows, reported below
                progress=show,
                pseudonymise=ro.key,
                gap=ao.gap,
                seed=ao.seed,
                bootstrap=ao.bootstrap,
            )
    except ConfigError as exc:
        raise _usage(str(exc)) from None
    failed = table.loc[table["status"] == "error", ["source", "error"]].drop_duplicates("source")
    for source, error in failed.itertuples(index=False):
        _say(f"error: {source}: {error}")
    n = int(table["source"].nunique())
    if output is None:
        _emit(table.to_csv(index=False), None)
    else:
        _say(f"wrote {output}/ ({n - len(failed)} exports analysed, {len(failed)} failed)")
    if len(failed):
        _say(f"{len(failed)} of {n} inputs failed; the results hold the others")
    raise typer.Exit(EXIT_SOME_FAILED if len(failed) else EXIT_OK)


@app.command(short_help="List the export formats reciprocal reads.")
def formats() -> None:
    """List the export formats reciprocal reads (the names --format-in takes).

    \b
    Example:
      reciprocal formats
    """
    import importlib

    rows = _format_rows(importlib.import_module("reciprocal.importers"))
    width = max((len(r[0]) for r in rows), default=4)
    for name, suffixes, description in rows:
        typer.echo(f"{name:<{width}}  {suffixes:<18}  {description}".rstrip())


def _format_rows(importers: Any) -> list[tuple[str, str, str]]:
    rows = []
    for name in importers.available_formats():
        spec = importers.get_importer(name)
        rows.append((name, " ".join(spec.suffixes), spec.description))
    return sorted(rows)


# --- docs --------------------------------------------------------------------------------------


def cli_markdown() -> str:
    """Return the README's CLI section: every command's ``--help``, generated from the code.

    Returns:
        Markdown text (a heading per command and its help in a fenced block).
    """
    root = typer.main.get_command(app)
    parts = [
        "Generated by `python scripts/gen_cli_docs.py` from `reciprocal --help`; do not edit by hand.\n",
        "Exit status: 0 ok, 1 some inputs failed (the others were processed), 2 usage error. "
        "Data goes to stdout, messages to stderr.\n",
    ]
    group: Any = root  # a Group of typer's vendored click
    with typer.Context(
        root,
        info_name="reciprocal",
        terminal_width=100,
        max_content_width=100,
        help_option_names=["-h", "--help"],
    ) as ctx:
        parts.append(f"```text\n{root.get_help(ctx)}\n```\n")
        for name in group.list_commands(ctx):
            cmd = group.get_command(ctx, name)
            with typer.Context(
                cmd,
                info_name=name,
                parent=ctx,
                terminal_width=100,
                max_content_width=100,
                help_option_names=["-h", "--help"],
            ) as sub:
                parts.append(f"### `reciprocal {name}`\n\n```text\n{cmd.get_help(sub)}\n```\n")
    return "\n".join(parts)


def main(argv: Sequence[str] | None = None) -> None:
    """Run the command line (the ``reciprocal`` console script)."""
    app(args=list(argv) if argv is not None else None, prog_name="reciprocal")


if __name__ == "__main__":  # pragma: no cover
    main()
