"""Bytes in: sources (files, zip members, streams), decoding, and the per-read context and report.

Nothing here knows any export format. Zip archives are read in memory with limits on member count,
sizes and compression ratio; no member is ever extracted to disk.
"""

from __future__ import annotations

import io
import warnings
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any, Literal

from ..errors import ConfigError, InputLimitError, ParseError, ParseWarning

__all__ = [
    "Limits",
    "Note",
    "ParseReport",
    "ReadContext",
    "SkippedRecord",
    "Source",
    "decode_text",
    "load_json",
    "zip_sources",
]

Errors = Literal["raise", "warn", "ignore"]
ERRORS_VALUES: tuple[str, ...] = ("raise", "warn", "ignore")

_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


@dataclass(frozen=True)
class Limits:
    """Safety limits for reading archives and files (override per call with ``limits=``).

    Attributes:
        max_members: Most entries a zip archive may list.
        max_member_bytes: Largest uncompressed size of one zip member that is read.
        max_total_bytes: Most uncompressed bytes read from one archive in total.
        max_ratio: Highest compression ratio accepted for a member larger than 1 MiB.
        max_folder_files: Most files looked at below a folder.
    """

    max_members: int = 100_000
    max_member_bytes: int = 1 << 30
    max_total_bytes: int = 2 << 30
    max_ratio: float = 200.0
    max_folder_files: int = 100_000


DEFAULT_LIMITS = Limits()


class Source:
    """One input file: a path on disk, a member of a zip archive, or bytes from a stream.

    Importers read it with :meth:`read_bytes`, :meth:`read_text` or (for streaming parsers)
    :meth:`open`; sniffers look at :meth:`head` / :meth:`head_text`. ``name`` is the display name
    used in every message (``chat.zip:_chat.txt`` for a zip member).
    """

    def __init__(
        self,
        name: str,
        *,
        path: Path | None = None,
        data: bytes | None = None,
        opener: Callable[[], IO[bytes]] | None = None,
        siblings: tuple[Source, ...] = (),
        archive: str | None = None,
        member: str | None = None,
    ) -> None:
        if path is None and data is None and opener is None:
            raise ValueError("a Source needs a path, data or an opener")
        self.name = name
        #: Display name of the zip archive this source is a member of (None for plain files).
        self.archive = archive
        #: Member name inside the archive (None for plain files).
        self.member = member
        self.path = path
        self._data = data
        self._opener = opener
        self._head: bytes | None = None
        self._siblings = siblings

    def __repr__(self) -> str:
        return f"Source({self.name!r})"

    @classmethod
    def from_path(cls, path: str | Path) -> Source:
        """Return a source for a file on disk."""
        p = Path(path)
        return cls(str(p), path=p)

    @classmethod
    def from_bytes(cls, data: bytes, name: str = "<bytes>") -> Source:
        """Return a source holding ``data`` in memory."""
        return cls(name, data=bytes(data))

    @property
    def filename(self) -> str:
        """The base name of the file or member (``_chat.txt``)."""
        inner = self.member if self.member is not None else self.name
        return PurePosixPath(inner.replace("\\", "/")).name

    @property
    def suffix(self) -> str:
        """The lower-case suffix of :attr:`filename` (``.txt``), or ``""``."""
        return PurePosixPath(self.filename).suffix.lower()

    def open(self) -> IO[bytes]:
        """Open the content as a binary stream (the caller closes it)."""
        if self._data is not None:
            return io.BytesIO(self._data)
        if self._opener is not None:
            return self._opener()
        assert self.path is not None
        return open(self.path, "rb")

    def read_bytes(self) -> bytes:
        """Return the whole content."""
        if self._data is not None:
            return self._data
        with self.open() as fh:
            return fh.read()

    def head(self, n: int = 65536) -> bytes:
        """Return the first ``n`` bytes (cached; what sniffers look at)."""
        if self._head is None or len(self._head) < n:
            if self._data is not None:
                self._head = self._data[:n]
            else:
                with self.open() as fh:
                    self._head = fh.read(n)
        return self._head[:n]

    def head_text(self, n: int = 65536) -> str:
        """Return the first ``n`` bytes decoded (BOM removed, bad bytes as U+FFFD)."""
        raw = self.head(n)
        if raw.startswith(_UTF16_BOMS):
            return raw.decode("utf-16", errors="replace")
        return raw.removeprefix(_UTF8_BOM).decode("utf-8", errors="replace")

    def read_text(self, ctx: ReadContext | None = None) -> str:
        """Return the content decoded as UTF-8 (BOM removed; UTF-16 with a BOM accepted).

        Invalid bytes become U+FFFD; the affected line numbers are recorded as a note in ``ctx``
        (a :class:`~reciprocal.ParseWarning` by default), so the messages are kept, not lost.
        """
        return decode_text(self.read_bytes(), name=self.name, ctx=ctx)

    def read_json(self, ctx: ReadContext | None = None, *, hint: str = "") -> Any:
        """Return the content parsed as JSON (decoded as :meth:`read_text`); see :func:`load_json`.

        Raises:
            FormatError: Not valid JSON.
            InputLimitError: Nested too deeply or a number too long.
        """
        return load_json(self.read_text(ctx), name=self.name, hint=hint)

    def siblings(self) -> tuple[Source, ...]:
        """Other sources read in the same call from the same folder or archive."""
        return self._siblings


def load_json(text: str | bytes, *, name: str, hint: str = "") -> Any:
    """Parse a JSON document; every way it can fail is a :class:`~reciprocal.ReciprocalError`.

    ``json.loads`` raises more than ``JSONDecodeError`` on hostile input: ``RecursionError`` for
    arrays or objects nested a few thousand deep, ``ValueError`` for integers longer than
    ``sys.get_int_max_str_digits()`` (4300 digits), ``UnicodeDecodeError`` for bytes. Messages
    never quote the document.

    Args:
        text: The document (decode bytes with :meth:`Source.read_text` first to keep its notes).
        name: Display name of the source, for the error.
        hint: What the user should export instead, appended to the message.

    Returns:
        The parsed value.

    Raises:
        FormatError: Not valid JSON (with the line of the problem).
        InputLimitError: Nested too deeply, or a number too long to convert.
    """
    import json

    from ..errors import FormatError

    tail = f"; {hint}" if hint else ""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise FormatError(f"not valid JSON ({exc.msg}){tail}", path=name, line=exc.lineno) from exc
    except RecursionError as exc:
        raise InputLimitError(f"the JSON is nested too deeply to read{tail}", path=name) from exc
    except UnicodeDecodeError as exc:
        raise FormatError(f"not UTF-8 JSON{tail}", path=name) from exc
    except ValueError as exc:  # integers over the int-string conversion limit
        raise InputLimitError(f"the JSON holds a number too long to read{tail}", path=name) from exc


def decode_text(data: bytes, *, name: str, ctx: ReadContext | None = None) -> str:
    """Decode export bytes: UTF-8 (with or without BOM), or UTF-16 with a BOM.

    Args:
        data: The raw bytes.
        name: Display name for notes.
        ctx: Where to record lines that held invalid bytes.

    Returns:
        The text; invalid sequences replaced by U+FFFD.
    """
    if data.startswith(_UTF16_BOMS):
        return data.decode("utf-16", errors="replace")
    if data.startswith(_UTF8_BOM):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    bad: list[int] = []
    for i, raw_line in enumerate(data.split(b"\n"), start=1):
        try:
            raw_line.decode("utf-8")
        except UnicodeDecodeError:
            bad.append(i)
    if ctx is not None:
        shown = ", ".join(str(b) for b in bad[:20]) + (" …" if len(bad) > 20 else "")
        ctx.note(
            name,
            f"{len(bad)} line(s) hold bytes that are not valid UTF-8 (lines {shown}); "
            "they were kept with U+FFFD replacement characters",
            line=bad[0] if bad else None,
        )
    return data.decode("utf-8", errors="replace")


@dataclass(frozen=True)
class SkippedRecord:
    """A record of the input that did not become a row."""

    source: str
    line: int | None
    reason: str


@dataclass(frozen=True)
class Note:
    """A recoverable problem: the data was kept, but changed or guessed."""

    source: str
    message: str
    line: int | None = None


@dataclass
class ParseReport:
    """What one :func:`~reciprocal.read_chat` call read, skipped and repaired.

    Attributes:
        formats: Format name per source read.
        rows: Rows in the returned frame.
        skipped: Records that did not become rows, with their reason and line.
        notes: Recoverable problems (replacement characters, repaired times, ignored files).
        counts: Named counters importers keep (``"sms_drafts"``, ``"duplicates_dropped"``, ...).
        tz: The time zone the timestamps are in.
    """

    formats: dict[str, str] = field(default_factory=dict)
    rows: int = 0
    skipped: list[SkippedRecord] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)
    tz: str = "UTC"

    @property
    def sources(self) -> list[str]:
        """Display names of the sources that were read."""
        return list(self.formats)

    def summary(self, *, max_items: int = 10) -> str:
        """Return a short human-readable summary (never contains chat text)."""
        parts = [f"read {self.rows} row(s) from {len(self.formats)} source(s)"]
        if self.skipped:
            parts.append(f"{len(self.skipped)} record(s) skipped")
            for s in self.skipped[:max_items]:
                where = s.source if s.line is None else f"{s.source}:{s.line}"
                parts.append(f"  skipped {where}: {s.reason}")
            if len(self.skipped) > max_items:
                parts.append(f"  … and {len(self.skipped) - max_items} more")
        for n in self.notes[:max_items]:
            where = n.source if n.line is None else f"{n.source}:{n.line}"
            parts.append(f"  note {where}: {n.message}")
        if len(self.notes) > max_items:
            parts.append(f"  … and {len(self.notes) - max_items} more note(s)")
        if self.counts:
            parts.append("  counts: " + ", ".join(f"{k}={v}" for k, v in sorted(self.counts.items())))
        return "\n".join(parts)

    def to_dict(self) -> dict[str, Any]:
        """Return the report as plain JSON-able data."""
        return {
            "formats": dict(self.formats),
            "rows": self.rows,
            "skipped": [s.__dict__ for s in self.skipped],
            "notes": [n.__dict__ for n in self.notes],
            "counts": dict(self.counts),
            "tz": self.tz,
        }

    @property
    def has_problems(self) -> bool:
        """Whether anything was skipped or repaired."""
        return bool(self.skipped or self.notes)


class ReadContext:
    """Options and the parse report of one read, handed to every importer call.

    Attributes:
        tz: IANA zone name the timestamps are expressed in.
        me: The exporting person's name, if given.
        dayfirst: Day/month order override for formats with ambiguous dates.
        errors: ``"raise"`` (first skipped record raises :class:`ParseError`), ``"warn"``, ``"ignore"``.
        options: Importer-specific keyword options given to ``read_chat`` (e.g. ``columns=``, ``chat=``).
        report: The :class:`ParseReport` being filled.
        limits: Safety limits in force.
    """

    def __init__(
        self,
        *,
        tz: str = "UTC",
        me: str | None = None,
        dayfirst: bool | None = None,
        errors: str = "warn",
        options: dict[str, Any] | None = None,
        limits: Limits = DEFAULT_LIMITS,
    ) -> None:
        if errors not in ERRORS_VALUES:
            raise ConfigError(f"errors={errors!r} is not one of {', '.join(map(repr, ERRORS_VALUES))}")
        self.tz = tz
        self.me = me
        self.dayfirst = dayfirst
        self.errors: Errors = errors  # type: ignore[assignment]
        self.options: dict[str, Any] = dict(options or {})
        self.limits = limits
        self.report = ParseReport(tz=tz)
        self._used_options: set[str] = set()

    def skip(self, source: Source | str, line: int | None, reason: str) -> None:
        """Record a record that could not become a row (raises with ``errors="raise"``).

        ``reason`` must describe the problem without quoting chat text.
        """
        name = source.name if isinstance(source, Source) else source
        if self.errors == "raise":
            raise ParseError(f"{reason} (pass errors='warn' to skip such records)", path=name, line=line)
        self.report.skipped.append(SkippedRecord(name, line, reason))

    def note(self, source: Source | str, message: str, *, line: int | None = None) -> None:
        """Record a recoverable problem (data kept but repaired, guessed or ignored)."""
        name = source.name if isinstance(source, Source) else source
        self.report.notes.append(Note(name, message, line))

    def count(self, key: str, n: int = 1) -> None:
        """Add ``n`` to the named counter of the parse report."""
        self.report.counts[key] += n

    def option(self, key: str, default: Any = None) -> Any:
        """Return an importer-specific option, marking it as used."""
        self._used_options.add(key)
        return self.options.get(key, default)

    def unused_options(self) -> list[str]:
        """Options that no importer asked for (likely typos)."""
        return sorted(set(self.options) - self._used_options)

    def emit(self, *, stacklevel: int = 3) -> None:
        """Warn with the report summary when anything was skipped or repaired (``errors="warn"``)."""
        if self.errors == "warn" and self.report.has_problems:
            warnings.warn(ParseWarning(self.report.summary()), stacklevel=stacklevel)


def _is_unsafe_member(name: str) -> bool:
    p = PurePosixPath(name.replace("\\", "/"))
    return p.is_absolute() or ".." in p.parts or (len(name) > 1 and name[1] == ":")


def zip_sources(
    data_or_path: bytes | Path,
    *,
    name: str,
    accept: Callable[[str], bool],
    ctx: ReadContext,
) -> list[Source]:
    """Read the candidate members of a zip archive in memory, enforcing the safety limits.

    Args:
        data_or_path: The archive as bytes or a path.
        name: Display name of the archive.
        accept: Whether a member name is worth reading (by suffix; media are passed over).
        ctx: Read context (limits, notes).

    Returns:
        One in-memory :class:`Source` per accepted member, named ``archive:member``.

    Raises:
        InputLimitError: Too many members, a member too large, or an implausible compression ratio.
        FormatError: The archive is corrupt.
    """
    from ..errors import FormatError

    limits = ctx.limits
    fh: IO[bytes] = (
        io.BytesIO(data_or_path) if isinstance(data_or_path, bytes) else open(data_or_path, "rb")  # noqa: SIM115
    )
    try:
        try:
            zf = zipfile.ZipFile(fh)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
            raise FormatError(f"not a readable zip archive ({exc})", path=name) from exc
        with zf:
            infos = zf.infolist()
            if len(infos) > limits.max_members:
                raise InputLimitError(
                    f"the archive lists {len(infos)} members, more than the limit of {limits.max_members}",
                    path=name,
                )
            out: list[Source] = []
            total = 0
            for info in infos:
                member = info.filename
                if info.is_dir() or member.startswith("__MACOSX/") or not accept(member):
                    continue
                if _is_unsafe_member(member):
                    ctx.note(name, f"member {member!r} has an unsafe path; it was not read")
                    continue
                size = info.file_size
                if size > limits.max_member_bytes:
                    raise InputLimitError(
                        f"member {member!r} would unpack to {size} bytes, over the limit "
                        f"of {limits.max_member_bytes}",
                        path=name,
                    )
                if size > (1 << 20) and info.compress_size and size / info.compress_size > limits.max_ratio:
                    raise InputLimitError(
                        f"member {member!r} has a compression ratio of {size / info.compress_size:.0f}:1, "
                        f"over the limit of {limits.max_ratio:.0f}:1 (a zip bomb?)",
                        path=name,
                    )
                data = _read_member(zf, info, name=name, limits=limits)
                total += len(data)
                if total > limits.max_total_bytes:
                    raise InputLimitError(
                        f"the archive unpacks to more than {limits.max_total_bytes} bytes", path=name
                    )
                out.append(Source(f"{name}:{member}", data=data, archive=name, member=member))
            return out
    finally:
        fh.close()


def _read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, *, name: str, limits: Limits) -> bytes:
    # Declared sizes can lie: count what actually comes out.
    from ..errors import FormatError

    cap = min(limits.max_member_bytes, max(info.file_size, 0) + 1)
    chunks: list[bytes] = []
    got = 0
    try:
        with zf.open(info) as member:
            while True:
                chunk = member.read(1 << 20)
                if not chunk:
                    break
                got += len(chunk)
                if got > cap and got > info.file_size:
                    raise InputLimitError(
                        f"member {info.filename!r} unpacks to more than its declared size", path=name
                    )
                if info.compress_size and got > (1 << 20) and got / info.compress_size > limits.max_ratio:
                    raise InputLimitError(
                        f"member {info.filename!r} exceeds the compression-ratio limit "
                        f"of {limits.max_ratio:.0f}:1 (a zip bomb?)",
                        path=name,
                    )
                chunks.append(chunk)
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError) as exc:
        raise FormatError(f"member {info.filename!r} cannot be read ({exc})", path=name) from exc
    return b"".join(chunks)


def iter_folder(path: Path, *, accept: Callable[[str], bool], limits: Limits) -> Iterator[Path]:
    """Yield candidate files below ``path`` in a stable (sorted) order, skipping hidden ones."""
    seen = 0
    for p in sorted(path.rglob("*")):
        if any(part.startswith(".") for part in p.relative_to(path).parts):
            continue
        if not p.is_file() or p.is_symlink():
            continue
        seen += 1
        if seen > limits.max_folder_files:
            raise InputLimitError(
                f"the folder holds more than {limits.max_folder_files} files; name a smaller folder",
                path=str(path),
            )
        if accept(p.name):
            yield p
