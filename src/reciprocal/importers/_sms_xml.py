"""Streaming, hardened reading of SMS Backup & Restore XML (pure: a byte stream in, records out).

Backups with attachments reach gigabytes, so the file is never read whole: a small reader repairs
character references chunk by chunk (UTF-16 surrogate pairs such as ``&#55357;&#56832;`` that the
app writes for emoji, and references to characters XML forbids) and feeds ``defusedxml``'s
``iterparse``; each ``<sms>``/``<mms>`` is turned into a plain record and dropped from the tree,
and each MMS ``<part>`` loses its base64 ``data`` as soon as its end tag is seen. Documents with a
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
        self.joined = 0
        self.replaced = 0

    def readable(self) -> bool:
        return True

    def _fill(self) -> None:
        data = self._raw.read(self._chunk)
        if not data:
            self._eof = True
            buf, self._carry = self._carry, b""
        else:
            buf, self._carry = self._carry + data, b""
            cut = buf.rfind(b"&", max(0, len(buf) - 48))
            if cut >= 0:
                prev = _TRAILING_REF.search(buf, max(0, cut - 24), cut)
                if prev is not None and 0xD800 <= _ref_value(prev) <= 0xDBFF:
                    cut = prev.start()  # keep a high surrogate together with its partner
                buf, self._carry = buf[:cut], buf[cut:]
        fixed, joined, replaced = repair_chunk(buf)
        self.joined += joined
        self.replaced += replaced
        self._out += fixed

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
    parts: list[MmsPart] = field(default_factory=list)
    addrs: list[tuple[str, str]] = field(default_factory=list)


_UNSAFE = (defusedxml.DTDForbidden, defusedxml.EntitiesForbidden, defusedxml.ExternalReferenceForbidden)


def iter_records(
    stream: IO[bytes] | io.RawIOBase,
    *,
    name: str,
    on_broken: Callable[[int, str], None],
    expect_root: str = "smses",
) -> Iterator[SmsRecord]:
    """Yield the message records of an SMS Backup & Restore XML stream, one at a time.

    Args:
        stream: The raw file (binary); wrap it in :class:`RepairingReader` to repair references.
        name: Display name, for errors.
        on_broken: Called with ``(record_number, reason)`` when the XML breaks after some records
            were read (a truncated backup); reading stops there.
        expect_root: Tag of the root element.

    Yields:
        :class:`SmsRecord` per ``<sms>``/``<mms>`` in file order (other elements are ignored).

    Raises:
        InputLimitError: The document declares a DTD or entities (entity expansion, external
            entities); nothing is expanded.
        FormatError: The root is not ``<smses>`` or the XML is broken before any record.
    """
    depth = 0
    number = 0
    current: SmsRecord | None = None
    root: Any = None
    try:
        for event, elem in DET.iterparse(stream, events=("start", "end"), forbid_dtd=True):
            if event == "start":
                depth += 1
                if depth == 1:
                    root = elem
                    if elem.tag != expect_root:
                        raise FormatError(
                            f"root element is <{elem.tag}>, not <{expect_root}>: not an SMS Backup & Restore "
                            "message backup",
                            path=name,
                        )
                elif depth == 2 and elem.tag in ("sms", "mms"):
                    number += 1
                    current = SmsRecord(number, elem.tag, dict(elem.attrib))
                continue
            depth -= 1
            if depth == 1:
                if current is not None:
                    yield current
                    current = None
                root.clear()  # drop the finished record (and anything else) from the tree
            elif current is not None and current.tag == "mms":
                if elem.tag == "part":
                    attrs = elem.attrib
                    fname = next(
                        (attrs[k] for k in ("name", "cl", "fn") if attrs.get(k) not in (None, "", "null")),
                        None,
                    )
                    current.parts.append(MmsPart(attrs.get("ct", ""), attrs.get("text"), fname))
                    elem.attrib.clear()  # the base64 ``data`` goes now, not with the record
                elif elem.tag == "addr":
                    current.addrs.append((elem.attrib.get("address", ""), elem.attrib.get("type", "")))
    except _UNSAFE as exc:
        raise InputLimitError(
            f"the XML declares a DTD or entities ({type(exc).__name__}); SMS backups have none, and "
            "entity expansion is refused for safety",
            path=name,
        ) from exc
    except _XMLParseError as exc:
        line = getattr(exc, "position", (None,))[0]
        if number == 0:
            raise FormatError(f"not well-formed XML ({exc})", path=name, line=line) from exc
        broken = current.number if current is not None else number + 1
        on_broken(
            broken, f"the XML breaks at line {line} inside or after record {number}; the rest was not read"
        )
