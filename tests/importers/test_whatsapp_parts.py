"""Unit tests of the WhatsApp parser's pure parts: header grammar, date order, placeholders, ids."""

from __future__ import annotations

import datetime as dt

import pytest

from reciprocal.importers._whatsapp_grammar import (
    build_datetime,
    clean_header_text,
    infer_order,
    parse_header,
)
from reciprocal.importers._whatsapp_kinds import BodyInfo, chat_id_from_name, classify_body
from reciprocal.importers._whatsapp_parse import parse_text, sniff_text

NN, NB, LRM, BOM = "\u202f", "\u00a0", "\u200e", "\ufeff"


# --- header grammar -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "family", "parts", "rest"),
    [
        ("12/03/2021, 18:42 - Ana Souza: see you", "dash", ("12", "03", "2021", 18, 42, None, None), "Ana"),
        (f"3/12/21, 6:42{NN}PM - Ana: x", "dash", ("3", "12", "21", 6, 42, None, "p"), "Ana"),
        ("12.03.21, 18:42 - Ana: bis später", "dash", ("12", "03", "21", 18, 42, None, None), "Ana"),
        ("2021/03/12, 18:42 - Ana: x", "dash", ("2021", "03", "12", 18, 42, None, None), "Ana"),
        ("12/03/2021 18.42 - Ana: x", "dash", ("12", "03", "2021", 18, 42, None, None), "Ana"),
        ("13.6.2018 klo 21.25.15 - Ana: x", "dash", ("13", "6", "2018", 21, 25, 15, None), "Ana"),
        (f"12/3/2021, 6:42 p.{NB}m. - Ana: x", "dash", ("12", "3", "2021", 6, 42, None, "p"), "Ana"),
        ("03/06/2023, 6:12 am - Ana: x", "dash", ("03", "06", "2023", 6, 12, None, "a"), "Ana"),
        ("26-04-2022 12:11 - Ana: x", "dash", ("26", "04", "2022", 12, 11, None, None), "Ana"),
        ("[12/03/2021, 18:42:07] Ana Souza: x", "bracket", ("12", "03", "2021", 18, 42, 7, None), "Ana"),
        (f"[3/12/21, 6:42:07{NN}PM] Ana: x", "bracket", ("3", "12", "21", 6, 42, 7, "p"), "Ana"),
        (f"{LRM}[12.03.21, 18:42:07] Ana: {LRM}x", "bracket", ("12", "03", "21", 18, 42, 7, None), "Ana"),
        ("[2024/10/31 15:50:46] 张三: x", "bracket", ("2024", "10", "31", 15, 50, 46, None), "张三"),
        ("[25/09/20 10:27:18 a.m.] Ana: x", "bracket", ("25", "09", "20", 10, 27, 18, "a"), "Ana"),
        ("3/24/14, 1:59:59 PM: Ana: x", "colon", ("3", "24", "14", 1, 59, 59, "p"), "Ana"),
        ("2022/12/14, 13:34. - Ana: x", "dash", ("2022", "12", "14", 13, 34, None, None), "Ana"),
        (f"{BOM}05.01.24, 21:06 - Jonas: x", "dash", ("05", "01", "24", 21, 6, None, None), "Jonas"),
    ],
)
def test_header_families(line: str, family: str, parts: tuple[object, ...], rest: str) -> None:
    h = parse_header(line)
    assert h is not None
    assert h.family == family
    assert (h.d1, h.d2, h.d3, h.hour, h.minute, h.second, h.marker) == parts
    assert line[h.end :].startswith(rest)


@pytest.mark.parametrize(
    "line",
    [
        "Sample User: This file has nothing to do with whatsapp",
        "2016-04-29 10:30:00 a date in a message body",
        "20.15.21.15 h was the time",
        "12/03/2021, 18:42 Ana: no separator",
        "[12/03/2021, 18:42:07 missing bracket",
        "12/03/2021, 18:42] - bracket without opening",
        "",
    ],
)
def test_not_headers(line: str) -> None:
    assert parse_header(line) is None


def test_clean_header_text_only_touches_invisibles_and_spaces() -> None:
    assert clean_header_text(f"{LRM}~{NN}Ana{NB}Lu{BOM} ") == "~ Ana Lu"
    assert clean_header_text("Zoë 🤓") == "Zoë 🤓"


# --- day / month order ----------------------------------------------------------------------


def test_infer_order_component_over_12_is_the_day() -> None:
    assert infer_order([1, 13], [2, 2], [2024, 2024], year_first=False) == (True, "component > 12")
    assert infer_order([1, 2], [13, 14], [2024, 2024], year_first=False) == (False, "component > 12")


def test_infer_order_dates_do_not_go_backwards() -> None:
    # Read month-first: Jun 3, Aug 5, Sep 4 (in order); day-first: Mar 6, May 8, Apr 9 (backwards).
    assert infer_order([6, 8, 9], [3, 5, 4], [2017] * 3, year_first=False) == (False, "dates in order")


def test_infer_order_change_frequency_then_default() -> None:
    # Both readings in order; the first component changes more often → it is the day.
    assert infer_order([5, 6, 7], [1, 1, 1], [2024] * 3, year_first=False) == (True, "change frequency")
    assert infer_order([1, 1], [1, 1], [2024] * 2, year_first=False) == (True, "default")
    assert infer_order([1, 1], [1, 1], [2024] * 2, year_first=True) == (False, "default")


def test_inference_is_file_wide_and_dayfirst_overrides() -> None:
    text = "01/02/24, 10:00 - A: x\n03/02/24, 10:00 - B: y\n" + "".join(
        f"{d:02d}/02/24, 10:00 - A: z\n" for d in range(4, 14)
    )
    parsed = parse_text(text)
    assert parsed is not None and parsed.order == "DMY"
    forced = parse_text(text, dayfirst=False)
    assert forced is not None and forced.order == "MDY"
    # 13/02 cannot be read month-first: that record is skipped (counted), the rest are kept.
    assert [line for line, _ in forced.skipped] == [12]
    assert len(forced.columns["timestamp"]) == 11


def test_ambiguous_file_notes_the_guess() -> None:
    parsed = parse_text("01/01/24, 10:00 - A: x\n01/01/24, 10:05 - B: y\n")
    assert parsed is not None and parsed.order == "DMY"
    assert any("dayfirst=" in msg for _, msg in parsed.notes)


def test_ambiguous_us_twelve_hour_export_defaults_to_month_first() -> None:
    # Uppercase AM/PM with slashes is the US English export: the locale hint is month-first.
    us = parse_text("1/5/24, 9:00 PM - A: x\n1/5/24, 9:05 PM - B: y\n")
    assert us is not None and us.order == "MDY"
    assert any("month-first" in msg for _, msg in us.notes)
    # Lower-case "pm" (India, Australia) keeps the day-first default.
    other = parse_text("1/5/24, 9:00 pm - A: x\n1/5/24, 9:05 pm - B: y\n")
    assert other is not None and other.order == "DMY"


def test_build_datetime_twelve_hour_rules() -> None:
    def at(line: str, first_is_day: bool = False) -> tuple[dt.datetime | None, str | None]:
        h = parse_header(line)
        assert h is not None
        return build_datetime(h, first_is_day=first_is_day, year_pos=2)

    assert at("1/5/24, 12:00 AM - A: x") == (dt.datetime(2024, 1, 5, 0, 0), None)
    assert at("1/5/24, 12:30 PM - A: x") == (dt.datetime(2024, 1, 5, 12, 30), None)
    assert at("1/5/24, 00:08 a. m. - A: x") == (dt.datetime(2024, 1, 5, 0, 8), None)
    value, note = at("1/5/24, 23:59 PM - A: x")
    assert value == dt.datetime(2024, 1, 5, 23, 59) and note is not None and "23:59" in note
    value, note = at("2/30/24, 10:00 - A: x")
    assert value is None and note is not None


def test_impossible_time_is_a_note_not_a_crash() -> None:
    parsed = parse_text("1/5/24, 9:00 PM - A: x\n1/5/24, 23:59 PM - B: y\n1/6/24, 1:00 AM - A: z\n")
    assert parsed is not None
    assert [line for line, _ in parsed.notes] == [2]
    assert [str(t) for t in parsed.columns["timestamp"]] == [
        "2024-01-05T21:00:00.000000",
        "2024-01-05T23:59:00.000000",
        "2024-01-06T01:00:00.000000",
    ]


# --- placeholders ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "info"),
    [
        ("<Media omitted>", BodyInfo("media", None)),
        ("<Medien ausgeschlossen>", BodyInfo("media", None)),
        ("<Multimedia omitido>", BodyInfo("media", None)),
        ("<Video note omitted>", BodyInfo("media", None)),
        (f"{LRM}image omitted", BodyInfo("media", None)),
        (f"{LRM}video omitted", BodyInfo("media", None)),
        (f"{LRM}audio omitted", BodyInfo("media", None)),
        (f"{LRM}GIF omitted", BodyInfo("media", None)),
        (f"{LRM}sticker omitted", BodyInfo("sticker", None)),
        (f"{LRM}Contact card omitted", BodyInfo("contact", None)),
        (f"{LRM}Report.pdf • 3 pages document omitted", BodyInfo("media", None, "Report.pdf")),
        (
            f"{LRM}<attached: 00000042-PHOTO-2021-03-12-18-42-07.jpg>",
            BodyInfo("media", None, "00000042-PHOTO-2021-03-12-18-42-07.jpg"),
        ),
        ("<Anhang: 00000043-AUDIO-x.opus>", BodyInfo("media", None, "00000043-AUDIO-x.opus")),
        ("<adjunto: 00000044-STICKER-x.webp>", BodyInfo("sticker", None, "00000044-STICKER-x.webp")),
        (
            "Report.pdf • 14 pages <attached: 00000002-Report.pdf>",
            BodyInfo("media", None, "00000002-Report.pdf"),
        ),
        (
            "2015-08-04-PHOTO-00004762.jpg <attached>",
            BodyInfo("media", None, "2015-08-04-PHOTO-00004762.jpg"),
        ),
        ("IMG-20210428-WA0001.jpg (file attached)", BodyInfo("media", None, "IMG-20210428-WA0001.jpg")),
        (
            "IMG-20210428-WA0001.jpg (file attached)\nsunset: wow\nsecond line",
            BodyInfo("media", "sunset: wow\nsecond line", "IMG-20210428-WA0001.jpg"),
        ),
        ("Ana.vcf (file attached)", BodyInfo("contact", None, "Ana.vcf")),
        ("STK-20210428-WA0002.webp (Datei angehängt)", BodyInfo("sticker", None, "STK-20210428-WA0002.webp")),
        ("This message was deleted", BodyInfo("deleted", None)),
        ("You deleted this message", BodyInfo("deleted", None)),
        (f"{LRM}You deleted this message.", BodyInfo("deleted", None)),
        ("Diese Nachricht wurde gelöscht", BodyInfo("deleted", None)),
        ("see you <This message was edited>", BodyInfo("text", "see you", None, True)),
        ("line one\nline two <This message was edited>", BodyInfo("text", "line one\nline two", None, True)),
        ("<Media omitted> <This message was edited>", BodyInfo("media", None, None, True)),
        (f"ok then {LRM}<This message was edited>", BodyInfo("text", "ok then", None, True)),
        ("location: https://maps.google.com/?q=50.94,6.95", None),
        (f"{LRM}Location: https://maps.google.com/?q=1,2", None),
        ("live location shared", None),
        ("Missed voice call", BodyInfo("call", None)),
        (f"{LRM}Missed video call. {LRM}Tap to call back", BodyInfo("call", None)),
        ("Missed group voice call", BodyInfo("call", None)),
        ("POLL:\nLunch?\nOPTION: pizza (2 votes)\nOPTION: sushi (1 vote)", None),
        (
            f"{LRM}Messages and calls are end-to-end encrypted. No one outside of this chat can read them.",
            BodyInfo(
                "system",
                "Messages and calls are end-to-end encrypted. No one outside of this chat can read them.",
            ),
        ),
        (f"{LRM}Ana added Bo", BodyInfo("system", "Ana added Bo")),
        # Ordinary texts that merely look similar stay text, verbatim.
        ("my <Media omitted> joke", BodyInfo("text", "my <Media omitted> joke")),
        ("the image omitted part", BodyInfo("text", "the image omitted part")),
        ("call me: location: home", BodyInfo("text", "call me: location: home")),
        ("I think This message was deleted", BodyInfo("text", "I think This message was deleted")),
        ("Ana added Bo to the list", BodyInfo("text", "Ana added Bo to the list")),
    ],
)
def test_placeholder_families(body: str, info: BodyInfo | None) -> None:
    got = classify_body(body)
    if info is None:  # location / poll keep the body verbatim as text
        assert got.text == body and got.kind in ("location", "poll")
    else:
        assert got == info


# --- chat ids and sniffing ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "chat_id"),
    [
        ("WhatsApp Chat with Ana Souza.txt", "Ana Souza"),
        ("/home/u/Downloads/WhatsApp Chat mit Jonas.txt", "Jonas"),
        ("Chat de WhatsApp con Lucía.txt", "Lucía"),
        ("Conversa do WhatsApp com Rafa.txt", "Rafa"),
        ("WhatsApp_Chat_with_Team_🏕️.txt", "Team_🏕️"),
        ("WhatsApp Chat - Ren Ito.zip:_chat.txt", "Ren Ito"),
        ("exports/WhatsApp Chat - Ren Ito.zip:_chat.txt", "Ren Ito"),
        ("backup.zip:WhatsApp Chat with Mia.txt", "Mia"),
        ("my_chat.txt", "my_chat"),
        (None, "whatsapp"),
        ("", "whatsapp"),
    ],
)
def test_chat_id_from_name(name: str | None, chat_id: str) -> None:
    assert chat_id_from_name(name) == chat_id


def test_sniff_counts_headers() -> None:
    assert sniff_text("1/5/24, 9:00 PM - A: x\ncontinued\n1/5/24, 9:01 PM - B: y\n") == (2, 3)
    assert sniff_text("Sample User: hi\nTestBot: no dates here\n") == (0, 2)


def test_lines_before_first_header_are_skipped_with_line_numbers() -> None:
    parsed = parse_text("junk one\n\njunk two\n1/5/24, 9:00 PM - A: x\n")
    assert parsed is not None
    assert [line for line, _ in parsed.skipped] == [1, 3]
    assert len(parsed.columns["timestamp"]) == 1


def test_no_header_at_all_returns_none() -> None:
    assert parse_text("") is None
    assert parse_text("Sample User: hi\nTestBot: still no dates\n") is None


def test_forged_header_of_another_family_stays_continuation() -> None:
    text = "1/5/24, 9:00 PM - A: look at this log:\n[1/5/24, 9:00:00 PM] B: quoted line\n"
    parsed = parse_text(text)
    assert parsed is not None
    assert parsed.columns["text"].to_pylist() == ["look at this log:\n[1/5/24, 9:00:00 PM] B: quoted line"]
