"""Parquet storage: exact round trip of message frames, metadata, append-safe result datasets."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reciprocal import __version__, schema
from reciprocal.errors import FormatError, SchemaError, SourceError
from reciprocal.io import (
    MESSAGES_SCHEMA_VERSION,
    file_metadata,
    read_messages,
    read_results,
    write_messages,
    write_results,
)

ZONES = ["UTC", "Europe/Berlin", "Asia/Kathmandu", "America/St_Johns", "Australia/Lord_Howe", "Pacific/Apia"]
# Text with emoji (ZWJ family, skin tone, flag), RTL, combining marks, NUL and newlines.
SPECIAL = ["👨‍👩‍👧‍👦", "👍🏽", "🇩🇪", "שלום", "e\u0301", "a\x00b", "line1\nline2\r\n", "", " "]
texts = st.one_of(st.none(), st.sampled_from(SPECIAL), st.text(max_size=40))
NAMES = ["Alice", "Bob 🐻", "Zoë", "+1 555 0100"]
names = st.one_of(st.sampled_from(NAMES), st.text(min_size=1, max_size=12))


@st.composite
def message_frames(draw: st.DrawFn) -> pd.DataFrame:
    n = draw(st.integers(min_value=0, max_value=25))
    kinds = draw(st.lists(st.sampled_from(schema.KINDS), min_size=n, max_size=n))
    senders = [None if k == "system" else draw(names) for k in kinds]
    stamps = draw(
        st.lists(
            st.datetimes(min_value=dt.datetime(1990, 1, 1), max_value=dt.datetime(2037, 12, 31)),
            min_size=n,
            max_size=n,
        )
    )
    nullable_text = st.lists(texts, min_size=n, max_size=n)
    columns = {
        "chat_id": draw(st.lists(st.sampled_from(["c1", "chat 🌍", "Ünïcode"]), min_size=n, max_size=n)),
        "timestamp": stamps,
        "sender": senders,
        "sender_id": draw(nullable_text),
        "is_me": draw(st.lists(st.sampled_from([True, False, None]), min_size=n, max_size=n)),
        "text": draw(nullable_text),
        "kind": kinds,
        "attachment": draw(nullable_text),
        "reply_to": draw(nullable_text),
        "edited": draw(st.lists(st.booleans(), min_size=n, max_size=n)),
        "source_order": draw(
            st.lists(st.integers(min_value=-(2**62), max_value=2**62), min_size=n, max_size=n, unique=True)
        ),
    }
    return schema.make_messages(columns, tz=draw(st.sampled_from(ZONES)), source="whatsapp")


def assert_exact(back: pd.DataFrame, frame: pd.DataFrame) -> None:
    assert list(back.columns) == list(frame.columns)
    assert back.dtypes.to_dict() == frame.dtypes.to_dict()
    assert isinstance(back.index, pd.RangeIndex)
    pd.testing.assert_frame_equal(back, frame, check_exact=True, check_categorical=True)
    assert back.equals(frame)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(frame=message_frames())
def test_round_trip_is_exact(frame: pd.DataFrame, tmp_path: Path) -> None:
    path = tmp_path / "m.parquet"
    write_messages(frame, path)
    back = read_messages(path)
    assert_exact(back, frame)
    assert back[schema.TIMESTAMP].dtype == frame[schema.TIMESTAMP].dtype  # unit and zone
    assert back[schema.KIND].cat.categories.tolist() == list(schema.KINDS)  # unused categories kept


def _frame() -> pd.DataFrame:
    return schema.make_messages(
        {
            "timestamp": [
                "2024-03-31 01:59:59.123456",
                "2024-03-31 02:30:00.000000",
                "2024-10-27 02:30:00.000000",
            ],
            "sender": ["Alice", None, "Bob"],
            "text": ["hi 👋🏽", "Alice added Bob", None],
            "kind": ["text", "system", "media"],
            "is_me": [True, pd.NA, False],
            "reply_to": [pd.NA, pd.NA, "1"],
            "edited": [False, False, True],
        },
        tz="Europe/Berlin",
        source="whatsapp",
        chat_id="Alice & Bob",
    )


def test_known_values_survive(tmp_path: Path) -> None:
    frame = _frame()
    back = read_messages(write_messages(frame, tmp_path / "m.parquet"))
    assert_exact(back, frame)
    # Spot values by hand: the nonexistent 02:30 shifted forward to 03:00 CEST; the ambiguous one
    # is the earlier (summer-time, +02:00) reading; microseconds kept.
    assert str(back.loc[0, "timestamp"]) == "2024-03-31 01:59:59.123456+01:00"
    assert str(back.loc[1, "timestamp"]) == "2024-03-31 03:00:00+02:00"
    assert str(back.loc[2, "timestamp"]) == "2024-10-27 02:30:00+02:00"
    assert back["is_me"].tolist() == [True, pd.NA, False]
    assert back.loc[1, "sender"] is pd.NA


def test_file_is_zstd_with_versions_in_metadata(tmp_path: Path) -> None:
    path = write_messages(_frame(), tmp_path / "m.parquet")
    meta = file_metadata(path)
    assert meta == {
        "table": "messages",
        "schema_version": MESSAGES_SCHEMA_VERSION,
        "version": __version__,
        "tz": "Europe/Berlin",
    }
    md = pq.ParquetFile(path).metadata
    assert {md.row_group(0).column(i).compression for i in range(md.num_columns)} == {"ZSTD"}
    assert os.stat(path).st_mode & 0o777 == 0o600  # chats stay private to the user


def test_write_does_not_mutate_and_rejects_invalid(tmp_path: Path) -> None:
    frame = _frame()
    before = frame.copy(deep=True)
    write_messages(frame, tmp_path / "m.parquet")
    assert frame.equals(before)
    bad = frame.assign(kind=frame["kind"].astype(str))
    with pytest.raises(SchemaError, match="kind"):
        write_messages(bad, tmp_path / "bad.parquet")
    assert not (tmp_path / "bad.parquet").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["m.parquet"]  # no temp file left behind


def test_plain_parquet_without_pandas_metadata_is_coerced(tmp_path: Path) -> None:
    frame = _frame()
    table = pa.Table.from_pandas(frame, preserve_index=False).replace_schema_metadata(None)
    table = table.set_column(
        table.schema.get_field_index("kind"), "kind", table["kind"].cast(pa.string())
    )  # e.g. written by DuckDB: kind as plain text
    pq.write_table(table, tmp_path / "plain.parquet")
    assert_exact(read_messages(tmp_path / "plain.parquet"), frame)


def test_read_errors_name_the_file(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="missing.parquet"):
        read_messages(tmp_path / "missing.parquet")
    junk = tmp_path / "junk.parquet"
    junk.write_bytes(b"not parquet at all")
    with pytest.raises(FormatError, match="junk.parquet"):
        read_messages(junk)
    other = write_results(pd.DataFrame({"a": [1]}), tmp_path / "res")
    with pytest.raises(FormatError, match="results table, not messages"):
        read_messages(other)
    table = pa.Table.from_pandas(_frame(), preserve_index=False)
    meta = dict(table.schema.metadata or {})
    meta[b"reciprocal.schema_version"] = str(MESSAGES_SCHEMA_VERSION + 1).encode()
    pq.write_table(table.replace_schema_metadata(meta), tmp_path / "future.parquet")
    with pytest.raises(FormatError, match="upgrade reciprocal"):
        read_messages(tmp_path / "future.parquet")
    pq.write_table(pa.table({"x": [1]}), tmp_path / "x.parquet")
    with pytest.raises(FormatError, match="missing column"):
        read_messages(tmp_path / "x.parquet")


def _scores(k: int) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "chat_id": pd.array([f"c{k}", f"c{k}"], dtype=schema.STRING),
            "person": pd.array(["A", "B"], dtype=schema.STRING),
            "metric": pd.array(["initiation_share"] * 2, dtype=schema.STRING),
            "value": [0.25 + k, 0.75],
            "n": np.array([4, 4], dtype="int64"),
            "note": pd.array([pd.NA, "few conversations"], dtype=schema.STRING),
        }
    )


def test_results_dataset_appends_parts(tmp_path: Path) -> None:
    out = tmp_path / "results"
    p1 = write_results(_scores(0), out, metadata={"seed": 0})
    p2 = write_results(_scores(1), out)
    assert p1 != p2 and p1.parent == p2.parent == out
    # A writer still running leaves only a hidden .partial file: readers skip it.
    (out / ".part-x.parquet.zz.partial").write_bytes(b"half a file")
    back = read_results(out)
    expected = pd.concat([_scores(0), _scores(1)], ignore_index=True)
    pd.testing.assert_frame_equal(back, expected, check_exact=True)
    assert file_metadata(p1)["seed"] == 0
    assert file_metadata(p1)["table"] == "results"
    # pyarrow's own dataset reader agrees (hidden files ignored).
    assert pq.read_table(out).num_rows == 4
    assert out.stat().st_mode & 0o777 == 0o700


def test_read_results_of_empty_folder(tmp_path: Path) -> None:
    (tmp_path / "r").mkdir()
    assert read_results(tmp_path / "r").empty
    with pytest.raises(SourceError):
        read_results(tmp_path / "nope")


def test_parts_with_all_missing_text_columns_unify(tmp_path: Path) -> None:
    out = tmp_path / "res"
    write_results(pd.DataFrame({"chat_id": ["a"], "note": [None]}), out)  # object column, all None
    write_results(pd.DataFrame({"chat_id": ["b"], "note": ["few conversations"]}), out)
    assert pq.read_table(out).column("note").to_pylist() == [None, "few conversations"]
    duckdb = pytest.importorskip("duckdb")
    rows = duckdb.sql(
        f"SELECT chat_id, note FROM read_parquet('{out}/*.parquet') ORDER BY chat_id"
    ).fetchall()
    assert rows == [("a", None), ("b", "few conversations")]
