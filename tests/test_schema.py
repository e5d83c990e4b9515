from __future__ import annotations

import pandas as pd
import pytest

from reciprocal import schema
from reciprocal.errors import SchemaError


def frame(**cols):
    base = {
        "timestamp": ["2024-01-01 10:00", "2024-01-01 10:05"],
        "sender": ["Ana", "Ben"],
        "text": ["hi", "hello"],
    }
    base.update(cols)
    return schema.make_messages(base, tz="Europe/Berlin", source="test", chat_id="c1")


def test_make_messages_fills_defaults_and_dtypes():
    df = frame()
    assert list(df.columns) == list(schema.COLUMNS)
    assert df["message_id"].tolist() == ["1", "2"]
    assert df["source_order"].tolist() == [1, 2]
    assert df["kind"].tolist() == ["text", "text"]
    assert df["edited"].tolist() == [False, False]
    assert df["is_me"].isna().all()
    assert str(df["timestamp"].dtype) == "datetime64[us, Europe/Berlin]"
    assert df["timestamp"].iloc[0] == pd.Timestamp("2024-01-01 10:00", tz="Europe/Berlin")
    schema.validate_messages(df)


def test_dst_ambiguous_takes_earliest_and_nonexistent_shifts_forward():
    df = schema.make_messages(
        {"timestamp": ["2024-10-27 02:30", "2024-03-31 02:30"], "sender": ["a", "b"], "text": ["x", "y"]},
        tz="Europe/Berlin",
        source="t",
        chat_id="c",
    )
    # 02:30 on the October change happens twice: the first (CEST, +02:00) is taken.
    assert df["timestamp"].iloc[0].isoformat() == "2024-10-27T02:30:00+02:00"
    # 02:30 on the March change does not exist: shifted forward to 03:00 CEST.
    assert df["timestamp"].iloc[1].isoformat() == "2024-03-31T03:00:00+02:00"


def test_aware_timestamps_are_converted():
    df = schema.make_messages(
        {"timestamp": pd.to_datetime(["2024-01-01 09:00Z"]), "sender": ["a"], "text": ["x"]},
        tz="Europe/Berlin",
        source="t",
        chat_id="c",
    )
    assert df["timestamp"].iloc[0].isoformat() == "2024-01-01T10:00:00+01:00"


def test_validate_reports_every_problem_at_once():
    df = frame(kind=["system", "text"])
    df = df.assign(
        message_id=pd.array(["1", "1"], dtype=schema.STRING),
        kind=pd.Categorical(["system", None], dtype=schema.KIND_DTYPE),
    )
    with pytest.raises(SchemaError) as info:
        schema.validate_messages(df)
    problems = info.value.problems
    assert any("null or unknown 'kind'" in p for p in problems)
    assert any("duplicate message_id" in p for p in problems)
    assert any("system row(s) have a sender" in p for p in problems)
    assert len(problems) == 3


def test_validate_rejects_missing_columns_and_wrong_dtypes():
    df = frame()
    with pytest.raises(SchemaError, match="missing columns"):
        schema.validate_messages(df.drop(columns=["kind"]))
    with pytest.raises(SchemaError, match="'edited' has dtype object"):
        schema.validate_messages(df.assign(edited=df["edited"].astype(object)))


def test_validate_requires_sorted_order():
    df = frame(timestamp=["2024-01-01 11:00", "2024-01-01 10:00"])
    with pytest.raises(SchemaError, match="not sorted"):
        schema.validate_messages(df)
    schema.validate_messages(schema.sort_messages(df))
    assert schema.sort_messages(df)["text"].tolist() == ["hello", "hi"]


def test_unknown_kind_is_refused_when_building():
    with pytest.raises(SchemaError, match=r"unknown kind value\(s\) \['bogus'\]"):
        frame(kind=["text", "bogus"])


def test_unknown_column_is_refused():
    with pytest.raises(SchemaError, match="unknown column 'body'"):
        schema.make_messages({"body": ["x"]})


def test_empty_messages_validates():
    df = schema.empty_messages("UTC")
    assert len(df) == 0
    schema.validate_messages(df)
