"""reciprocal: is this relationship two-way? Reciprocity metrics with intervals from exported chats.

Example:
    >>> import reciprocal as rc
    >>> messages = rc.read_chat(rc.sample_path(), tz="Europe/London")
    >>> sorted(messages["kind"].unique())[:2]
    ['deleted', 'media']
"""

from __future__ import annotations

from . import accessor as _accessor  # noqa: F401  (registers DataFrame.recip)
from ._version import __version__
from .analysis import analyze
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
from .merge import MergeReport, merge_chats
from .report import Report
from .samples import sample_path
from .schema import validate_messages
from .structure import conversations, responses, turns

__all__ = [
    "AnalysisError",
    "ConfigError",
    "FormatError",
    "InputLimitError",
    "MergeReport",
    "ParseError",
    "ParseReport",
    "ParseWarning",
    "ReciprocalError",
    "ReciprocalWarning",
    "Report",
    "SchemaError",
    "SourceError",
    "__version__",
    "analyze",
    "available_formats",
    "conversations",
    "merge_chats",
    "read_chat",
    "responses",
    "sample_path",
    "turns",
    "validate_messages",
]
