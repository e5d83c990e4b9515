"""The messages.recip accessor."""

from __future__ import annotations

import pandas as pd
import pytest

import reciprocal
from reciprocal import schema


def _chat() -> pd.DataFrame:
    return schema.make_messages(
        {
            "timestamp": ["2024-01-01 10:00", "2024-01-01 10:01", "2024-01-01 10:03", "2024-01-02 09:00"],
            "sender": ["Ana", "Ben", "Ana", "Ben"],
            "text": ["hi", "hey", "how are you", "morning"],
        },
        tz="UTC",
        source="test",
        chat_id="c1",
    )


def test_accessor_exposes_the_stages() -> None:
    m = _chat()
    assert m.recip.conversations(gap="1h")["conversation_id"].tolist() == [0, 0, 0, 1]
    assert m.recip.turns(gap="1h")["sender"].tolist() == ["Ana", "Ben", "Ana", "Ben"]
    assert m.recip.responses(gap="1h")["latency_seconds"].tolist() == [60.0, 120.0]
    rep = m.recip.analyze(gap="1h", bootstrap=0, features="timing")
    assert isinstance(rep, reciprocal.Report)
    assert set(rep.scores["person"]) == {"Ana", "Ben"}


def test_accessor_on_a_non_message_frame_explains() -> None:
    with pytest.raises(AttributeError, match=r"message frame.*lacks columns \['chat_id', 'timestamp'"):
        _ = pd.DataFrame({"a": [1]}).recip
