"""Entry points that compose the stages: reading exports into one message frame."""

from __future__ import annotations

import os
import warnings
import zipfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import IO, Any, Literal, overload

import pandas as pd

from . import schema
from .analysis import analyze
from .errors import (
    ConfigError,
    FormatError,
    InputLimitError,
    ParseError,
    ReciprocalError,
    ReciprocalWarning,
    SourceError,
)
from .importers import (
    ACCEPT,
    DEFAULT_LIMITS,
    Limits,
    ParseReport,
    ReadContext,
    Source,
    all_suffixes,
    available_formats,
    detect,
    get_importer,
    importers,
)
from .importers._source import iter_folder, zip_sources
from .merge import merge_chats
from .timezones import resolve_tz

__all__ = ["analyze", "read_chat"]

PathLike = str | os.PathLike[str]
_ZIP_MAGIC = b"PK\x03\x04"
_EMPTY_ZIP_MAGIC = b"PK\x05\x06"


@overload
def read_chat(
    source: PathLike | IO[bytes] | bytes,
    *,
    format: str = ...,
    tz: str | None = ...,
    me: str | None = ...,
    dayfirst: bool | None = ...,
    errors: Literal["raise", "warn", "ignore"] = ...,
    report: Literal[False] = ...,
    limits: Limits | None = ...,
    people: Mapping[str, str | Iterable[str]] | None = ...,
    **options: Any,
) -> pd.DataFrame: ...


@overload
def read_chat(
    source: PathLike | IO[bytes] | bytes,
    *,
    format: str = ...,
    tz: str | None = ...,
    me: str | None = ...,
    dayfirst: bool | None = ...,
    errors: Literal["raise", "warn", "ignore"] = ...,
    report: Literal[True],
    limits: Limits | None = ...,
    people: Mapping[str, str | Iterable[str]] | None = ...,
    **options: Any,
) -> tuple[pd.DataFrame, ParseReport]: ...


def read_chat(
    source: PathLike | IO[bytes] | bytes,
    *,
    format: str = "auto",
    tz: str | None = None,
    me: str | None = None,
    dayfirst: bool | None = None,
    errors: Literal["raise", "warn", "ignore"] = "warn",
    report: bool = False,
    limits: Limits | None = None,
    people: Mapping[str, str | Iterable[str]] | None = None,
    **options: Any,
) -> pd.DataFrame | tuple[pd.DataFrame, ParseReport]:
    """Read a chat export (file, ``.zip``, folder of exports, or binary stream) into a message frame.

    Args:
        source: A path to an export file, a ``.zip`` export (read in memory, never extracted), a
            folder holding exports (every file is sniffed; files that are not chats are ignored and
            noted), a binary file object, or the bytes themselves.
        format: An importer name from :func:`available_formats`, or ``"auto"`` to detect it from
            the content.
        tz: IANA time zone. Wall-clock times are localised in it, absolute times converted to it.
            Default: the machine's local zone.
        me: Your own name as it appears in the export. Sets ``is_me`` and renames the rows the
            source marks as yours (``Me``) to this name.
        dayfirst: Force day-first (True) or month-first (False) dates where a format is ambiguous;
            default: inferred for the whole file.
        errors: What to do with records that cannot be read: ``"warn"`` (skip them and emit one
            :class:`~reciprocal.ParseWarning` with their line numbers), ``"raise"`` (raise
            :class:`~reciprocal.ParseError` at the first), ``"ignore"`` (skip silently; still in the
            report).
        report: Also return the :class:`~reciprocal.importers.ParseReport`.
        limits: Safety limits for archives and folders.
        people: Person → aliases (names, numbers, handles) for reading one relationship from several
            exports (e.g. a folder holding a WhatsApp, an SMS and a Signal export): every chat read
            is merged into one with :func:`~reciprocal.merge.merge_chats` (one name per person,
            duplicates across exports dropped and counted in the report as ``merged_duplicates``).
        **options: Importer-specific options (e.g. ``columns=`` for CSV, ``chat=`` for Telegram).

    Returns:
        The message frame (columns of :data:`reciprocal.schema.COLUMNS`), sorted by
        ``(chat_id, timestamp, source_order)``; with ``report=True`` a ``(frame, report)`` tuple.

    Raises:
        SourceError: The path does not exist or cannot be read.
        FormatError: The input is not a chat of a known (or the requested) format.
        ParseError: A record cannot be read and ``errors="raise"``.
        InputLimitError: An archive breaks a safety limit (zip bomb, too many members).
        ConfigError: An option has an invalid value.

    Example:
        >>> import reciprocal as rc
        >>> from reciprocal.samples import sample_path
        >>> messages = rc.read_chat(sample_path("whatsapp"), tz="Europe/London")
        >>> list(messages.columns[:4])
        ['chat_id', 'message_id', 'timestamp', 'sender']
    """
    if format != "auto":
        get_importer(format)  # unknown names fail before any I/O, listing the known ones
    ctx = ReadContext(
        tz=resolve_tz(tz),
        me=me,
        dayfirst=dayfirst,
        errors=errors,
        options=options,
        limits=limits or DEFAULT_LIMITS,
    )
    pairs = _collect(source, format=format, ctx=ctx)
    frames: list[pd.DataFrame] = []
    for src, fmt in pairs:
        one = _read_one(src, fmt, ctx, many=len(pairs) > 1)
        ctx.report.formats[src.name] = fmt
        if one is not None:
            frames.append(one)
    frame = _combine(frames, ctx) if frames else schema.empty_messages(ctx.tz)
    if people is not None and len(frame):
        frame = _merge_people(frame, people, ctx)
    frame = apply_me(frame, me)
    frame = schema.sort_messages(frame)
    try:
        schema.validate_messages(frame)
    except ReciprocalError as exc:  # an importer broke the contract: say which input
        names = ", ".join(src.name for src, _ in pairs[:3])
        raise ParseError(f"the importer produced an invalid frame: {exc}", path=names) from exc
    ctx.report.rows = len(frame)
    unused = ctx.unused_options()
    if unused:
        warnings.warn(
            ReciprocalWarning(
                f"option(s) {', '.join(unused)} were not used by the importer(s) "
                f"{', '.join(sorted(set(ctx.report.formats.values())))}"
            ),
            stacklevel=2,
        )
    ctx.emit(stacklevel=3)
    return (frame, ctx.report) if report else frame


def _read_one(src: Source, fmt: str, ctx: ReadContext, *, many: bool) -> pd.DataFrame | None:
    spec = get_importer(fmt)
    try:
        return spec.read(src, ctx)
    except ReciprocalError as exc:
        if many and ctx.errors != "raise":
            ctx.skip(src, None, f"the whole file could not be read as {fmt}: {type(exc).__name__}")
            return None
        raise
    except (MemoryError, KeyboardInterrupt):
        raise
    except (RecursionError, ValueError) as exc:
        why = _input_limit(exc)
        if why is None:
            _importer_bug(src, fmt, ctx, exc, many=many)
            return None
        limit = InputLimitError(f"{why} to read as {fmt} ({type(exc).__name__})", path=src.name)
        if many and ctx.errors != "raise":
            ctx.skip(src, None, limit.message)
            return None
        raise limit from exc
    except Exception as exc:  # an importer bug must still surface as a ReciprocalError naming the file
        _importer_bug(src, fmt, ctx, exc, many=many)
        return None


def _input_limit(exc: BaseException) -> str | None:
    """Why ``exc`` is a property of a hostile input rather than an importer bug, or None.

    ``json.loads`` (and recursive parsers) raise ``RecursionError`` on documents nested thousands
    deep, and ``ValueError`` for integers over ``sys.get_int_max_str_digits()``.
    """
    if isinstance(exc, RecursionError):
        return "the input is nested too deeply"
    if isinstance(exc, ValueError) and "integer string conversion" in str(exc):
        return "the input holds a number too long"
    return None


def _importer_bug(src: Source, fmt: str, ctx: ReadContext, exc: Exception, *, many: bool) -> None:
    """Raise (or, in a multi-file read that does not raise, skip) an importer's unexpected error."""
    err = ParseError(
        f"unexpected {type(exc).__name__} while reading as {fmt}; this is a bug in the importer, "
        "please report it (without the chat)",
        path=src.name,
    )
    if many and ctx.errors != "raise":
        ctx.skip(src, None, err.message)
        return
    raise err from exc


def _combine(frames: list[pd.DataFrame], ctx: ReadContext) -> pd.DataFrame:
    # Two different files can yield the same chat_id (two exports named alike): keep them apart
    # when their message ids collide instead of failing validation.
    if len(frames) == 1:  # nothing to collide with (and the id sets cost ~0.5 s per 1M rows)
        return frames[0]
    seen: dict[str, set[str]] = {}
    out = []
    for f in frames:
        if f.empty:
            out.append(f)
            continue
        for cid in f[schema.CHAT_ID].unique().tolist():
            ids = set(f.loc[f[schema.CHAT_ID] == cid, schema.MESSAGE_ID].tolist())
            new = cid
            k = 2
            while new in seen and seen[new] & ids:
                new = f"{cid} ({k})"
                k += 1
            if new != cid:
                ctx.note(str(cid), f"a second chat with this id was read; it is named {new!r}")
                f = f.assign(chat_id=f[schema.CHAT_ID].where(f[schema.CHAT_ID] != cid, new))
            seen.setdefault(new, set()).update(ids)
        out.append(f)
    non_empty = [f for f in out if len(f)]
    if not non_empty:
        return out[0]
    if len(non_empty) == 1:
        return non_empty[0]
    tz = ctx.tz
    aligned = [f.assign(timestamp=f[schema.TIMESTAMP].dt.tz_convert(tz)) for f in non_empty]
    return pd.concat(aligned, ignore_index=True)


def _merge_people(frame: pd.DataFrame, people: Mapping[str, Any], ctx: ReadContext) -> pd.DataFrame:
    # One input per (source, chat): parts of one thread stay together, separate exports are
    # compared with each other for duplicates.
    parts = [g for _, g in frame.groupby([schema.SOURCE, schema.CHAT_ID], sort=False, observed=True)]
    merged, info = merge_chats(parts, people=people, tz=ctx.tz, report=True)
    if info.duplicates:
        ctx.count("merged_duplicates", info.duplicates)
        ctx.note(
            info.chat_id,
            f"{info.duplicates} message(s) present in more than one export were kept once "
            f"({', '.join(f'{k}: {v}' for k, v in sorted(info.duplicates_by_source.items()))})",
        )
    return merged


def apply_me(frame: pd.DataFrame, me: str | None) -> pd.DataFrame:
    """Return ``frame`` with ``is_me`` set from ``me`` and the exporter's rows named ``me``.

    Rows the source already marks as the exporter's (``is_me`` true, e.g. Signal's ``Me``) get
    ``sender = me``; rows whose sender equals ``me`` get ``is_me = True``; the other non-system
    rows get ``is_me = False``.
    """
    if me is None or frame.empty:
        return frame
    non_system = frame[schema.KIND] != "system"
    known = frame[schema.IS_ME]
    by_name = (frame[schema.SENDER] == me).fillna(False)
    is_me = known.mask(known.isna() & non_system, by_name).astype("boolean")
    mine = is_me.fillna(False).astype(bool) & non_system
    if not mine.any():
        warnings.warn(
            ReciprocalWarning(
                f"me={me!r} matches no sender in the chat; is_me is False for every message "
                "(check the spelling: names must match the export exactly)"
            ),
            stacklevel=3,
        )
    sender = frame[schema.SENDER].mask(mine, me)
    return frame.assign(is_me=is_me, sender=sender.astype(schema.STRING))


def _collect(source: Any, *, format: str, ctx: ReadContext) -> list[tuple[Source, str]]:
    """Turn the user's ``source`` into (Source, format) pairs to read."""
    if isinstance(source, bytes | bytearray | memoryview):
        return _from_blob(bytes(source), "<bytes>", format=format, ctx=ctx)
    if hasattr(source, "read"):
        data = source.read()
        if isinstance(data, str):
            raise ConfigError("open the file in binary mode ('rb'): read_chat decodes the bytes itself")
        name = getattr(source, "name", None)
        return _from_blob(data, str(name) if isinstance(name, str) else "<stream>", format=format, ctx=ctx)
    if not isinstance(source, str | os.PathLike):
        raise ConfigError(
            f"source must be a path, a folder, a binary file object or bytes, not {type(source).__name__}"
        )
    path = Path(source).expanduser()
    if not path.exists():
        raise SourceError("no such file or folder", path=path)
    if path.is_dir():
        return _from_folder(path, format=format, ctx=ctx)
    try:
        with open(path, "rb") as fh:
            magic = fh.read(4)
    except OSError as exc:
        raise SourceError(f"cannot be read ({exc.strerror or exc})", path=path) from exc
    if magic in (_ZIP_MAGIC, _EMPTY_ZIP_MAGIC) or zipfile.is_zipfile(path):
        return _from_zip(path, str(path), format=format, ctx=ctx)
    return [_check_single(Source.from_path(path), format)]


def _check_single(src: Source, format: str) -> tuple[Source, str]:
    if not src.head(1):
        raise FormatError(f"the file is empty; {_known()}", path=src.name)
    if format != "auto":
        return src, format
    fmt = detect(src)
    if fmt is None:
        raise FormatError(
            f"not a chat export of any known format; {_known()}. If you know the format, "
            "pass format=... (CLI: --format-in)",
            path=src.name,
        )
    return src, fmt


def _known() -> str:
    return "known formats: " + ", ".join(available_formats())


def _from_blob(data: bytes, name: str, *, format: str, ctx: ReadContext) -> list[tuple[Source, str]]:
    if data[:4] in (_ZIP_MAGIC, _EMPTY_ZIP_MAGIC):
        return _from_zip(data, name, format=format, ctx=ctx)
    return [_check_single(Source.from_bytes(data, name), format)]


def _accept_factory(format: str) -> Any:
    suffixes = all_suffixes() if format == "auto" else frozenset(get_importer(format).suffixes)

    def accept(member: str) -> bool:
        lower = member.lower()
        return any(lower.endswith(s) for s in suffixes) or lower.endswith(".zip")

    return accept


def _from_zip(
    data_or_path: bytes | Path, name: str, *, format: str, ctx: ReadContext
) -> list[tuple[Source, str]]:
    accept = _accept_factory(format)
    members = zip_sources(
        data_or_path, name=name, accept=lambda m: accept(m) and not m.endswith(".zip"), ctx=ctx
    )
    pairs = _assign(members, format=format, ctx=ctx)
    if not pairs:
        raise FormatError(f"the archive holds no chat export; {_known()}", path=name)
    return pairs


def _from_folder(path: Path, *, format: str, ctx: ReadContext) -> list[tuple[Source, str]]:
    accept = _accept_factory(format)
    sources: list[Source] = []
    pairs: list[tuple[Source, str]] = []
    for p in iter_folder(path, accept=accept, limits=ctx.limits):
        if p.suffix.lower() == ".zip":
            try:
                pairs.extend(_from_zip(p, str(p), format=format, ctx=ctx))
            except FormatError:
                ctx.note(str(p), "archive holds no chat export; ignored")
            continue
        if p.stat().st_size == 0:
            ctx.note(str(p), "empty file; ignored")
            continue
        sources.append(Source.from_path(p))
    pairs.extend(_assign(sources, format=format, ctx=ctx))
    if not pairs:
        raise FormatError(f"the folder holds no chat export; {_known()}", path=path)
    return pairs


def _select(select: Any, linked: list[Source], fmt: str) -> list[Source]:
    """Apply an importer's ``select`` hook; a failing hook is reported as an importer bug."""
    if select is None:
        return linked
    try:
        return list(select(linked))
    except ReciprocalError:
        raise
    except Exception as exc:
        names = ", ".join(s.name for s in linked[:3])
        raise ParseError(
            f"unexpected {type(exc).__name__} in the {fmt} importer's file selection; this is a bug "
            "in the importer, please report it (without the chat)",
            path=names,
        ) from exc


def _assign(sources: list[Source], *, format: str, ctx: ReadContext) -> list[tuple[Source, str]]:
    """Sniff each source of a folder or archive, ignore (and note) non-chats, apply select hooks."""
    by_format: dict[str, list[Source]] = {}
    for src in sources:
        if format == "auto":
            fmt = detect(src)
        else:
            fmt = format if get_importer(format).score(src) >= ACCEPT else None
        if fmt is None:
            ctx.note(src, "not a chat export of a known format; ignored")
            continue
        by_format.setdefault(fmt, []).append(src)
    pairs: list[tuple[Source, str]] = []
    specs = importers()
    for fmt, group in by_format.items():
        group_t = tuple(group)
        linked = [
            Source(s.name, path=s.path, data=s._data, siblings=group_t, archive=s.archive, member=s.member)
            for s in group
        ]
        chosen = _select(specs[fmt].select, linked, fmt)
        for s in linked:
            if s not in chosen:
                ctx.note(s, f"another file holds the same {fmt} chat; this one was not read")
        pairs.extend((s, fmt) for s in chosen)
    return pairs
