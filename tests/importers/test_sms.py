"""SMS Backup & Restore importer: golden backup, parse report, repair, streaming, hostile XML."""

from __future__ import annotations

import io
import json
import os
import tracemalloc
import warnings
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import reciprocal as rc
from reciprocal.importers import ReadContext, Source
from reciprocal.importers._sms_xml import RepairingReader, repair_chunk
from reciprocal.importers.sms import address_key, read_sms
from reciprocal.testing import check_importer

from ._golden import records

GOLDEN = Path(__file__).parent / "golden" / "sms"


@pytest.mark.parametrize("path", sorted(GOLDEN.glob("*.xml")), ids=lambda p: p.name)
def test_golden(path: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        frame = rc.read_chat(path, tz="UTC")
    expected_path = path.with_name(path.name + ".expected.jsonl")
    got = records(frame)
    if os.environ.get("RECIPROCAL_UPDATE_GOLDEN"):
        expected_path.write_text(
            "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in got), encoding="utf-8"
        )
    assert got == [json.loads(line) for line in expected_path.read_text(encoding="utf-8").splitlines()]


def _golden(**kw: object) -> tuple[pd.DataFrame, rc.importers.ParseReport]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return rc.read_chat(GOLDEN / "backup.xml", tz="UTC", report=True, **kw)  # type: ignore[call-overload]


def test_conformance() -> None:
    frame = check_importer("sms", tz="Asia/Tokyo")
    assert frame["timestamp"].iloc[0] == pd.Timestamp("2024-03-09 16:00:00", tz="UTC")


def test_unsent_messages_are_counted_not_rows() -> None:
    frame, report = _golden()
    for key, n in {"sms_drafts": 2, "sms_outbox": 1, "sms_failed": 1, "sms_queued": 1}.items():
        assert report.counts[key] == n
    assert (
        not frame["text"]
        .isin(["unsent draft", "in the outbox", "failed to send", "queued", "mms draft"])
        .any()
    )
    assert [s.reason for s in report.skipped] == ["record 16 (<sms>): no valid 'date'"]


def test_threads_are_named_by_contact_or_number() -> None:
    frame, _ = _golden()
    assert frame.groupby("chat_id").size().to_dict() == {
        "+15555550177": 2,
        "72345": 1,
        "Ana Souza": 3,
        "Ana Souza, Ben Ode, Cy Li": 3,
        "MPESA": 1,
    }


def test_group_mms_sender_comes_from_the_137_address() -> None:
    frame, _ = _golden()
    group = frame[frame["chat_id"] == "Ana Souza, Ben Ode, Cy Li"]
    assert list(group["sender"]) == ["+15555550111", "Me", "Ana Souza"]
    assert list(group["sender_id"].fillna("-")) == ["+15555550111", "-", "+15555550100"]
    assert list(group["text"].fillna("-")) == ["dinner at 8? 🍕", "count me in", "-"]
    assert list(group["attachment"].fillna("-")) == ["-", "IMG_2041.jpg", "screenshot.png"]


def test_surrogate_references_become_one_emoji() -> None:
    frame, report = _golden()
    assert frame.loc[frame["message_id"] == "1", "text"].item() == "hi 😀 are you free?"
    assert report.counts["sms_surrogate_pairs_joined"] == 2
    # a lone surrogate and a control character cannot be kept: replaced, and said so
    assert frame.loc[frame["message_id"] == "10", "text"].item() == "wrong number \ufffd sorry\ufffd"
    assert any("U+FFFD" in n.message for n in report.notes)


def test_me_names_the_exporter() -> None:
    frame, _ = _golden(me="Kim")
    assert set(frame.loc[frame["is_me"].astype(bool), "sender"]) == {"Kim"}
    assert frame["is_me"].sum() == 3


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("+15555550100", "(555) 555-0100", True),
        ("+1 555 555 0100", "5555550100", True),
        ("72345", "+172345", False),
        ("MPESA", "mpesa", True),
        ("+4915112345678", "+4915112345679", False),
    ],
)
def test_address_key(a: str, b: str, same: bool) -> None:
    assert (address_key(a) == address_key(b)) is same


# -------------------------------------------------------------------------------- repair / streaming


@given(
    st.lists(
        st.sampled_from(
            ["ab", "&amp;", "&#10;", "&#55357;&#56832;", "&#xD83D;&#xDE00;", "&#55357;", "é", "x" * 50]
        ),
        max_size=40,
    ),
    st.integers(min_value=1, max_value=120),
)
@settings(max_examples=200, deadline=None)
def test_repair_does_not_depend_on_chunk_size(pieces: list[str], chunk: int) -> None:
    data = "".join(pieces).encode()
    whole, _, _ = repair_chunk(data)
    streamed = RepairingReader(io.BytesIO(data), chunk_size=chunk).read()
    assert streamed == whole


def test_repair_examples() -> None:
    assert repair_chunk(b"&#xD83D;&#xDE00;") == (b"&#128512;", 1, 0)
    assert repair_chunk(b"&#56832;&#55357;") == (b"&#65533;&#65533;", 0, 2)  # wrong order: both lone
    assert repair_chunk(b"&#65;&#55357;&#56832;") == (b"&#65;&#128512;", 1, 0)
    assert repair_chunk(b"a\x01b") == ("a\ufffdb".encode(), 0, 1)


def _big_backup(n_parts: int, part_bytes: int) -> bytes:
    blob = "A" * part_bytes
    head = b"<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<smses count='%d'>\n" % n_parts
    body = "".join(
        f'<mms date="{1717236000000 + i}" msg_box="1" address="+15555550100" contact_name="Ana">'
        f'<parts><part seq="0" ct="text/plain" text="pic {i}" />'
        f'<part seq="1" ct="image/jpeg" name="IMG_{i}.jpg" data="{blob}" /></parts>'
        f'<addrs><addr address="+15555550100" type="137" /></addrs></mms>\n'
        for i in range(n_parts)
    )
    return head + body.encode() + b"</smses>\n"


def test_attachment_data_is_streamed_not_kept(tmp_path: Path) -> None:
    path = tmp_path / "sms-big.xml"
    path.write_bytes(_big_backup(40, 1_000_000))  # 40 MB of base64
    tracemalloc.start()
    try:
        frame = read_sms(Source.from_path(path), ReadContext(tz="UTC"))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(frame) == 40
    assert frame["attachment"].iloc[-1] == "IMG_39.jpg"
    assert peak < 12_000_000  # a few chunks and one attachment at a time, not the 40 MB file


# ----------------------------------------------------------------------------------------- hostile

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE smses [
 <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
 <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
 <!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
 <!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">
]>
<smses count="1"><sms address="+15555550100" date="1717232100000" type="1" body="&f;" /></smses>
"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE smses [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<smses count="1"><sms address="+15555550100" date="1717232100000" type="1" body="&xxe;" /></smses>
"""
EXTERNAL_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE smses SYSTEM "http://example.invalid/evil.dtd">
<smses count="1"><sms address="+15555550100" date="1717232100000" type="1" body="x" /></smses>
"""
PARAMETER_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE smses [<!ENTITY % p SYSTEM "file:///etc/passwd"> %p;]>
<smses/>
"""


@pytest.mark.parametrize(
    "data",
    [BILLION_LAUGHS, EXTERNAL_ENTITY, EXTERNAL_DTD, PARAMETER_ENTITY],
    ids=["billion-laughs", "external-entity", "external-dtd", "parameter-entity"],
)
def test_hostile_xml_is_refused_without_expanding(data: bytes) -> None:
    tracemalloc.start()
    try:
        with pytest.raises(rc.InputLimitError, match=r"hostile\.xml") as info:
            read_sms(Source.from_bytes(data, "hostile.xml"), ReadContext(tz="UTC"))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert isinstance(info.value, rc.ReciprocalError)
    assert peak < 5_000_000  # 30**5 * 90 bytes would be ~2 GB if expanded


def test_hostile_xml_through_read_chat_auto() -> None:
    with pytest.raises(rc.ReciprocalError):
        rc.read_chat(BILLION_LAUGHS, tz="UTC")


@pytest.mark.parametrize(
    ("data", "match"),
    [
        (b"<calls count='1'><call number='1' /></calls>", "not <smses>"),
        (b"<smses><sms </smses>", "not well-formed"),
    ],
)
def test_not_a_message_backup(data: bytes, match: str) -> None:
    with pytest.raises(rc.FormatError, match=match):
        read_sms(Source.from_bytes(data, "x.xml"), ReadContext(tz="UTC"))


def test_truncated_backup_keeps_what_was_read_and_reports_the_rest() -> None:
    data = (GOLDEN / "backup.xml").read_bytes()
    cut = data[: data.index(b'<sms protocol="0" address="72345"') + 40]
    ctx = ReadContext(tz="UTC")
    frame = read_sms(Source.from_bytes(cut, "cut.xml"), ctx)
    assert list(frame["message_id"]) == ["1", "2"]
    # the 7th record starts on line 11 and breaks there
    assert [(s.line, "after record 6" in s.reason) for s in ctx.report.skipped] == [(11, True)]
    with pytest.raises(rc.ParseError):
        read_sms(Source.from_bytes(cut, "cut.xml"), ReadContext(tz="UTC", errors="raise"))


def test_sniffer() -> None:
    spec = rc.importers.get_importer("sms")
    assert spec.score(Source.from_path(GOLDEN / "backup.xml")) >= 0.9
    assert spec.score(Source.from_bytes(b"<calls count='0'></calls>", "calls.xml")) == 0.0
    assert spec.score(Source.from_bytes(b"[2024-06-01 09:15:02] Me: hi  \n", "chat.md")) == 0.0


def test_group_named_like_a_one_to_one_thread_stays_a_separate_chat() -> None:
    data = b"""<smses count="2">
  <sms address="+15555550100" date="1717232100000" type="1" body="hi" contact_name="Ana" />
  <mms date="1717232200000" msg_box="2" address="+15555550100~+15555550111" contact_name="Ana">
    <parts><part seq="0" ct="text/plain" text="hi all" /></parts>
    <addrs><addr address="+15555550100" type="151" /><addr address="+15555550111" type="151" /></addrs>
  </mms>
</smses>"""
    frame = read_sms(Source.from_bytes(data, "sms.xml"), ReadContext(tz="UTC"))
    assert frame["chat_id"].tolist() == ["Ana", "Ana (+15555550100~+15555550111)"]


def test_every_record_of_a_multi_chunk_backup_with_emoji_is_read() -> None:
    n = 20_000  # ~2.5 MB: the repair reader crosses many chunk boundaries inside references
    body = "\n".join(
        f'<sms address="+1555555{i % 50:04d}" date="{1_700_000_000_000 + i * 1000}" type="{1 + i % 2}" '
        f'body="m{i} &#55357;&#56832;" contact_name="(Unknown)" />'
        for i in range(n)
    )
    data = f"<smses count='{n}'>\n{body}\n</smses>\n".encode()
    ctx = ReadContext(tz="UTC")
    frame = read_sms(Source.from_bytes(data, "big.xml"), ctx)
    assert len(frame) == n and not ctx.report.skipped
    assert ctx.report.counts["sms_surrogate_pairs_joined"] == n
    assert frame["text"].str.endswith(" 😀").all()


def test_every_line_of_stray_text_between_elements_is_reported() -> None:
    data = (
        b"<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n"  # line 1
        b'<smses count="1">\n'  # line 2
        b"stray one\n"  # line 3
        b"stray two\n"  # line 4
        b'  <sms address="+15550100" date="1710000000000" type="1" body="hi" contact_name="Ana" />\n'
        b"</smses>\n"
    )
    frame, report = rc.read_chat(data, format="sms", tz="UTC", report=True, errors="ignore")
    assert frame["text"].tolist() == ["hi"]
    assert [(s.line, s.reason) for s in report.skipped] == [
        (3, "text outside any message element (not part of the backup format)"),
        (4, "text outside any message element (not part of the backup format)"),
    ]
