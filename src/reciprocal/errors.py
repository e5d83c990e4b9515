"""One exception tree for everything reciprocal raises on purpose.

Every error says what went wrong, where (file, and line or record when known) and how to fix it.
Catch :class:`ReciprocalError` to handle all of them. Recoverable data problems are warnings
(:class:`ParseWarning`), never prints.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = [
    "AnalysisError",
    "ConfigError",
    "FormatError",
    "InputLimitError",
    "ParseError",
    "ParseWarning",
    "ReciprocalError",
    "ReciprocalWarning",
    "SchemaError",
    "SourceError",
]


class ReciprocalError(Exception):
    """Base class of every error reciprocal raises on purpose.

    Args:
        message: What went wrong and how to fix it. Never chat text.
        path: The file (or zip member, ``archive.zip:_chat.txt``) the problem is in.
        line: 1-based line (or record) number inside ``path``.
    """

    def __init__(self, message: str, *, path: object = None, line: int | None = None) -> None:
        self.message = message
        self.path = None if path is None else str(path)
        self.line = line
        super().__init__(self._render())

    def _render(self) -> str:
        where = ""
        if self.path is not None:
            where = self.path if self.line is None else f"{self.path}:{self.line}"
        elif self.line is not None:
            where = f"line {self.line}"
        return f"{where}: {self.message}" if where else self.message

    def __reduce__(self) -> tuple[object, ...]:
        # Keep keyword-only fields when errors cross process boundaries (batch workers).
        return (_rebuild, (type(self), self.message, self.path, self.line, self.__dict__))


def _rebuild(
    cls: type[ReciprocalError], message: str, path: str | None, line: int | None, state: dict[str, object]
) -> ReciprocalError:
    obj = cls.__new__(cls)
    obj.__dict__.update(state)
    Exception.__init__(obj, obj._render())
    return obj


class FormatError(ReciprocalError):
    """The input is not a chat export of any known (or the requested) format."""


class SourceError(ReciprocalError, OSError):
    """The input cannot be opened: it does not exist, is unreadable, or is not a file or folder."""


class ParseError(ReciprocalError):
    """The input is in a known format but a record cannot be read (raised with ``errors="raise"``)."""


class InputLimitError(ReciprocalError):
    """The input exceeds a safety limit (zip bomb, too many members, entity expansion, size)."""


class SchemaError(ReciprocalError, ValueError):
    """A frame breaks the message-frame contract; ``problems`` lists every violation found."""

    def __init__(self, problems: Sequence[str], *, what: str = "message frame") -> None:
        self.problems = list(problems)
        self.what = what
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"{len(self.problems)} problem(s) in the {what}:\n{lines}")


class ConfigError(ReciprocalError, ValueError):
    """An argument or option has a value reciprocal cannot use (the message lists valid values)."""


class AnalysisError(ReciprocalError):
    """The analysis cannot run on this data (for example no messages with a sender)."""


class ReciprocalWarning(UserWarning):
    """Base class of reciprocal's warnings."""


class ParseWarning(ReciprocalWarning):
    """Some records of an export were skipped, repaired or decoded with replacement characters."""
