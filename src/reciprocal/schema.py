"""The message frame: column names, dtypes, construction and validation.

This module owns the contract every importer produces and every stage consumes (see DESIGN.md).
One row per message or event; all chats in one frame; sorted by ``(chat_id, timestamp, source_order)``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from .errors import SchemaError

__all__ = [
    "COLUMNS",
    "DTYPES",
    "KINDS",
    "KIND_DTYPE",
    "STRING",
    "empty_messages",
    "make_messages",
    "sort_messages",
    "validate_messages",
]

#: Nullable string dtype used for every text column (pyarrow-backed, missing = ``pd.NA``).
STRING = pd.StringDtype("pyarrow")

#: Every value the ``kind`` column may hold.
KINDS: tuple[str, ...] = (
    "text",
    "media",
    "sticker",
    "call",
    "location",
    "contact",
    "poll",
    "deleted",
    "reaction",
    "system",
)

#: ``kind`` is a categorical with a fixed set of categories so frames concatenate without widening.
KIND_DTYPE = pd.CategoricalDtype(list(KINDS), ordered=False)

CHAT_ID = "chat_id"
MESSAGE_ID = "message_id"
TIMESTAMP = "timestamp"
SENDER = "sender"
SENDER_ID = "sender_id"
IS_ME = "is_me"
TEXT = "text"
KIND = "kind"
ATTACHMENT = "attachment"
REPLY_TO = "reply_to"
EDITED = "edited"
SOURCE = "source"
SOURCE_ORDER = "source_order"

#: The columns of a message frame, in order.
COLUMNS: tuple[str, ...] = (
    CHAT_ID,
    MESSAGE_ID,
    TIMESTAMP,
    SENDER,
    SENDER_ID,
    IS_ME,
    TEXT,
    KIND,
    ATTACHMENT,
    REPLY_TO,
    EDITED,
    SOURCE,
    SOURCE_ORDER,
)

#: dtype of every column except ``timestamp`` (``datetime64[us, tz]``, the zone varies by read).
DTYPES: dict[str, Any] = {
    CHAT_ID: STRING,
    MESSAGE_ID: STRING,
    SENDER: STRING,
    SENDER_ID: STRING,
    IS_ME: pd.BooleanDtype(),
    TEXT: STRING,
    KIND: KIND_DTYPE,
    ATTACHMENT: STRING,
    REPLY_TO: STRING,
    EDITED: np.dtype(bool),
    SOURCE: STRING,
    SOURCE_ORDER: np.dtype("int64"),
}

_DEFAULTS: dict[str, Any] = {
    SENDER_ID: pd.NA,
    IS_ME: pd.NA,
    ATTACHMENT: pd.NA,
    REPLY_TO: pd.NA,
    EDITED: False,
    KIND: "text",
}


def empty_messages(tz: str = "UTC") -> pd.DataFrame:
    """Return an empty message frame with every column and dtype in place."""
    return make_messages({}, tz=tz, n=0)


def make_messages(
    columns: Mapping[str, Any],
    *,
    tz: str | None = "UTC",
    n: int | None = None,
    source: str | None = None,
    chat_id: str | None = None,
) -> pd.DataFrame:
    """Build a message frame from column arrays, filling defaults and coercing dtypes.

    Importers call this with what they parsed; missing optional columns get their defaults
    (``kind="text"``, ``edited=False``, nulls elsewhere), ``message_id`` defaults to the
    1-based ``source_order``, and naive timestamps are localised in ``tz`` (ambiguous → earliest,
    nonexistent → shifted forward) while tz-aware ones are converted to ``tz``.

    Args:
        columns: Column name → array-like (or scalar, broadcast). Unknown names raise.
        tz: IANA zone for the timestamps.
        n: Number of rows when every value given is a scalar.
        source: Value for the ``source`` column when not given in ``columns``.
        chat_id: Value for the ``chat_id`` column when not given in ``columns``.

    Returns:
        A frame with exactly :data:`COLUMNS`, in source order (not sorted).
    """
    unknown = set(columns) - set(COLUMNS)
    if unknown:
        raise SchemaError([f"unknown column {c!r}" for c in sorted(unknown)])
    if n is None:
        lengths = {len(v) for v in columns.values() if _is_array(v)}
        if len(lengths) > 1:
            raise SchemaError([f"columns have different lengths: {sorted(lengths)}"])
        n = lengths.pop() if lengths else 0
    data: dict[str, Any] = {}
    order = columns.get(SOURCE_ORDER)
    if order is None:
        order = np.arange(1, n + 1, dtype="int64")
    data[SOURCE_ORDER] = pd.array(np.asarray(order, dtype="int64"), dtype="int64")
    for col in COLUMNS:
        if col in (SOURCE_ORDER, TIMESTAMP):
            continue
        if col in columns:
            val = columns[col]
        elif col == SOURCE:
            val = source
        elif col == CHAT_ID:
            val = chat_id
        elif col == MESSAGE_ID:
            val = pd.Series(data[SOURCE_ORDER]).astype(str).to_numpy()
        else:
            val = _DEFAULTS.get(col, pd.NA)
        data[col] = _coerce(col, val, n)
    data[TIMESTAMP] = _coerce_time(columns.get(TIMESTAMP), n, tz)
    frame = pd.DataFrame(data, index=pd.RangeIndex(n))
    return frame[list(COLUMNS)]


def _is_array(v: Any) -> bool:
    return not isinstance(v, str | bytes) and hasattr(v, "__len__")


def _coerce(col: str, val: Any, n: int) -> Any:
    dtype = DTYPES[col]
    if not _is_array(val):
        if col == EDITED:
            return np.full(n, bool(val), dtype=bool)
        val = [val] * n
    if col == EDITED:
        return pd.array(val, dtype="boolean").fillna(False).to_numpy(dtype=bool)
    if isinstance(dtype, pd.CategoricalDtype):
        values = pd.Series(val, dtype=object)
        unknown = sorted(set(values.dropna().unique()) - set(dtype.categories))
        if unknown:
            raise SchemaError([f"unknown {col} value(s) {unknown}; valid: {list(dtype.categories)}"])
        return pd.Categorical(values, dtype=dtype)
    return pd.array(val, dtype=dtype)


def _coerce_time(val: Any, n: int, tz: str | None) -> pd.DatetimeIndex:
    if val is None:
        val = [pd.NaT] * n
    ts = pd.DatetimeIndex(pd.to_datetime(val))
    if ts.tz is None:
        if tz is not None:
            ts = ts.tz_localize(tz, ambiguous=_earliest(ts), nonexistent="shift_forward")
    elif tz is not None:
        ts = ts.tz_convert(tz)
    return ts.as_unit("us")


def _earliest(ts: pd.DatetimeIndex) -> Any:
    # ``ambiguous=True`` marks DST; an array of True picks the first (earlier, summer-time) reading.
    return np.ones(len(ts), dtype=bool)


def sort_messages(frame: pd.DataFrame) -> pd.DataFrame:
    """Return ``frame`` sorted by ``(chat_id, timestamp, source_order)`` with a fresh RangeIndex."""
    out = frame.sort_values([CHAT_ID, TIMESTAMP, SOURCE_ORDER], kind="stable", ignore_index=True)
    return out


def validate_messages(frame: pd.DataFrame, *, sorted_: bool = True) -> pd.DataFrame:
    """Check every rule of the message-frame contract and report all problems at once.

    Args:
        frame: The frame to check.
        sorted_: Also require the ``(chat_id, timestamp, source_order)`` order.

    Returns:
        ``frame`` itself, unchanged, so the call can be chained.

    Raises:
        SchemaError: Listing every problem found (missing or extra columns, wrong dtypes, NaT
            timestamps, unknown kinds, duplicate ``message_id`` within a chat, system rows with a
            sender, other rows without one, wrong order).
    """
    problems: list[str] = []
    if not isinstance(frame, pd.DataFrame):
        raise SchemaError([f"expected a pandas DataFrame, got {type(frame).__name__}"])
    missing = [c for c in COLUMNS if c not in frame.columns]
    extra = [c for c in frame.columns if c not in COLUMNS]
    if missing:
        problems.append(f"missing columns: {missing}")
    if extra:
        problems.append(f"unexpected columns: {extra}")
    if missing:
        raise SchemaError(problems)
    for col, dtype in DTYPES.items():
        if frame[col].dtype != dtype:
            problems.append(f"column {col!r} has dtype {frame[col].dtype}, expected {dtype}")
    ts = frame[TIMESTAMP]
    if not isinstance(ts.dtype, pd.DatetimeTZDtype):
        problems.append(f"column 'timestamp' has dtype {ts.dtype}, expected datetime64[us, <tz>]")
    else:
        if ts.dtype.unit != "us":
            problems.append(f"column 'timestamp' has unit {ts.dtype.unit!r}, expected 'us'")
        nat = int(ts.isna().sum())
        if nat:
            problems.append(f"{nat} row(s) have no timestamp (NaT)")
    for col in (CHAT_ID, MESSAGE_ID, SOURCE):
        nulls = int(frame[col].isna().sum())
        if nulls:
            problems.append(f"{nulls} row(s) have a null {col!r}")
    if len(frame) and frame[KIND].isna().any():
        problems.append(f"{int(frame[KIND].isna().sum())} row(s) have a null or unknown 'kind'")
    if len(frame):
        dup = frame.duplicated([CHAT_ID, MESSAGE_ID])
        if dup.any():
            first = frame.loc[dup, MESSAGE_ID].iloc[0]
            problems.append(f"{int(dup.sum())} duplicate message_id(s) within a chat (first: {first!r})")
        system_with_sender = (frame[KIND] == "system") & frame[SENDER].notna()
        if system_with_sender.any():
            problems.append(f"{int(system_with_sender.sum())} system row(s) have a sender (must be null)")
        no_sender = (frame[KIND] != "system") & frame[SENDER].isna()
        if no_sender.any():
            problems.append(f"{int(no_sender.sum())} non-system row(s) have no sender")
    if sorted_ and len(frame) > 1 and not problems:
        keys = frame[[CHAT_ID, TIMESTAMP, SOURCE_ORDER]]
        if not keys.equals(sort_messages(keys)[[CHAT_ID, TIMESTAMP, SOURCE_ORDER]].set_axis(keys.index)):
            problems.append("rows are not sorted by (chat_id, timestamp, source_order)")
    if problems:
        raise SchemaError(problems)
    return frame


# Every module that builds or checks a frame passes through here, so registering the
# ``DataFrame.recip`` accessor here makes it available however the package was entered
# (``import reciprocal`` is lazy; a direct submodule import skips its ``__getattr__``).
from . import accessor as _accessor  # noqa: E402, F401
