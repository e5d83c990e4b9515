"""The per-message feature registry and extract_features."""

from __future__ import annotations

import pandas as pd
import pytest

from reciprocal import schema
from reciprocal.errors import ConfigError
from reciprocal.features import MESSAGE_FEATURE_COLUMNS, extract_features, register_feature, run_features
from reciprocal.features.registry import _FEATURES


def _messages() -> pd.DataFrame:
    ts = pd.date_range("2024-01-01 10:00", periods=4, freq="min")
    return schema.make_messages(
        {
            "timestamp": ts,
            "sender": ["A", "B", "A", "B"],
            "text": ["thank you so much!", "<Media omitted>", "I feel so sad", "❤️"],
            "kind": ["text", "media", "text", "reaction"],
            "reply_to": [pd.NA, pd.NA, pd.NA, "3"],
        },
        tz="UTC",
        chat_id="c",
        source="t",
    )


def test_extract_features_appends_columns_and_leaves_input_alone() -> None:
    m = _messages()
    before = m.copy()
    out = extract_features(m, classifier=False)
    pd.testing.assert_frame_equal(m, before)
    assert list(out.columns) == [*schema.COLUMNS, *MESSAGE_FEATURE_COLUMNS]
    assert out["gratitude"].tolist() == [True, False, False, False]
    assert out["disclosure_emotional"].tolist() == [0, 0, 2, 0]
    # Media and reaction rows are not scored.
    assert out["evidence"].tolist()[1] == "" and out["evidence"].tolist()[3] == ""
    assert out["words"].tolist() == [4, 0, 4, 0]
    assert out["fw_ppron"].tolist() == [1, 0, 1, 0]


def test_runner_orders_features_by_what_they_read() -> None:
    @register_feature("test_shout_len", reads=("shout",), writes=("shout_len",))
    def _len(frame: pd.DataFrame) -> pd.DataFrame:
        return pd.DataFrame({"shout_len": frame["shout"].str.len()}, index=frame.index)

    @register_feature("test_shout", reads=("text",), writes=("shout",))
    def _shout(frame: pd.DataFrame) -> pd.DataFrame:
        return pd.DataFrame({"shout": frame["text"].str.upper()}, index=frame.index)

    try:
        out = run_features(_messages(), ["test_shout_len", "test_shout"])
        assert out["shout"].tolist()[0] == "THANK YOU SO MUCH!"
        assert out["shout_len"].tolist()[0] == 18
        with pytest.raises(ConfigError, match="already registered"):
            register_feature("test_shout", reads=(), writes=())(_shout)
        with pytest.raises(ConfigError, match=r"unknown feature\(s\) \['nope'\]; known: \["):
            run_features(_messages(), ["nope"])
        with pytest.raises(ConfigError, match="columns missing"):
            run_features(_messages().drop(columns=["text"]), ["test_shout"])
    finally:
        _FEATURES.pop("test_shout", None)
        _FEATURES.pop("test_shout_len", None)
