"""reciprocal: is this relationship two-way? Reciprocity metrics with intervals from exported chats.

Example:
    >>> import reciprocal as rc
    >>> messages = rc.read_chat(rc.sample_path(), tz="Europe/London")
    >>> sorted(messages["kind"].unique())[:2]
    ['deleted', 'media']
"""

from __future__ import annotations

from ._version import __version__
from .api import read_chat
from .errors import (
    AnalysisError,
    ConfigError,
    FormatError,
    InputLimitError,
    ParseError,
    ParseWarning,
    ReciprocalError,
    ReciprocalWarning,
    SchemaError,
    SourceError,
)
from .importers import ParseReport, available_formats
from .samples import sample_path
from .schema import validate_messages

__all__ = [
    "AnalysisError",
    "ConfigError",
    "FormatError",
    "InputLimitError",
    "ParseError",
    "ParseReport",
    "ParseWarning",
    "ReciprocalError",
    "ReciprocalWarning",
    "SchemaError",
    "SourceError",
    "__version__",
    "available_formats",
    "read_chat",
    "sample_path",
    "validate_messages",
]
