"""A column-wise row collector shared by the Signal, SMS and iMessage importers.

Parsers append one message at a time and hand the columns to :func:`reciprocal.schema.make_messages`
at the end; appending to per-column lists keeps memory near the final frame's size.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

__all__ = ["MessageRows"]

_FIELDS = (
    "chat_id",
    "message_id",
    "timestamp",
    "sender",
    "sender_id",
    "is_me",
    "text",
    "kind",
    "attachment",
    "reply_to",
    "edited",
    "source_order",
)


class MessageRows:
    """Collect message rows column by column.

    ``message_id`` defaults to a running sequence number (``"1"``, ``"2"``, ...) that is unique
    within the collector, so reactions and their targets can refer to each other before the
    frame exists.
    """

    def __init__(self) -> None:
        self.columns: dict[str, list[Any]] = {name: [] for name in _FIELDS}
        self._seq = 0

    def __len__(self) -> int:
        return len(self.columns["timestamp"])

    def add(
        self,
        *,
        timestamp: Any,
        sender: str | None,
        text: str | None,
        source_order: int,
        kind: str = "text",
        chat_id: str | None = None,
        message_id: str | None = None,
        sender_id: str | None = None,
        is_me: bool | None = None,
        attachment: str | None = None,
        reply_to: str | None = None,
        edited: bool = False,
    ) -> str:
        """Append one row and return its ``message_id``."""
        self._seq += 1
        mid = str(self._seq) if message_id is None else message_id
        cols = self.columns
        cols["chat_id"].append(chat_id)
        cols["message_id"].append(mid)
        cols["timestamp"].append(timestamp)
        cols["sender"].append(sender)
        cols["sender_id"].append(sender_id)
        cols["is_me"].append(pd.NA if is_me is None else is_me)
        cols["text"].append(text)
        cols["kind"].append(kind)
        cols["attachment"].append(attachment)
        cols["reply_to"].append(reply_to)
        cols["edited"].append(edited)
        cols["source_order"].append(source_order)
        return mid

    def to_columns(self) -> dict[str, list[Any]]:
        """Return the columns for :func:`reciprocal.schema.make_messages`."""
        return dict(self.columns)
