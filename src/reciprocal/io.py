"""Parquet storage: message frames (exact round trip) and tidy result tables (append-safe datasets).

Message frames are written with zstd compression and read back with every dtype exactly as the
contract in :mod:`reciprocal.schema` says (pyarrow strings, categorical ``kind``, nullable
``is_me``, tz-aware ``datetime64[us, tz]`` timestamps). Each file carries its schema version and
the version of reciprocal that wrote it in the Parquet key-value metadata, so a reader can refuse
a file from a newer schema instead of misreading it.

Result tables (score tables from :func:`reciprocal.batch.batch`) are written as a Parquet
*dataset*: a folder with one file per batch part. Each part is written under a temporary name
that no reader globs (``.part-*.partial``) and renamed into place atomically, so a reader (pandas,
pyarrow, DuckDB) never sees half a file and parallel writers never collide.

Example:
    >>> import tempfile, pathlib
    >>> from reciprocal import schema
    >>> from reciprocal.io import read_messages, write_messages
    >>> messages = schema.make_messages(
    ...     {"timestamp": ["2024-05-01 09:00", "2024-05-01 09:05"], "sender": ["Sam", "Alex"],
    ...      "text": ["morning ☀️", None]}, tz="Europe/London", chat_id="demo", source="demo")
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "messages.parquet"
    >>> _ = write_messages(messages, path)
    >>> read_messages(path).equals(messages)
    True
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import json
import os
import tempfile
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from . import schema
from ._version import __version__
from .errors import FormatError, SchemaError, SourceError

__all__ = [
    "MESSAGES_SCHEMA_VERSION",
    "RESULTS_SCHEMA_VERSION",
    "file_metadata",
    "read_messages",
    "read_results",
    "write_messages",
    "write_results",
]

#: Version of the message-frame layout stored in every messages file (bump on incompatible change).
MESSAGES_SCHEMA_VERSION = 1
#: Version of the tidy results layout stored in every results part.
RESULTS_SCHEMA_VERSION = 1

_KEY_TABLE = b"reciprocal.table"
_KEY_SCHEMA = b"reciprocal.schema_version"
_KEY_VERSION = b"reciprocal.version"
_KEY_EXTRA = b"reciprocal.metadata"
_COMPRESSION = "zstd"
_PART_SUFFIX = ".parquet"
_PARTIAL_SUFFIX = ".partial"

PathLike = str | os.PathLike[str]


def write_messages(frame: pd.DataFrame, path: PathLike) -> Path:
    """Write a message frame to one Parquet file (zstd), atomically.

    Args:
        frame: A message frame (the columns and dtypes of :data:`reciprocal.schema.COLUMNS`); it
            does not need to be sorted and is not modified.
        path: The file to write. Its folder must exist. An existing file is replaced only once the
            new one is complete.

    Returns:
        The path written.

    Raises:
        SchemaError: ``frame`` is not a valid message frame (every problem listed).
        SourceError: The file cannot be written.
    """
    schema.validate_messages(frame, sorted_=False)
    ts_dtype = frame[schema.TIMESTAMP].dtype
    tz = str(ts_dtype.tz) if isinstance(ts_dtype, pd.DatetimeTZDtype) else "UTC"
    table = pa.Table.from_pandas(frame, preserve_index=False)
    table = _with_metadata(table, table_name="messages", version=MESSAGES_SCHEMA_VERSION, extra={"tz": tz})
    out = Path(path).expanduser()
    _atomic_write(table, out.parent, out.name)
    return out


def read_messages(path: PathLike) -> pd.DataFrame:
    """Read a message frame written by :func:`write_messages`, with every dtype restored.

    Args:
        path: A Parquet file written by :func:`write_messages` (or any Parquet file holding the
            message-frame columns; dtypes are coerced to the contract and then validated).

    Returns:
        The message frame, equal to the one written (same columns, dtypes, values and row order).

    Raises:
        SourceError: The file does not exist or cannot be read.
        FormatError: The file is not Parquet, holds another reciprocal table, or was written with a
            newer message schema than this version of reciprocal reads.
        SchemaError: The columns do not form a valid message frame.
    """
    p = Path(path).expanduser()
    table = _read_table(p)
    meta = _decode_metadata(table.schema.metadata)
    _check_kind(meta, p, expected="messages", max_version=MESSAGES_SCHEMA_VERSION)
    missing = [c for c in schema.COLUMNS if c not in table.column_names]
    if missing:
        raise FormatError(f"not a message frame: missing column(s) {missing}", path=p)
    frame = table.select(list(schema.COLUMNS)).to_pandas()
    frame = _coerce_messages(frame, p)
    try:
        schema.validate_messages(frame, sorted_=False)
    except SchemaError as exc:
        raise SchemaError(exc.problems, what=f"message frame read from {p}") from exc
    return frame


def write_results(
    frame: pd.DataFrame,
    folder: PathLike,
    *,
    prefix: str = "part",
    metadata: Mapping[str, Any] | None = None,
) -> Path:
    """Append a tidy results table to a Parquet dataset folder as one new part file.

    The part is written under a hidden ``.partial`` name in the same folder and renamed into place
    when complete, so concurrent writers (several batches into one folder) never collide and
    readers never see a half-written file. Part names are unique (time + random suffix) and sort
    in write order.

    Args:
        frame: The table to store (for example :func:`reciprocal.batch.batch` scores). Columns and
            dtypes are kept (an all-missing ``object`` column is stored as text, so that parts
            unify); the index is not stored.
        folder: The dataset folder; created (mode 0700) when missing.
        prefix: Start of the part file name.
        metadata: Extra JSON-serialisable key/values stored in the part's metadata (e.g. batch
            parameters).

    Returns:
        The path of the new part file.

    Raises:
        SourceError: The folder or file cannot be written.
    """
    out = Path(folder).expanduser()
    try:
        out.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        raise SourceError(f"cannot create the results folder ({exc.strerror or exc})", path=out) from exc
    table = _no_null_columns(pa.Table.from_pandas(frame, preserve_index=False))
    table = _with_metadata(table, table_name="results", version=RESULTS_SCHEMA_VERSION, extra=metadata)
    stamp = _dt.datetime.now(_dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    name = f"{prefix}-{stamp}-{uuid.uuid4().hex[:12]}{_PART_SUFFIX}"
    _atomic_write(table, out, name)
    return out / name


def read_results(folder: PathLike) -> pd.DataFrame:
    """Read every complete part of a results dataset folder into one frame.

    Parts are read in name order (= write order); ``.partial`` files of writers still running are
    ignored.

    Args:
        folder: A folder written by :func:`write_results` (or one part file).

    Returns:
        The concatenated table with a fresh RangeIndex (empty when the folder holds no part).

    Raises:
        SourceError: The folder does not exist.
        FormatError: A part is not Parquet or was written with a newer results schema.
    """
    p = Path(folder).expanduser()
    if not p.exists():
        raise SourceError("no such results folder", path=p)
    parts = [p] if p.is_file() else sorted(p.glob(f"*{_PART_SUFFIX}"))
    frames = []
    for part in parts:
        table = _read_table(part)
        meta = _decode_metadata(table.schema.metadata)
        _check_kind(meta, part, expected="results", max_version=RESULTS_SCHEMA_VERSION)
        frames.append(table.to_pandas())
    if not frames:
        return pd.DataFrame()
    non_empty = [f for f in frames if len(f)] or frames[:1]
    return pd.concat(non_empty, ignore_index=True)


def file_metadata(path: PathLike) -> dict[str, Any]:
    """Return the reciprocal metadata of a Parquet file (table, schema_version, version, extras).

    Args:
        path: A file written by :func:`write_messages` or :func:`write_results`.

    Raises:
        SourceError: The file does not exist or cannot be read.
        FormatError: The file is not Parquet.
    """
    p = Path(path).expanduser()
    try:
        meta = pq.read_schema(p).metadata
    except FileNotFoundError as exc:
        raise SourceError("no such file", path=p) from exc
    except (pa.ArrowInvalid, OSError) as exc:
        raise FormatError(f"not a Parquet file ({exc})", path=p) from exc
    return _decode_metadata(meta)


# -- internals ---------------------------------------------------------------------------------


def _with_metadata(
    table: pa.Table, *, table_name: str, version: int, extra: Mapping[str, Any] | None
) -> pa.Table:
    meta = dict(table.schema.metadata or {})  # keep pandas' own metadata: it restores dtypes
    meta[_KEY_TABLE] = table_name.encode()
    meta[_KEY_SCHEMA] = str(version).encode()
    meta[_KEY_VERSION] = __version__.encode()
    if extra:
        meta[_KEY_EXTRA] = json.dumps(dict(extra), sort_keys=True, default=str).encode()
    return table.replace_schema_metadata(meta)


def _no_null_columns(table: pa.Table) -> pa.Table:
    # An all-missing object column (e.g. ``note`` in a part where nothing needed a note) would be
    # stored with Arrow type ``null``; readers of the whole folder then fail to unify it with the
    # string column of other parts (DuckDB reads the first file's schema). Store it as text.
    for i, f in enumerate(table.schema):
        if pa.types.is_null(f.type):
            table = table.set_column(
                i, pa.field(f.name, pa.large_string()), table.column(i).cast(pa.large_string())
            )
    return table


def _decode_metadata(meta: Mapping[bytes, bytes] | None) -> dict[str, Any]:
    meta = meta or {}
    out: dict[str, Any] = {}
    if _KEY_TABLE in meta:
        out["table"] = meta[_KEY_TABLE].decode()
    if _KEY_SCHEMA in meta:
        try:
            out["schema_version"] = int(meta[_KEY_SCHEMA].decode())
        except ValueError:
            out["schema_version"] = meta[_KEY_SCHEMA].decode()
    if _KEY_VERSION in meta:
        out["version"] = meta[_KEY_VERSION].decode()
    if _KEY_EXTRA in meta:
        # A damaged extras blob must not make the data unreadable.
        with contextlib.suppress(ValueError):
            out.update(json.loads(meta[_KEY_EXTRA].decode()))
    return out


def _check_kind(meta: Mapping[str, Any], path: Path, *, expected: str, max_version: int) -> None:
    table = meta.get("table")
    if table is not None and table != expected:
        raise FormatError(f"this file holds a reciprocal {table} table, not {expected}", path=path)
    version = meta.get("schema_version")
    if version is None:
        return
    if not isinstance(version, int) or version > max_version:
        raise FormatError(
            f"written with {expected} schema version {version} (reciprocal {meta.get('version', '?')}); "
            f"this reciprocal ({__version__}) reads up to version {max_version}: upgrade reciprocal",
            path=path,
        )


def _read_table(path: Path) -> pa.Table:
    if not path.exists():
        raise SourceError("no such file", path=path)
    try:
        return pq.read_table(path)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
        raise FormatError(f"not a readable Parquet file ({exc})", path=path) from exc
    except OSError as exc:
        raise SourceError(f"cannot be read ({exc})", path=path) from exc


def _coerce_messages(frame: pd.DataFrame, path: Path) -> pd.DataFrame:
    """Bring columns to the contract's dtypes (files written by other tools may lack pandas metadata)."""
    fixes: dict[str, Any] = {}
    for col, dtype in schema.DTYPES.items():
        if frame[col].dtype == dtype:
            continue
        try:
            fixes[col] = frame[col].astype(dtype)
        except (TypeError, ValueError) as exc:
            raise SchemaError([f"column {col!r} cannot be read as {dtype}: {exc}"], what=str(path)) from exc
    ts = frame[schema.TIMESTAMP]
    if not isinstance(ts.dtype, pd.DatetimeTZDtype):
        what = f"message frame read from {path}"
        raise SchemaError(["column 'timestamp' is not time-zone aware"], what=what)
    if ts.dtype.unit != "us":
        fixes[schema.TIMESTAMP] = ts.dt.as_unit("us")
    return frame.assign(**fixes) if fixes else frame


def _atomic_write(table: pa.Table, folder: Path, name: str) -> None:
    """Write ``table`` to ``folder/name`` via a private temporary file and an atomic rename."""
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=_PARTIAL_SUFFIX, dir=folder)
    except OSError as exc:
        raise SourceError(f"cannot write in this folder ({exc.strerror or exc})", path=folder) from exc
    try:
        with os.fdopen(fd, "wb") as fh:
            pq.write_table(table, fh, compression=_COMPRESSION)
        os.replace(tmp, folder / name)
    except BaseException as exc:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise SourceError(f"cannot be written ({exc.strerror or exc})", path=folder / name) from exc
        raise
