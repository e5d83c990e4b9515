"""reciprocal: is this relationship two-way? Reciprocity metrics with intervals from exported chats.

``import reciprocal`` is light (no pandas): the public names below are imported on first use, so a
CLI ``--help`` or a worker that only needs the error classes starts fast.

Example:
    >>> import reciprocal as rc
    >>> messages = rc.read_chat(rc.sample_path(), tz="Europe/London")
    >>> sorted(messages["kind"].unique())[:2]
    ['deleted', 'media']
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING, Any

from ._version import __version__
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

if TYPE_CHECKING:  # the real names, for type checkers and IDEs
    from .analysis import analyze
    from .api import read_chat
    from .batch import batch
    from .importers import ParseReport, available_formats
    from .io import read_messages, write_messages
    from .merge import MergeReport, merge_chats
    from .privacy import pseudonymise, redact
    from .report import Report
    from .samples import sample_path
    from .schema import validate_messages
    from .structure import conversations, responses, turns

#: Public name → submodule defining it; imported on first attribute access (PEP 562).
_LAZY: dict[str, str] = {
    "analyze": ".analysis",
    "Report": ".report",
    "conversations": ".structure",
    "responses": ".structure",
    "turns": ".structure",
    "read_chat": ".api",
    "batch": ".batch",
    "ParseReport": ".importers",
    "available_formats": ".importers",
    "read_messages": ".io",
    "write_messages": ".io",
    "sample_path": ".samples",
    "merge_chats": ".merge",
    "MergeReport": ".merge",
    "validate_messages": ".schema",
    "pseudonymise": ".privacy",
    "redact": ".privacy",
}
# Modules with import-time side effects the public API relies on (the ``DataFrame.recip``
# accessor); imported with the first lazy name, or right away when pandas is already loaded (then
# they cost next to nothing, and ``frame.recip`` works straight after ``import reciprocal``).
_SIDE_EFFECTS: tuple[str, ...] = (".accessor",)


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    for extra in _SIDE_EFFECTS:
        importlib.import_module(extra, __name__)
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value  # later lookups skip __getattr__
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


class _Package(types.ModuleType):
    """Keeps ``reciprocal.batch`` the function when the ``reciprocal.batch`` module is imported.

    The import system binds a submodule on its package (``setattr(reciprocal, "batch", module)``);
    with eager imports the ``from .batch import batch`` line rebinds it, a lazy package must refuse it.
    """

    def __setattr__(self, name: str, value: Any) -> None:
        if isinstance(value, types.ModuleType) and name in _LAZY and value.__name__ == f"{__name__}.{name}":
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
if "pandas" in sys.modules:
    for _extra in _SIDE_EFFECTS:
        importlib.import_module(_extra, __name__)

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
    "batch",
    "conversations",
    "merge_chats",
    "pseudonymise",
    "read_chat",
    "read_messages",
    "redact",
    "responses",
    "sample_path",
    "turns",
    "validate_messages",
    "write_messages",
]
