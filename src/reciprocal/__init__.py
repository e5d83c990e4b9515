"""reciprocal: is this relationship two-way? Reciprocity metrics with intervals from exported chats."""

from __future__ import annotations

from ._version import __version__
from .errors import (
    ConfigError,
    FormatError,
    InputLimitError,
    ParseError,
    ParseWarning,
    ReciprocalError,
    SchemaError,
)
from .schema import validate_messages

__all__ = [
    "ConfigError",
    "FormatError",
    "InputLimitError",
    "ParseError",
    "ParseWarning",
    "ReciprocalError",
    "SchemaError",
    "__version__",
    "validate_messages",
]
