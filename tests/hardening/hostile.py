"""Hostile inputs, generated from each registered importer's example (no committed binaries).

Shared by the subprocess worker (``_child.py``, which builds and reads each input under memory
and time limits) and the in-process tests. Every builder is deterministic: the same case,
importer and variant always give the same bytes, so a failure report is reproducible with
``python tests/hardening/hostile.py CASE IMPORTER VARIANT OUT_FILE``.
"""

from __future__ import annotations

import functools
import hashlib
import io
import random
import re
import sys
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from reciprocal import schema
from reciprocal.importers import ImporterSpec, ParseReport, ReadContext, Source, importers

MiB = 1 << 20
Check = Callable[[pd.DataFrame, ParseReport, Path], list[str]]


@dataclass
class Hostile:
    """One hostile input: bytes to write as ``name`` and read with ``format``."""

    data: bytes
    name: str
    format: str
    check: Check | None = None  # extra promises about a frame read from it (problems found)
    must_fail: bool = False  # only a ReciprocalError is acceptable
    options: dict[str, Any] = field(default_factory=dict)


# ------------------------------------------------------------------ helpers on examples


def example_bytes(spec: ImporterSpec) -> bytes:
    if spec.example is None:
        raise LookupError(f"importer {spec.name!r} registers no example")
    return spec.example


def example_name(spec: ImporterSpec) -> str:
    return spec.example_name or f"example{spec.suffixes[0] if spec.suffixes else '.txt'}"


def read_example(spec: ImporterSpec, data: bytes | None = None, name: str | None = None) -> pd.DataFrame:
    """Read bytes with the importer directly (in-process reference reads)."""
    ctx = ReadContext(tz="UTC", errors="ignore")
    src = Source.from_bytes(example_bytes(spec) if data is None else data, name or example_name(spec))
    return spec.read(src, ctx)


def text_span(spec: ImporterSpec) -> tuple[int, int] | None:
    """Byte span of one message text of the example that occurs exactly once in the raw bytes.

    Lets a builder replace or corrupt the *body* of a message without touching the structure
    (headers, JSON keys, XML attributes), so a generic test can demand that the message is kept.
    """
    raw = example_bytes(spec)
    try:
        frame = read_example(spec)
    except Exception:
        return None
    texts = frame.loc[frame[schema.KIND] == "text", schema.TEXT].dropna().astype(str).unique().tolist()
    best: tuple[int, int] | None = None
    for t in sorted(texts, key=len, reverse=True):
        word = max(re.findall(r"[A-Za-z]{3,}", t), key=len, default=None)
        if word is None:
            continue
        b = word.encode()
        if raw.count(b) == 1:
            start = raw.index(b)
            best = (start, start + len(b))
            break
    return best


def splice(spec: ImporterSpec, payload: bytes, *, where: str = "middle") -> bytes:
    """Put ``payload`` into a message body of the example (or at the middle of a line)."""
    raw = example_bytes(spec)
    span = text_span(spec)
    if span is not None:
        a, b = span
        mid = (a + b) // 2 if where == "middle" else a
        return raw[:mid] + payload + raw[mid:]
    mid = len(raw) // 2
    return raw[:mid] + payload + raw[mid:]


def with_lines(spec: ImporterSpec, lines: list[bytes]) -> bytes:
    """The example with ``lines`` inserted after its first line."""
    raw = example_bytes(spec)
    head, sep, tail = raw.partition(b"\n")
    return head + sep + b"\n".join(lines) + b"\n" + tail


def seeded(*parts: str) -> random.Random:
    return random.Random(int(hashlib.sha256("/".join(parts).encode()).hexdigest()[:16], 16))


def is_xml(data: bytes) -> bool:
    return data.lstrip()[:1] == b"<" and b"<html" not in data[:200].lower()


def all_cells(frame: pd.DataFrame) -> str:
    cols = [c for c in frame.columns if frame[c].dtype == schema.STRING or frame[c].dtype == object]
    return "\n".join("\n".join(frame[c].dropna().astype(str).tolist()) for c in cols)


def _zip(members: list[tuple[str, bytes]], *, level: int = 6) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as zf:
        for name, data in members:
            zf.writestr(zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0)), data)
    return buf.getvalue()


@functools.lru_cache(maxsize=4)
def _bomb_zip(name: str, *, mib: int = 2048, declared: int | None = None, prefix: bytes = b"") -> bytes:
    """A zip whose one member inflates to ``mib`` MiB of 'a' from ~2 KiB per MiB (about 1000:1).

    Built without compressing gigabytes: one 1 MiB chunk is deflated once with a full flush (a
    block that does not depend on what came before) and the block is repeated. The CRC is left
    at 0: a reader must refuse the member long before it could check it.
    """
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = comp.compress(prefix) + comp.flush(zlib.Z_FULL_FLUSH) if prefix else b""
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = comp.compress(b"a" * MiB) + comp.flush(zlib.Z_FULL_FLUSH)
    stream = head + block * mib + b"\x03\x00"  # an empty final block ends the stream
    size = len(prefix) + mib * MiB if declared is None else declared
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr(zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0)), stream)
    data = bytearray(buf.getvalue())
    # Turn the stored member into a deflated one of the claimed size (the headers say so).
    local = data.index(b"PK\x03\x04")
    central = data.index(b"PK\x01\x02")
    for at, method, crc, usize in ((local, 8, 14, 22), (central, 10, 16, 24)):
        data[at + method : at + method + 2] = (8).to_bytes(2, "little")
        data[at + crc : at + crc + 4] = (0).to_bytes(4, "little")
        data[at + usize : at + usize + 4] = size.to_bytes(4, "little")
    return bytes(data)


# ------------------------------------------------------------------ the cases

Builder = Callable[[ImporterSpec, str, Path], Hostile]
CASES: dict[str, tuple[Callable[[ImporterSpec], list[str]], Builder]] = {}


def case(variants: Callable[[ImporterSpec], list[str]]) -> Callable[[Builder], Builder]:
    def deco(fn: Builder) -> Builder:
        CASES[fn.__name__] = (variants, fn)
        return fn

    return deco


def _suffix_modes(spec: ImporterSpec) -> list[str]:
    return [f"{s}:{m}" for s in spec.suffixes for m in ("forced", "auto")]


def _json_suffix(spec: ImporterSpec) -> str:
    return ".json" if ".json" in spec.suffixes else (spec.suffixes[0] if spec.suffixes else ".json")


def _xml_suffix(spec: ImporterSpec) -> str:
    return ".xml" if ".xml" in spec.suffixes else (spec.suffixes[0] if spec.suffixes else ".xml")


@case(_suffix_modes)
def random_bytes(spec: ImporterSpec, variant: str, work: Path) -> Hostile:
    """64 KiB of random bytes under every suffix, read as this format and with sniffing."""
    suffix, mode = variant.split(":")
    rnd = seeded("random", spec.name, variant)
    data = rnd.randbytes(64 * 1024)
    return Hostile(data, f"random{suffix}", spec.name if mode == "forced" else "auto")


_LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [\n<!ENTITY lol "lol">\n'
    + b"".join(
        b'<!ENTITY lol%d "%s">\n' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
        for i in range(1, 10)
    )
    + b']>\n<smses count="1"><sms address="&lol9;" date="1700000000000" type="1" body="&lol9;" />'
    + b"<lolz>&lol9;</lolz></smses>\n"
)


@case(lambda spec: ["laughs:forced", "laughs:auto", "quadratic:forced"])
def xml_entity_expansion(spec: ImporterSpec, variant: str, work: Path) -> Hostile:
    """Billion laughs (nested entities, 10^9 'lol') and quadratic blowup (one 64 KiB entity x 20k)."""
    kind, mode = variant.split(":")
    if kind == "laughs":
        data = _LAUGHS
    else:
        big = b"A" * 65536
        refs = b"&a;" * 20000
        data = (
            b'<?xml version="1.0"?>\n<!DOCTYPE smses [<!ENTITY a "' + big + b'">]>\n'
            b'<smses count="1"><sms address="1" date="1700000000000" type="1" body="' + refs + b'" />'
            b"</smses>\n"
        )
    if is_xml(spec.example or b""):
        data = _inject_doctype(example_bytes(spec), data)
    return Hostile(data, f"bomb{_xml_suffix(spec)}", spec.name if mode == "forced" else "auto")


def _before_root(example: bytes, doctype: bytes) -> bytes:
    """Insert ``doctype`` before the root element of an XML document."""
    masked = re.sub(rb"<[?!].*?>", lambda m: b" " * len(m.group()), example, flags=re.S)
    root = re.search(rb"<[A-Za-z]", masked)
    at = root.start() if root else 0
    return example[:at] + doctype + b"\n" + example[at:]


def _inject_doctype(example: bytes, bomb: bytes) -> bytes:
    """Put the bomb's DOCTYPE into the (XML) example and reference its entity in the first value."""
    doctype = re.search(rb"<!DOCTYPE.*?\]>", bomb, re.S)
    assert doctype is not None
    ent = re.search(rb"&(\w+);", bomb[doctype.end() :])
    assert ent is not None
    ex = _before_root(example, doctype.group())
    start = ex.index(doctype.group()) + len(doctype.group())
    # Bodies are attribute values or element text in the XML exports we know: use the first value.
    attr = re.search(rb'="([^"]*)"', ex[start:])
    if attr is None:
        return ex
    at = start + attr.start(1)
    return ex[:at] + ent.group() + ex[at:]


@case(lambda spec: ["file_entity", "external_dtd", "parameter_entity"])
def xml_external_entity(spec: ImporterSpec, variant: str, work: Path) -> Hostile:
    """XXE: an entity that reads a local file, an external DTD URL, a parameter entity."""
    canary = work / "canary-secret.txt"
    canary.write_text("XXE-CANARY-7f3a91 leaked\n")
    url = canary.resolve().as_uri()
    if variant == "file_entity":
        doctype = f'<!DOCTYPE smses [<!ENTITY xxe SYSTEM "{url}">]>'.encode()
    elif variant == "external_dtd":
        doctype = b'<!DOCTYPE smses SYSTEM "http://127.0.0.1:9/evil.dtd">'
    else:
        doctype = f'<!DOCTYPE smses [<!ENTITY % p SYSTEM "{url}"> %p; <!ENTITY xxe "x">]>'.encode()
    generic = (
        b'<?xml version="1.0"?>\n' + doctype + b"\n"
        b'<smses count="1"><sms address="&xxe;" date="1700000000000" type="1" body="&xxe;" />'
        b"<m>&xxe;</m></smses>\n"
    )
    if variant == "external_dtd":
        generic = generic.replace(b"&xxe;", b"x")
    data = generic
    if is_xml(spec.example or b""):
        ex = example_bytes(spec)
        data = _before_root(ex, doctype) if variant == "external_dtd" else _inject_doctype(ex, generic)

    def check(frame: pd.DataFrame, report: ParseReport, work_: Path) -> list[str]:
        return (
            ["the content of a local file reached the frame (XXE)"]
            if "XXE-CANARY" in all_cells(frame)
            else []
        )

    return Hostile(data, f"xxe{_xml_suffix(spec)}", spec.name, check=check)


@case(lambda spec: ["2gib_ratio", "600mib_ratio", "2gib_declared_small", "nested"])
def zip_bomb(spec: ImporterSpec, variant: str, work: Path) -> Hostile:
    """A member inflating to 2 GiB at ~1000:1 (declared honestly, or declared as 100 bytes) and
    a bomb inside a zip next to a valid chat (nested archives are not opened)."""
    name = f"chat{Path(example_name(spec)).suffix}"
    if variant == "2gib_ratio":
        return Hostile(_bomb_zip(name, prefix=example_bytes(spec)), "bomb.zip", "auto", must_fail=True)
    if variant == "600mib_ratio":  # under the member-size limit: the ratio limit must catch it
        return Hostile(_bomb_zip(name, mib=600), "bomb.zip", spec.name, must_fail=True)
    if variant == "2gib_declared_small":
        data = _bomb_zip(name, declared=100, prefix=example_bytes(spec))
        return Hostile(data, "liar.zip", spec.name, must_fail=True)
    data = _zip([("inner.zip", _bomb_zip(name)), (example_name(spec), example_bytes(spec))])
    rows = len(read_example(spec))

    def check(frame: pd.DataFrame, report: ParseReport, work_: Path) -> list[str]:
        return [] if len(frame) == rows else [f"{len(frame)} rows, expected the example's {rows}"]

    return Hostile(data, "nested.zip", spec.name, check=check)


_UNSAFE = [
    "../../evil1{s}",
    "/tmp/evil2{s}",
    "C:/evil3{s}",
    "C:\\evil4{s}",
    "..\\..\\evil5{s}",
    "a/../../evil6{s}",
]


@case(lambda spec: ["unsafe_only", "unsafe_and_safe"])
def zip_slip(spec: ImporterSpec, variant: str, work: Path) -> Hostile:
    """Members named with '..', absolute and drive paths: never read, never written anywhere."""
    ex = example_bytes(spec)
    suffix = Path(example_name(spec)).suffix
    members = [(m.format(s=suffix), ex) for m in _UNSAFE]
    if variant == "unsafe_and_safe":
        members.append((f"chat/{example_name(spec)}", ex))
    data = _zip(members)
    expected_rows = len(read_example(spec))

    def check(frame: pd.DataFrame, report: ParseReport, work_: Path) -> list[str]:
        problems = []
        if len(frame) != expected_rows:
            problems.append(f"{len(frame)} rows, expected the {expected_rows} of the one safe member")
        unsafe_notes = [n for n in report.notes if "unsafe path" in n.message]
        if len(unsafe_notes) != len(_UNSAFE):
            problems.append(f"{len(unsafe_notes)} unsafe-path notes, expected {len(_UNSAFE)}")
        return problems

    return Hostile(data, "slip.zip", "auto", check=check, must_fail=variant == "unsafe_only")


GENERIC = "*"  # pseudo-importer for cases that exercise the dispatch once with every importer


@case(lambda spec: ["20k_junk_and_chats", "20k_directories"])
def zip_many_members(spec: ImporterSpec | None, variant: str, work: Path) -> Hostile:
    """20,000 members (junk under every registered suffix, or bare directories) plus every example.

    Generic (run once): the cost is the dispatch sniffing 20k members with every importer.
    """
    specs = [s for _, s in sorted(importers().items()) if s.example is not None]
    suffixes = sorted({x for s in specs for x in s.suffixes}) or [".txt"]
    rnd = seeded("many")
    if variant == "20k_junk_and_chats":
        members = [(f"junk/{i:05d}{suffixes[i % len(suffixes)]}", rnd.randbytes(24)) for i in range(20000)]
    else:
        members = [(f"d{i:05d}/", b"") for i in range(20000)]
    members += [(f"{s.name}/{example_name(s)}", example_bytes(s)) for s in specs]
    data = _zip(members, level=1)
    expected = {s.name: len(read_example(s)) for s in specs}

    def check(frame: pd.DataFrame, report: ParseReport, work_: Path) -> list[str]:
        got = frame.groupby(schema.SOURCE, observed=True).size().to_dict()
        return [
            f"{k}: {got.get(k, 0)} rows, its example alone has {n}"
            for k, n in expected.items()
            if got.get(k, 0) < n
        ]

    return Hostile(data, "many.zip", "auto", check=check)


@case(lambda spec: ["bare", "in_chat"])
def long_line(spec: ImporterSpec, variant: str, work: Path) -> Hostile:
    """A single 30 MB line: alone, or as the body of one message of a valid chat."""
    if variant == "bare":
        return Hostile(b"a" * (30 * MiB), f"long{spec.suffixes[0]}", spec.name)
    data = splice(spec, b"a" * (30 * MiB))
    rows = len(read_example(spec))

    def check(frame: pd.DataFrame, report: ParseReport, work_: Path) -> list[str]:
        kept = frame[schema.TEXT].dropna().str.len().max() if len(frame) else 0
        if kept >= 30 * MiB or report.skipped:
            return []
        return [f"the 30 MB message body vanished without a skipped record ({len(frame)}/{rows} rows)"]

    return Hostile(data, example_name(spec), spec.name, check=check)


PATHOLOGICAL = [
    b"1" * 100_000,
    b"." * 100_000,
    b"/" * 100_000,
    b"1/" * 50_000,
    b"1." * 50_000,
    b"1:" * 50_000,
    b"1, " * 30_000,
    b"[1" * 50_000,
    b"12/12/12, " * 10_000,
    b"[2024-01-01 " * 8_000,
    b"- " * 50_000,
    b" " * 100_000 + b"x",
    b"\xe2\x80\x8e" * 30_000,  # U+200E marks (WhatsApp headers)
    b"<" * 50_000,
    b"#" * 100_000,
    b'"' * 100_000,
    b"1" * 50_000 + b": " + b"a" * 50_000,
]


@case(lambda spec: ["alone", "in_chat", "many_short"])
def regex_pathological(spec: ImporterSpec, variant: str, work: Path) -> Hostile:
    """Long runs of digits, dots, slashes, brackets... (super-linear header regexes hang on these)."""
    if variant == "alone":
        data = b"\n".join(PATHOLOGICAL) + b"\n"
    elif variant == "in_chat":
        data = with_lines(spec, PATHOLOGICAL)
    else:  # 90k short almost-headers
        data = with_lines(spec, [b"12/12/12, 12:1", b"[2024-01-01 10:0", b"1.1.1 -"] * 30_000)
    return Hostile(data, example_name(spec), spec.name)


@case(lambda spec: ["arrays", "objects", "unterminated", "in_chat"])
def json_deep(spec: ImporterSpec, variant: str, work: Path) -> Hostile:
    """JSON nested 100,000 levels deep (RecursionError bait), closed, open, or inside a chat."""
    depth = 100_000
    if variant == "arrays":
        data = b"[" * depth + b"]" * depth
    elif variant == "objects":
        data = b'{"messages":' * depth + b"[]" + b"}" * depth
    elif variant == "unterminated":
        data = b'{"messages":[' + b"[" * depth
    else:
        data = splice(spec, b"[" * depth + b"]" * depth)
        return Hostile(data, example_name(spec), spec.name)
    return Hostile(data, f"deep{_json_suffix(spec)}", spec.name)


def is_json(data: bytes | None) -> bool:
    return (data or b"").lstrip()[:1] in (b"{", b"[")


@case(lambda spec: ["bare", "in_chat"] if is_json(spec.example) else ["bare"])
def json_huge_string(spec: ImporterSpec, variant: str, work: Path) -> Hostile:
    """A 40 MB JSON string: a lone record, or one message body of the example."""
    if variant == "bare":
        data = (
            b'{"name":"x","type":"personal_chat","messages":[{"id":1,"type":"message",'
            b'"date":"2024-01-01T10:00:00","from":"A","text":"' + b"A" * (40 * MiB) + b'"}]}'
        )
        return Hostile(data, f"huge{_json_suffix(spec)}", spec.name)
    return Hostile(splice(spec, b"A" * (40 * MiB)), example_name(spec), spec.name)


@case(lambda spec: ["nul", "invalid_utf8", "binary_junk"])
def bad_bytes(spec: ImporterSpec, variant: str, work: Path) -> Hostile:
    """NUL bytes, invalid UTF-8 and binary junk (control bytes, 0xFF) inside a valid chat."""
    payload = {
        "nul": b"\x00" * 3,
        "invalid_utf8": b"\xff\xfe\xc3\x28\xa0\xa1\xed\xa0\x80",
        "binary_junk": bytes(range(0, 32)) + b"\xff\x00\xfe",
    }[variant]
    return Hostile(splice(spec, payload), example_name(spec), spec.name)


@case(lambda spec: ["quarter", "half", "last_byte"])
def truncated(spec: ImporterSpec, variant: str, work: Path) -> Hostile:
    """The example cut short (truncated JSON/XML/CSV)."""
    raw = example_bytes(spec)
    cut = {"quarter": len(raw) // 4, "half": len(raw) // 2, "last_byte": max(len(raw) - 2, 1)}[variant]
    return Hostile(raw[:cut], example_name(spec), spec.name)


def jobs(names: list[str] | None = None) -> list[tuple[str, str, str]]:
    """All (case, importer, variant) triples, for importers that register an example."""
    out = []
    for imp, spec in sorted(importers().items()):
        if spec.example is None:
            continue
        for cname, (variants, _) in CASES.items():
            if names is not None and cname not in names:
                continue
            if cname in GENERIC_CASES:
                continue
            out.extend((cname, imp, v) for v in variants(spec))
    for cname in GENERIC_CASES:
        if names is None or cname in names:
            out.extend((cname, GENERIC, v) for v in CASES[cname][0](None))  # type: ignore[arg-type]
    return out


GENERIC_CASES = ("zip_many_members",)


def build(case_name: str, importer: str, variant: str, work: Path) -> Hostile:
    spec = None if importer == GENERIC else importers()[importer]
    return CASES[case_name][1](spec, variant, work)  # type: ignore[arg-type]


if __name__ == "__main__":  # write one hostile input to a file, to reproduce a report
    c, i, v, out = sys.argv[1:5]
    h = build(c, i, v, Path(out).parent)
    Path(out).write_bytes(h.data)
    print(f"wrote {len(h.data)} bytes; read it with read_chat({out!r}, format={h.format!r})")
