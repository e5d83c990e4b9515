"""Generic CSV: golden files, delimiters, epoch magnitudes, column mapping, bad rows."""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import reciprocal as rc
from reciprocal.errors import ConfigError, FormatError, ParseError
from reciprocal.importers.csv import detect_delimiter, map_columns

from ._golden import check_golden

GOLDEN = Path(__file__).parent / "golden" / "csv"


@pytest.mark.parametrize("path", sorted(GOLDEN.glob("*.csv")), ids=lambda p: p.stem)
def testcheck_golden(path: Path) -> None:
    check_golden(path, "csv")


@pytest.mark.parametrize(
    ("value", "iso"),
    [
        ("1709283600", "2024-03-01T09:00:00+00:00"),  # seconds
        ("1709283600.25", "2024-03-01T09:00:00.250000+00:00"),
        ("1709283600250", "2024-03-01T09:00:00.250000+00:00"),  # milliseconds
        ("1709283600250001", "2024-03-01T09:00:00.250001+00:00"),  # microseconds
        ("86400", "1970-01-02T00:00:00+00:00"),
        ("2024-03-01T10:00:00+01:00", "2024-03-01T09:00:00+00:00"),
        ("2024-03-01T09:00:00Z", "2024-03-01T09:00:00+00:00"),
        ("2024-03-01 09:00", "2024-03-01T09:00:00+00:00"),  # naive: wall clock in tz (UTC here)
    ],
)
def test_time_values(tmp_path: Path, value: str, iso: str) -> None:
    path = tmp_path / "t.csv"
    path.write_text(f"timestamp,sender,text\n{value},A,x\n", encoding="utf-8")
    df = rc.read_chat(path, format="csv", tz="UTC")
    assert df["timestamp"].iloc[0].isoformat() == iso


@pytest.mark.parametrize(
    ("line", "delim"),
    [("a,b,c", ","), ("a;b;c", ";"), ("a\tb\tc", "\t"), ("a;b,c;d", ";"), ("abc", ",")],
)
def test_delimiter_detection(line: str, delim: str) -> None:
    assert detect_delimiter(line) == delim


def test_header_aliases_and_explicit_mapping() -> None:
    header = ["Date", "Author", "Content", "AuthorID", "Reactions"]
    assert map_columns(header) == {"timestamp": 0, "sender": 1, "text": 2, "sender_id": 3}
    assert map_columns(["Who", "When", "What"], {"When": "timestamp", "who": "sender", "What": "text"}) == {
        "timestamp": 1,
        "sender": 0,
        "text": 2,
    }
    with pytest.raises(ConfigError, match="'Nope'"):
        map_columns(["a"], {"Nope": "text"})
    with pytest.raises(ConfigError, match="'colour'"):
        map_columns(["a"], {"a": "colour"})


def test_bad_rows_are_skipped_with_line_numbers() -> None:
    with pytest.warns(rc.ParseWarning):
        df = rc.read_chat(GOLDEN / "iso_mixed.csv", format="csv", tz="Europe/Berlin")
    assert list(df["message_id"]) == ["1", "2", "3", "4", "8", "10"]
    with pytest.raises(ParseError) as info:
        rc.read_chat(GOLDEN / "iso_mixed.csv", format="csv", tz="Europe/Berlin", errors="raise")
    assert info.value.line == 6


def test_quoted_newline_shifts_the_line_numbers_of_later_rows(tmp_path: Path) -> None:
    path = tmp_path / "q.csv"
    path.write_text('timestamp,sender,text\n1,A,"x\ny\nz"\nbad,B,w\n', encoding="utf-8")
    with pytest.raises(ParseError) as info:
        rc.read_chat(path, format="csv", tz="UTC", errors="raise")
    assert info.value.line == 5


def test_missing_required_column_names_the_fix(tmp_path: Path) -> None:
    path = tmp_path / "m.csv"
    path.write_text("when,who\n1,A\n", encoding="utf-8")
    with pytest.raises(FormatError, match=r"m.csv.*timestamp, sender, text.*columns="):
        rc.read_chat(path, format="csv", tz="UTC")


def test_empty_csv_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_bytes(b"\xef\xbb\xbf\n")
    with pytest.raises(FormatError, match=r"empty.csv"):
        rc.read_chat(path, format="csv", tz="UTC")


def test_conformance() -> None:
    from reciprocal.testing import check_importer

    check_importer("csv")


# custom_columns.csv needs columns= to be read, so no sniffer can claim it on its own.
@pytest.mark.parametrize(
    "path", [p for p in sorted(GOLDEN.glob("*.csv")) if p.stem != "custom_columns"], ids=lambda p: p.stem
)
def test_conformance_on_golden_files(path: Path) -> None:
    from reciprocal.testing import check_importer

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", rc.ParseWarning)
        check_importer("csv", path, tz="Europe/Berlin")


_names = st.text(
    alphabet=st.characters(
        blacklist_categories=("Cs", "Cc", "Zs", "Zl", "Zp"), blacklist_characters="\ufeff"
    ),
    min_size=1,
    max_size=8,
)
# CRLF is read as LF (a Windows line ending, also inside quoted fields), so bodies hold no "\r\n".
_bodies = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=40
).filter(lambda t: "\r\n" not in t)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rows=st.lists(
        st.tuples(st.integers(946684800000, 4102444800000), _names, _bodies), min_size=1, max_size=20
    ),
    delimiter=st.sampled_from([",", ";"]),
)
def test_written_csv_reads_back_unchanged(
    tmp_path: Path, rows: list[tuple[int, str, str]], delimiter: str
) -> None:
    import csv
    import io

    buf = io.StringIO(newline="")
    writer = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n")  # RFC 4180: quotes \r and \n
    writer.writerow(["timestamp", "sender", "text"])
    writer.writerows(rows)
    path = tmp_path / "roundtrip.csv"
    path.write_bytes(buf.getvalue().encode("utf-8"))
    df = rc.read_chat(path, format="csv", tz="UTC", delimiter=delimiter)
    got = sorted(zip(df["timestamp"], df["sender"], df["text"], strict=True))
    assert got == sorted((pd.Timestamp(ms, unit="ms", tz="UTC"), s, t) for ms, s, t in rows)


def test_excel_sep_line_and_utf16_tab_export(tmp_path: Path) -> None:
    sep = tmp_path / "excel.csv"
    sep.write_text('sep=;\ntimestamp;sender;text\n1709283600;Alex;"a, b"\nbad;Sam;x\n', encoding="utf-8")
    with pytest.raises(ParseError) as info:
        rc.read_chat(sep, tz="UTC", errors="raise")
    assert info.value.line == 4
    with pytest.warns(rc.ParseWarning):
        df = rc.read_chat(sep, tz="UTC")
    assert list(df["text"]) == ["a, b"]
    utf16 = tmp_path / "unicode.csv"
    utf16.write_bytes("timestamp\tsender\ttext\r\n2024-03-01T09:00:00Z\tZoé\tçà va\r\n".encode("utf-16"))
    df = rc.read_chat(utf16, tz="UTC")
    assert (df["sender"].iloc[0], df["text"].iloc[0], df["source"].iloc[0]) == ("Zoé", "çà va", "csv")


_header_names = st.sampled_from(
    [
        "timestamp",
        "sender",
        "text",
        "kind",
        "is_me",
        "direction",
        "message_id",
        "chat_id",
        "reply_to",
        "edited",
        "x",
    ]
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    header=st.lists(_header_names, min_size=1, max_size=7),
    body=st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=200),
    delimiter=st.sampled_from([",", ";", "\t"]),
)
def test_arbitrary_csv_gives_a_valid_frame_or_a_reciprocal_error(
    tmp_path: Path, header: list[str], body: str, delimiter: str
) -> None:
    path = tmp_path / "fuzz.csv"
    path.write_text(delimiter.join(header) + "\n" + body, encoding="utf-8")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            df = rc.read_chat(path, format="csv", tz="UTC")
    except rc.ReciprocalError as exc:
        assert "bug in the importer" not in str(exc)
        return
    rc.validate_messages(df)
