"""Fuzz: any input gives a valid message frame or a ReciprocalError, never another exception."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reciprocal import ReciprocalError, schema
from reciprocal.importers import ReadContext, Source
from reciprocal.importers.imessage import read_imessage
from reciprocal.importers.signal import read_signal
from reciprocal.importers.sms import read_sms

_SIGNAL_BITS = [
    "[2024-06-01 09:15:02] Aya: ",
    "[2019-05-29, 15:04] Me: ",
    "[2022-13-10 19:33] Bo: ",
    "\n",
    "\n\n",
    "> q\n",
    ">\n",
    "(- Aya: 👍, Me: ❤️ -)",
    "![a.jpg](./media/a.jpg)  ",
    "[b](./media/b%20c.m4a)",
    "(( 🐱 ))",
    "[🐺](../exported_stickers/p/1.webp)",
    "(This message was deleted)",
    "Missed video call",
    "(media not exported)",
    "hello",
    "  ",
    "`",
    "[Jul 10, 2023 01:23:45] <Aya> ",
    '*** <Sam> sent file "x"',
    "*** status",
    " (A: 👍; B: 😮)",
    '{"date": "2024-07-01T10:00:00", "sender": "Cam", "body": "hi", "quote": "\\n\\n> x\\n\\n"}',
    '{"date": 5}',
    "\r\n",
    "é",
]
_IMESSAGE_BITS = [
    "May 17, 2022  5:29:42 PM",
    " (Read by them after 1 hour)",
    "May 18, 2022 12:05:00 AM You renamed it",
    "Me",
    "+15555550100",
    "\n",
    "\n\n",
    "Reactions:",
    "Loved by Me",
    'Emoji("🔥") by x',
    "    ",
    "This message responded to an earlier message.",
    "Edited 5 seconds later: b",
    "Attachment missing!",
    "/Users/a/Library/Messages/Attachments/x/y/IMG.HEIC",
    "Sticker from x: ~/a/b/c.heic",
    "hi",
    "Feb 30, 2022  1:00:00 AM",
]
_SMS_BITS = [
    "<smses>",
    "</smses>",
    '<sms address="+1555" date="1717232100000" type="1" body="hi" />',
    '<sms address="" date="x" type="9" />',
    '<mms date="1717232100" msg_box="1" address="1~2">',
    "</mms>",
    '<parts><part ct="text/plain" text="t" /><part ct="image/png" name="a.png" data="AAAA" /></parts>',
    '<addrs><addr address="2" type="137" /></addrs>',
    "&#55357;",
    "&#56832;",
    "&#1;",
    "&amp;",
    "<",
    ">",
    '"',
    "<!DOCTYPE smses []>",
    "<?xml version='1.0'?>",
    "\x00",
    "é",
]


def _check(read: Callable[[Source, ReadContext], pd.DataFrame], data: bytes, name: str) -> None:
    try:
        frame = read(Source.from_bytes(data, name), ReadContext(tz="UTC"))
    except ReciprocalError:
        return
    schema.validate_messages(schema.sort_messages(frame))


_FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize("name", ["chat.md", "Aya (_id1).txt", "data.json"])
@given(st.lists(st.sampled_from(_SIGNAL_BITS), max_size=30))
@_FUZZ
def test_signal_fuzz(name: str, bits: list[str]) -> None:
    _check(read_signal, "".join(bits).encode(), name)


@given(st.lists(st.sampled_from(_IMESSAGE_BITS), max_size=30))
@_FUZZ
def test_imessage_fuzz(bits: list[str]) -> None:
    _check(read_imessage, "".join(bits).encode(), "Trip.txt")


@given(st.lists(st.sampled_from(_SMS_BITS), max_size=30))
@_FUZZ
def test_sms_fuzz(bits: list[str]) -> None:
    _check(read_sms, "".join(bits).encode(), "sms.xml")


@given(st.binary(max_size=300))
@_FUZZ
def test_random_bytes(data: bytes) -> None:
    for read, name in ((read_signal, "chat.md"), (read_imessage, "x.txt"), (read_sms, "x.xml")):
        _check(read, data, name)
