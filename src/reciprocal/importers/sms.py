"""SMS importer: Android "SMS Backup & Restore" XML (also signalbackup-tools ``--exportxml``).

One backup holds every thread of the phone: each thread (the ``address``, ``~``-joined for group
MMS) becomes one ``chat_id``, named by the contact name the backup carries, else the number.
Times come from ``date`` (epoch ms), never from ``readable_date`` (rendered in the phone's locale
and zone). ``sms/@type`` and ``mms/@msg_box`` 1/2 give the direction; drafts, outbox, failed and
queued messages were never exchanged, so they are counted in the parse report
(``sms_drafts``, ``sms_outbox``, ``sms_failed``, ``sms_queued``) and do not become rows.
The exporter's rows have ``sender="Me"``, ``is_me=True`` and no ``sender_id``; everyone else's
``sender_id`` is their number (formatting removed).
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import numpy as np
import pandas as pd

from .. import schema
from ._msgrows import MessageRows
from ._registry import register_importer
from ._sms_xml import RepairingReader, SmsRecord, iter_records
from ._source import ReadContext, Source

__all__ = ["EXAMPLE", "address_key", "clean_address", "read_sms"]

#: A small synthetic backup (one 1:1 thread, one group MMS) for the conformance suite.
EXAMPLE = """<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>
<smses count="3" backup_set="00000000-0000-0000-0000-000000000000" backup_date="1710001000000" type="full">
  <sms protocol="0" address="+15550100" date="1710000000000" type="1" subject="null"
       body="running late &#55357;&#56832;" read="1" status="-1" locked="0" date_sent="1709999990000"
       readable_date="Mar 9, 2024 11:00:00 AM" contact_name="Ana Souza" />
  <sms protocol="0" address="+15550100" date="1710000060000" type="2" subject="null" body="no worries"
       read="1" status="-1" locked="0" date_sent="0" readable_date="Mar 9, 2024 11:01:00 AM"
       contact_name="Ana Souza" />
  <mms date="1710000600000" date_sent="1710000600" msg_box="1" address="+15550100~+15550111" m_type="132"
       contact_name="Ana Souza, Ben Ode" readable_date="Mar 9, 2024 11:10:00 AM" text_only="0">
    <parts>
      <part seq="-1" ct="application/smil" name="null" chset="null" cl="smil.xml"
            text="&lt;smil&gt;&lt;/smil&gt;" />
      <part seq="0" ct="text/plain" name="null" chset="106" cl="txt000.txt" text="photo from today" />
      <part seq="1" ct="image/jpeg" name="IMG_1.jpg" chset="null" cl="IMG_1.jpg" data="/9j/AA==" />
    </parts>
    <addrs>
      <addr address="+15550111" type="137" charset="106" />
      <addr address="+15550100" type="151" charset="106" />
    </addrs>
  </mms>
</smses>
"""

_NOT_SENT = {"3": "sms_drafts", "4": "sms_outbox", "5": "sms_failed", "6": "sms_queued"}
_UNKNOWN_NAMES = frozenset({"", "(Unknown)", "null", "Unknown"})
_FORMATTING = re.compile(r"[\s\-().]")
_NUMBER = re.compile(r"^\+?\d+$")
_CONTACT_TYPES = frozenset({"text/x-vcard", "text/vcard"})


def _sniff(source: Source) -> float:
    head = source.head_text(4096).lstrip()
    if not head.startswith("<"):
        return 0.0
    if "<smses" in head:
        return 0.95
    if re.search(r"<(sms|mms)\s[^>]*\baddress=", head):
        return 0.7
    return 0.0


@register_importer(
    "sms",
    sniff=_sniff,
    suffixes=(".xml",),
    description="Android SMS Backup & Restore XML (<sms>/<mms>; also signalbackup-tools --exportxml)",
    example=EXAMPLE,
    example_name="sms-20240309.xml",
)
def read_sms(source: Source, ctx: ReadContext) -> pd.DataFrame:
    """Read an SMS Backup & Restore XML file into a message frame, streaming it.

    Args:
        source: The ``.xml`` backup.
        ctx: Read context (``tz`` the epoch times are converted to, parse report).

    Returns:
        The message frame, one ``chat_id`` per thread, in file order.

    Raises:
        FormatError: The file is not XML or its root is not ``<smses>``.
        InputLimitError: The XML declares a DTD or entities (entity expansion is refused).
        ParseError: A record cannot be read and ``errors="raise"``.
    """
    builder = _Builder()
    with source.open() as raw:
        reader = RepairingReader(raw)
        for rec in iter_records(
            reader,
            name=source.name,
            on_problem=lambda line, reason: ctx.skip(source, line, reason),
        ):
            problem = builder.add(rec)
            if problem is None:
                continue
            if problem in _NOT_SENT.values():
                ctx.count(problem)
            else:
                ctx.skip(source, rec.line, f"record {rec.number} (<{rec.tag}>): {problem}")
    if reader.bad_utf8_lines:
        bad = reader.bad_utf8_lines
        shown = ", ".join(map(str, bad[:20])) + (" …" if len(bad) > 20 else "")
        ctx.note(
            source,
            f"{len(bad)} line(s) hold bytes that are not valid UTF-8 (lines {shown}); "
            "they were kept with U+FFFD replacement characters",
            line=bad[0],
        )
    if reader.joined:
        ctx.count("sms_surrogate_pairs_joined", reader.joined)
    if reader.replaced:
        ctx.note(
            source,
            f"{reader.replaced} character(s) that XML cannot hold (lone surrogates, control characters) "
            "were replaced by U+FFFD",
        )
    if builder.unknown_senders:
        ctx.note(
            source, f"{builder.unknown_senders} received group MMS name no sender; sender set to 'Unknown'"
        )
    return builder.frame(tz=ctx.tz)


def clean_address(address: str) -> str:
    """Return ``address`` without spaces, dashes, dots and parentheses.

    Example:
        >>> clean_address("+1 (555) 010-0100")
        '+15550100100'
    """
    return _FORMATTING.sub("", address)


def address_key(address: str) -> str:
    """Return the key under which two spellings of one number meet (last 10 digits of long numbers).

    Example:
        >>> address_key("+1 555 010 0100") == address_key("(555) 010-0100")
        True
    """
    cleaned = clean_address(address)
    if _NUMBER.match(cleaned):
        digits = cleaned.lstrip("+")
        return digits[-10:] if len(digits) >= 10 else digits
    return cleaned.casefold()


def _epoch_ms(value: str | None) -> int | None:
    try:
        n = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    if n <= 0:
        return None
    return n * 1000 if n < 10**11 else n  # some MMS rows hold seconds


class _Builder:
    """Turn records into rows; thread and sender names are settled once the whole file is read."""

    def __init__(self) -> None:
        self.rows = MessageRows()
        self.stamps: list[int] = []
        self.thread_of_row: list[str] = []
        self.sender_key_of_row: list[str | None] = []
        self.thread_name: dict[str, str] = {}
        self.thread_first_address: dict[str, str] = {}
        self.person_name: dict[str, str] = {}
        self.person_address: dict[str, str] = {}
        self.unknown_senders = 0

    def add(self, rec: SmsRecord) -> str | None:
        """Add one record; return a problem or a ``sms_*`` counter key when it is not a row."""
        attrs = rec.attrs
        box = attrs.get("type" if rec.tag == "sms" else "msg_box", "")
        if box in _NOT_SENT:
            return _NOT_SENT[box]
        if box not in ("1", "2"):
            return f"unknown message box {box!r} (1 received, 2 sent)"
        stamp = _epoch_ms(attrs.get("date"))
        if stamp is None:
            return "no valid 'date'"
        address = attrs.get("address") or ""
        members = [a for a in address.split("~") if a.strip()]
        if not members:
            return "no 'address'"
        keys = sorted({address_key(a) for a in members})
        thread = "~".join(keys)
        contact = (attrs.get("contact_name") or "").strip()
        if thread not in self.thread_first_address:
            self.thread_first_address[thread] = address
        if contact not in _UNKNOWN_NAMES:
            self.thread_name.setdefault(thread, contact)
            if len(keys) == 1:
                self.person_name.setdefault(keys[0], contact)
        for a in members:
            self.person_address.setdefault(address_key(a), clean_address(a))
        if rec.tag == "sms":
            text: str | None = attrs.get("body") or ""
            kind, attachment = "text", None
            sender_raw = members[0] if len(members) == 1 else None
        else:
            text, kind, attachment = _mms_content(rec)
            sender_raw = next((a for a, t in rec.addrs if t == "137"), None)
            if sender_raw is None and len(members) == 1:
                sender_raw = members[0]
        is_me = box == "2"
        sender_key = None
        if not is_me:
            if sender_raw is None:
                self.unknown_senders += 1
                sender_key = ""
            else:
                sender_key = address_key(sender_raw)
                self.person_address.setdefault(sender_key, clean_address(sender_raw))
        self.rows.add(
            timestamp=None,
            sender=None,
            sender_id=None,
            is_me=is_me,
            text=text,
            kind=kind,
            attachment=attachment,
            source_order=rec.number,
            message_id=str(rec.number),
        )
        self.stamps.append(stamp)
        self.thread_of_row.append(thread)
        self.sender_key_of_row.append(sender_key)
        return None

    def frame(self, *, tz: str) -> pd.DataFrame:
        cols: dict[str, Any] = self.rows.to_columns()
        names = {
            t: self.thread_name.get(t) or clean_address(self.thread_first_address[t])
            for t in self.thread_first_address
        }
        # One person under two numbers stays one chat; a group that carries the same name as another
        # thread (some phones name a group after one member) gets its numbers added to stay apart.
        uses = Counter(names.values())
        for t, name in list(names.items()):
            if "~" in t and uses[name] > 1:
                names[t] = f"{name} ({clean_address(self.thread_first_address[t])})"
        cols["chat_id"] = [names[t] for t in self.thread_of_row]
        cols["sender"] = [
            "Me"
            if k is None
            else ("Unknown" if k == "" else self.person_name.get(k) or self.person_address[k])
            for k in self.sender_key_of_row
        ]
        cols["sender_id"] = [None if not k else self.person_address[k] for k in self.sender_key_of_row]
        cols["timestamp"] = pd.to_datetime(np.asarray(self.stamps, dtype="int64"), unit="ms", utc=True)
        return schema.make_messages(cols, tz=tz, source="sms")


def _mms_content(rec: SmsRecord) -> tuple[str | None, str, str | None]:
    texts = [p.text for p in rec.parts if p.ct == "text/plain" and p.text not in (None, "null")]
    files = [p for p in rec.parts if p.ct not in ("text/plain", "application/smil")]
    text = "\n".join(t for t in texts if t is not None)
    if not files:
        return text, "text", None
    names = "; ".join(p.name or f"({p.ct or 'unknown type'})" for p in files)
    kind = "contact" if all(p.ct.lower() in _CONTACT_TYPES for p in files) else "media"
    return (text or None), kind, names
