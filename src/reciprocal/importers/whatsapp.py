"""WhatsApp importer: the "Export chat" text of Android and iOS, every locale, ``.txt`` or ``.zip``.

One message is a header line (date, time, separator, ``Name: ``) plus continuation lines; a header
without ``Name: `` is a system event. Every header family of FORMATS.md is read: Android
``12/31/23, 9:05 PM - ``, iOS ``[31/12/2023, 21:05:09] ``, 12-hour markers in any spelling
(``AM``, ``pm``, ``a.m.``, ``p. m.``, with U+00A0 / U+202F), dot times and Finnish ``klo``,
year-first dates, and the legacy ``3/24/14, 1:59:59 PM: Name:`` colon form. The day/month order is
decided once for the whole file (a component > 12, then dates that do not go backwards, then the
component that changes more often; ``dayfirst=`` overrides).

Rows:

- ``chat_id``: from the file name — ``WhatsApp Chat with Ana.txt`` → ``Ana`` (localized prefixes
  too), ``_chat.txt`` inside ``WhatsApp Chat - Ana.zip`` → ``Ana``, otherwise the file stem.
- ``message_id``: the record's sequence number in the file (1-based); ``source_order``: the line
  number of its header.
- ``sender``: as exported (bidi marks and special spaces of the header removed); null for system
  rows, including the end-to-end notice and iOS group events written "as if sent by" the chat name.
- ``text``: the body verbatim (newlines and blank lines kept, no Unicode normalisation); for
  placeholders the placeholder is removed and ``kind`` / ``attachment`` carry it (a caption stays as
  text); a trailing ``<This message was edited>`` sets ``edited`` and is removed; location bodies
  are kept verbatim. ``Name:`` with nothing after it is a message with empty text.
- ``kind``: ``text``, ``media``, ``sticker``, ``contact``, ``location``, ``call``, ``poll``,
  ``deleted`` or ``system``. WhatsApp exports hold no reactions or reply links.

Reported, never dropped silently: lines before the first header (``ctx.skip`` with their line
numbers), headers with an impossible date (skipped), an impossible ``23:59 PM`` (read as 23:59, a
note), a guessed day/month order (a note).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from ..errors import FormatError
from ._registry import register_importer
from ._source import ReadContext, Source, decode_text
from ._whatsapp_kinds import chat_id_from_name
from ._whatsapp_parse import parse_bytes, sniff_text, to_frame

__all__ = ["EXAMPLE", "read_whatsapp"]

#: A small synthetic Android export (US 12-hour clock with U+202F) for the conformance suite.
EXAMPLE = (
    "1/5/24, 9:00\u202fPM - Messages and calls are end-to-end encrypted. No one outside of this chat, "
    "not even WhatsApp, can read or listen to them. Tap to learn more.\n"
    "1/5/24, 9:01\u202fPM - Ana: are you home?\n"
    "1/5/24, 9:14\u202fPM - Bo: just got in\n"
    "long day: tell you tomorrow\n"
    "1/5/24, 9:15\u202fPM - Ana: <Media omitted>\n"
    "1/13/24, 8:02\u202fAM - Bo: thanks for last night 🙏\n"
)

_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


@register_importer(
    "whatsapp",
    suffixes=(".txt",),
    description="WhatsApp 'Export chat' text (Android and iOS, every locale; .txt or .zip with media)",
    example=EXAMPLE,
    example_name="WhatsApp Chat with Bo.txt",
)
def read_whatsapp(source: Source, ctx: ReadContext) -> pd.DataFrame:
    """Read one WhatsApp export.

    Args:
        source: The ``.txt`` export (or the text member of an export ``.zip``).
        ctx: Read options (``tz``, ``dayfirst``, ``errors``) and the parse report.

    Returns:
        The message frame in file order (``read_chat`` sorts).

    Raises:
        FormatError: The content holds no WhatsApp message header.
        ParseError: With ``errors="raise"``, at the first line that cannot become a row.
    """
    parsed = parse_bytes(_utf8_bytes(source, ctx), dayfirst=ctx.dayfirst)
    if parsed is None:
        raise FormatError(
            "no WhatsApp message header found (expected lines like '12/31/23, 9:05 PM - Name: text' "
            "or '[31/12/2023, 21:05:09] Name: text')",
            path=source.name,
        )
    for line, reason in parsed.skipped:
        ctx.skip(source, line, reason)
    for note_line, message in parsed.notes:
        ctx.note(source, message, line=note_line)
    if source.archive is not None:
        chat_id = chat_id_from_name(source.member, archive=source.archive)
    else:
        chat_id = chat_id_from_name(source.name)
    return to_frame(parsed, tz=ctx.tz, chat_id=chat_id, source="whatsapp")


def _utf8_bytes(source: Source, ctx: ReadContext) -> bytes:
    # Work on the raw UTF-8 bytes (no Python str of the whole file: faster and 4x less memory for
    # emoji-rich text). Arrow validates UTF-8 quickly; anything else goes through the shared
    # decoder, which replaces bad bytes and records their lines in ctx.
    data = source.read_bytes()
    if not data.startswith(_UTF16_BOMS):
        whole = pa.LargeStringArray.from_buffers(
            1, pa.py_buffer(np.array([0, len(data)], dtype=np.int64)), pa.py_buffer(data)
        )
        try:
            whole.validate(full=True)
            return data
        except pa.ArrowInvalid:
            pass
    return decode_text(data, name=source.name, ctx=ctx).encode("utf-8")


@read_whatsapp.sniffer  # type: ignore[attr-defined]
def _sniff(source: Source) -> float:
    """Score: share of header lines in the first 64 KiB, with signal-export markdown told apart."""
    sample = source.head_text()
    headers, nonblank = sniff_text(sample)
    if headers == 0:
        return 0.0
    # signal-export chat.md looks like iOS WhatsApp: it ends lines with two spaces (markdown line
    # breaks) and links media as ](./media/...).
    if "](./media/" in sample or _markdown_breaks(sample) or source.suffix == ".md":
        return 0.2
    share = headers / max(nonblank, 1)
    if headers >= 3:
        return 0.9 if share >= 0.2 else 0.6
    return 0.8 if share >= 0.5 else 0.4


def _markdown_breaks(sample: str) -> bool:
    lines = [ln for ln in sample.split("\n")[:200] if ln.strip()]
    return bool(lines) and sum(ln.endswith("  ") for ln in lines) * 2 > len(lines)
