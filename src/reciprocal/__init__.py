"""reciprocal: is this relationship two-way? Reciprocity metrics with intervals from exported chats."""

from __future__ import annotations

from . import accessor as _accessor  # noqa: F401  (registers DataFrame.recip)
from ._version import __version__
from .analysis import analyze
from .errors import (
    ConfigError,
    FormatError,
    InputLimitError,
    ParseError,
    ParseWarning,
    ReciprocalError,
    SchemaError,
)
from .report import Report
from .schema import validate_messages
from .structure import conversations, responses, turns

__all__ = [
    "ConfigError",
    "FormatError",
    "InputLimitError",
    "ParseError",
    "ParseWarning",
    "ReciprocalError",
    "Report",
    "SchemaError",
    "__version__",
    "analyze",
    "conversations",
    "responses",
    "turns",
    "validate_messages",
]
