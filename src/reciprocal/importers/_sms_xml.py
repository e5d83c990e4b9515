"""Streaming, hardened reading of SMS Backup & Restore XML (pure: a byte stream in, records out).

Backups with attachments reach gigabytes, so the file is never read whole: a small reader repairs
character references chunk by chunk (UTF-16 surrogate pairs such as ``&#55357;&#56832;`` that the
app writes for emoji, references to characters XML forbids, and bytes that are not UTF-8) and
feeds ``defusedxml``'s parser, whose callbacks turn each ``<sms>``/``<mms>`` into a plain record
(no element tree is built; an MMS ``<part>``'s base64 ``data`` is never copied). Documents with a
DTD (the vehicle of entity-expansion and external-entity attacks) are refused before any
expansion happens.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any
from xml.etree.ElementTree import ParseError as _XMLParseError

import defusedxml
import defusedxml.ElementTree as DET

from ..errors import FormatError, InputLimitError

__all__ = ["MmsPart", "RepairingReader", "SmsRecord", "iter_records"]

_REF = re.compile(rb"&#(?:[xX]([0-9a-fA-F]{1,8})|([0-9]{1,10}));")
_CONTROL = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_TRAILING_REF = re.compile(rb"&#(?:[xX]([0-9a-fA-F]{1,8})|([0-9]{1,10}));$")
_REPLACEMENT_REF = b"&#65533;"
_REPLACEMENT_UTF8 = "\ufffd".encode()


def _xml_char_ok(cp: int) -> bool:
    return (
        cp in (0x9, 0xA, 0xD) or 0x20 <= cp <= 0xD7FF or 0xE000 <= cp <= 0xFFFD or 0x10000 <= cp <= 0x10FFFF
    )


def _ref_value(m: re.Match[bytes]) -> int:
    return int(m.group(1), 16) if m.group(1) is not None else int(m.group(2))


def repair_chunk(buf: bytes) -> tuple[bytes, int, int]:
    """Rewrite character references XML parsers reject.

    Args:
        buf: Raw XML bytes that do not end inside a reference.

    Returns:
        ``(bytes, joined, replaced)``: surrogate pairs joined into one reference, and references
        to characters XML forbids (lone surrogates, most control characters) replaced by U+FFFD;
        raw control bytes are replaced by U+FFFD too.

    Example:
        >>> repair_chunk(b"hi &#55357;&#56832;!")
        (b'hi &#128512;!', 1, 0)
    """
    replaced = 0
    if _CONTROL.search(buf):
        buf, n = _CONTROL.subn(_REPLACEMENT_UTF8, buf)
        replaced += n
    if b"&#" not in buf:
        return buf, 0, replaced
    refs = list(_REF.finditer(buf))
    out: list[bytes] = []
    pos = 0
    joined = 0
    i = 0
    while i < len(refs):
        m = refs[i]
        cp = _ref_value(m)
        if _xml_char_ok(cp):
            i += 1
            continue
        out.append(buf[pos : m.start()])
        nxt = refs[i + 1] if i + 1 < len(refs) else None
        if 0xD800 <= cp <= 0xDBFF and nxt is not None and nxt.start() == m.end():
            low = _ref_value(nxt)
            if 0xDC00 <= low <= 0xDFFF:
                out.append(b"&#%d;" % (0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00)))
                pos = nxt.end()
                joined += 1
                i += 2
                continue
        out.append(_REPLACEMENT_REF)
        pos = m.end()
        replaced += 1
        i += 1
    if not out:
        return buf, 0, replaced
    out.append(buf[pos:])
    return b"".join(out), joined, replaced


def _unfinished_utf8(tail: bytes) -> int:
    """Return how many bytes at the end of ``tail`` start a UTF-8 sequence that is not complete."""
    for back in range(1, min(4, len(tail)) + 1):
        b = tail[-back]
        if b < 0x80:
            return 0
        if b >= 0xC0:  # a lead byte: is its sequence complete?
            need = 2 if b < 0xE0 else 3 if b < 0xF0 else 4
            return back if back < need else 0
    return 0


class RepairingReader(io.RawIOBase):
    """A read-only binary stream that applies :func:`repair_chunk` on the fly.

    A reference split across two chunks is held back until the next chunk completes it, so the
    repair is the same whatever the chunk size.
    """

    def __init__(self, raw: IO[bytes], *, chunk_size: int = 1 << 20) -> None:
        super().__init__()
        self._raw = raw
        self._chunk = chunk_size
        self._carry = b""
        self._out = bytearray()
        self._eof = False
        self._lines = 0
        self._check_utf8: bool | None = None
        self.joined = 0
        self.replaced = 0
        #: 1-based lines that held bytes that are not UTF-8 (kept with U+FFFD).
        self.bad_utf8_lines: list[int] = []

    def readable(self) -> bool:
        return True

    def _fill(self) -> None:
        data = self._raw.read(self._chunk)
        if not data:
            self._eof = True
            buf, self._carry = self._carry, b""
        else:
            buf, self._carry = self._carry + data, b""
            if self._check_utf8 is None:  # SMS Backup & Restore writes UTF-8; UTF-16 is left to expat
                self._check_utf8 = not buf.startswith((b"\xff\xfe", b"\xfe\xff"))
            cut = buf.rfind(b"&", max(0, len(buf) - 48))
            if cut >= 0:
                prev = _TRAILING_REF.search(buf, max(0, cut - 24), cut)
                if prev is not None and 0xD800 <= _ref_value(prev) <= 0xDBFF:
                    cut = prev.start()  # keep a high surrogate together with its partner
            else:
                cut = len(buf)
            cut -= _unfinished_utf8(buf[max(0, cut - 4) : cut])
            buf, self._carry = buf[:cut], buf[cut:]
        fixed, joined, replaced = repair_chunk(buf)
        self.joined += joined
        self.replaced += replaced
        if self._check_utf8:
            try:
                fixed.decode("utf-8")
            except UnicodeDecodeError:
                fixed = self._replace_bad_utf8(fixed)
        self._lines += fixed.count(b"\n")
        self._out += fixed

    def _replace_bad_utf8(self, buf: bytes) -> bytes:
        lines = buf.split(b"\n")
        for i, line in enumerate(lines):
            try:
                line.decode("utf-8")
            except UnicodeDecodeError:
                lines[i] = line.decode("utf-8", errors="replace").encode("utf-8")
                self.bad_utf8_lines.append(self._lines + i + 1)
        return b"\n".join(lines)

    def read(self, size: int | None = -1) -> bytes:
        if size is None or size < 0:
            while not self._eof:
                self._fill()
            data, self._out = bytes(self._out), bytearray()
            return data
        while len(self._out) < size and not self._eof:
            self._fill()
        data = bytes(self._out[:size])
        del self._out[:size]
        return data

    def readinto(self, b: Any) -> int:
        data = self.read(len(b))
        b[: len(data)] = data
        return len(data)


@dataclass
class MmsPart:
    """What is kept of an MMS part: its content type, text and file name (never its data)."""

    ct: str
    text: str | None
    name: str | None


@dataclass
class SmsRecord:
    """One ``<sms>`` or ``<mms>`` element: its attributes and, for MMS, parts and addresses."""

    number: int
    tag: str
    attrs: dict[str, str]
    line: int | None = None
    parts: list[MmsPart] = field(default_factory=list)
    addrs: list[tuple[str, str]] = field(default_factory=list)


_UNSAFE = (defusedxml.DTDForbidden, defusedxml.EntitiesForbidden, defusedxml.ExternalReferenceForbidden)


class _Collector:
    """Parser target: turns start/end/data callbacks into records; no element tree is built."""

    def __init__(self, *, name: str, expect_root: str) -> None:
        self.name = name
        self.expect_root = expect_root
        self.depth = 0
        self.number = 0
        self.events = 0
        self.current: SmsRecord | None = None
        self.done: list[SmsRecord] = []
        self.stray: list[int] = []
        self.line: Callable[[], int] = lambda: 0

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        self.events += 1
        self.depth += 1
        if self.depth == 1:
            if tag != self.expect_root:
                raise FormatError(
                    f"root element is <{tag}>, not <{self.expect_root}>: not an SMS Backup & Restore "
                    "message backup",
                    path=self.name,
                )
        elif self.depth == 2 and tag in ("sms", "mms"):
            self.number += 1
            self.current = SmsRecord(self.number, tag, dict(attrib), line=self.line())
        elif self.current is not None and self.current.tag == "mms":
            if tag == "part":
                # Only what a row needs is copied: the base64 ``data`` goes with ``attrib``.
                fname = next(
                    (attrib[k] for k in ("name", "cl", "fn") if attrib.get(k) not in (None, "", "null")), None
                )
                self.current.parts.append(MmsPart(attrib.get("ct", ""), attrib.get("text"), fname))
            elif tag == "addr":
                self.current.addrs.append((attrib.get("address", ""), attrib.get("type", "")))

    def end(self, tag: str) -> None:
        self.events += 1
        if self.depth == 2 and self.current is not None:
            self.done.append(self.current)
            self.current = None
        self.depth -= 1

    def data(self, text: str) -> None:
        # The format keeps everything in attributes: text between elements is not part of it.
        stripped = text.lstrip()
        if stripped:
            self.events += 1
            # Text arrives buffered, when the next tag starts: count back to its first word.
            first = self.line() - stripped.count("\n")
            # Every non-blank line of the stray text is reported, so none is lost silently.
            for offset, part in enumerate(stripped.split("\n")):
                line = first + offset
                if part.strip() and (not self.stray or self.stray[-1] < line):
                    self.stray.append(line)

    def close(self) -> None:
        return None


def iter_records(
    stream: IO[bytes] | io.RawIOBase,
    *,
    name: str,
    on_problem: Callable[[int | None, str], None],
    expect_root: str = "smses",
    feed_size: int = 1 << 20,
) -> Iterator[SmsRecord]:
    """Yield the message records of an SMS Backup & Restore XML stream, one at a time.

    The parser is fed large chunks, doubled while no element completes: expat rescans an
    unfinished token on every feed, so a multi-megabyte attachment attribute fed in small pieces
    would cost quadratic time.

    Args:
        stream: The raw file (binary); wrap it in :class:`RepairingReader` to repair references.
        name: Display name, for errors.
        on_problem: Called with ``(line, reason)`` for text outside any element and when the XML
            breaks after some records were read (a truncated backup; reading stops there).
        expect_root: Tag of the root element.
        feed_size: Bytes fed to the parser at a time (at least).

    Yields:
        :class:`SmsRecord` per ``<sms>``/``<mms>`` in file order (other elements are ignored).

    Raises:
        InputLimitError: The document declares a DTD or entities (entity expansion, external
            entities); nothing is expanded.
        FormatError: The root is not ``<smses>`` or the XML is broken before any record.
    """
    collector = _Collector(name=name, expect_root=expect_root)
    parser = DET.DefusedXMLParser(target=collector, forbid_dtd=True)
    expat = parser.parser  # the pure-Python XMLParser keeps its expat parser here
    collector.line = lambda: int(expat.CurrentLineNumber)
    size = feed_size
    fed_lines = 0  # newlines in the chunks fed before ``chunk``
    chunk = b""
    try:
        while True:
            chunk = stream.read(size)
            before = collector.events
            if chunk:
                parser.feed(chunk)
            else:
                parser.close()
            yield from _drain(collector, on_problem)
            if not chunk:
                break
            fed_lines += chunk.count(b"\n")
            size = feed_size if collector.events != before else min(size * 2, 1 << 30)
    except _UNSAFE as exc:
        raise InputLimitError(
            f"the XML declares a DTD or entities ({type(exc).__name__}); SMS backups have none, and "
            "entity expansion is refused for safety",
            path=name,
        ) from exc
    except LookupError as exc:  # the declaration names an encoding Python does not know
        raise FormatError(f"the XML declares an unknown encoding ({exc})", path=name) from exc
    except _XMLParseError as exc:
        yield from _drain(collector, on_problem)
        line = getattr(exc, "position", (None,))[0]
        if collector.number == 0:
            raise FormatError(f"not well-formed XML ({exc})", path=name, line=line) from exc
        on_problem(line, f"the XML breaks here (after record {collector.number}); the rest was not read")
        if line is not None:
            _report_unread(chunk, fed_lines, line, stream, on_problem)


def _report_unread(
    chunk: bytes,
    first_line: int,
    break_line: int,
    stream: IO[bytes] | io.RawIOBase,
    on_problem: Callable[[int | None, str], None],
    *,
    most: int = 1000,
) -> None:
    """Name every non-blank line after a break in the XML (the first ``most``, then a count)."""
    reported = 0
    extra = 0
    lineno = first_line
    pending = b""
    data = chunk
    while True:
        lines = (pending + data).split(b"\n")
        pending = lines.pop() if data else b""
        for ln in lines:
            lineno += 1
            if lineno > break_line and ln.strip():
                if reported < most:
                    on_problem(lineno, "line after a break in the XML: not read")
                    reported += 1
                else:
                    extra += 1
        if not data:
            break
        data = stream.read(1 << 20)
    if extra:
        on_problem(None, f"{extra} more line(s) after the break in the XML were not read")


def _drain(collector: _Collector, on_problem: Callable[[int | None, str], None]) -> Iterator[SmsRecord]:
    done, collector.done = collector.done, []
    stray, collector.stray = collector.stray, []
    for line in stray:
        on_problem(line, "text outside any message element (not part of the backup format)")
    yield from done
