"""The importer registry: registration by decorator, lookup, and content sniffing."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ..errors import ConfigError
from ._source import ReadContext, Source

__all__ = [
    "ImporterSpec",
    "available_formats",
    "get_importer",
    "importers",
    "register_importer",
    "sniff_scores",
]

ReadFn = Callable[[Source, ReadContext], pd.DataFrame]
SniffFn = Callable[[Source], float]
SelectFn = Callable[[Sequence[Source]], Sequence[Source]]

#: A sniffer score at or above this means "this is my format".
ACCEPT = 0.5


@dataclass
class ImporterSpec:
    """A registered importer.

    Attributes:
        name: The ``format=`` name.
        read: ``(source, ctx) -> message frame`` (any order; ``read_chat`` sorts).
        suffixes: File suffixes worth sniffing inside folders and archives.
        description: One line for ``available_formats()`` and the CLI.
        sniff: ``source -> score`` in [0, 1] from the content (and name).
        select: Optional hook: given the sources of one folder or archive sniffed as this format,
            return those to read (to drop redundant files such as a second rendering of one chat).
        example: A small synthetic sample of the format, used by the conformance suite.
        example_name: File name for the example (some sniffers look at names).
    """

    name: str
    read: ReadFn
    suffixes: tuple[str, ...]
    description: str
    sniff: SniffFn | None = None
    select: SelectFn | None = None
    example: bytes | None = None
    example_name: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def sniffer(self, fn: SniffFn) -> SniffFn:
        """Decorator form: ``@read_x.spec.sniffer`` registers the content sniffer."""
        self.sniff = fn
        return fn

    def selector(self, fn: SelectFn) -> SelectFn:
        """Decorator form of ``select``."""
        self.select = fn
        return fn

    def score(self, source: Source) -> float:
        """Return the sniffer's score for ``source`` (0.0 when it has no sniffer or fails)."""
        if self.sniff is None:
            return 0.0
        try:
            return float(self.sniff(source))
        except Exception:  # a sniffer looking at foreign bytes must never break dispatch
            return 0.0


_REGISTRY: dict[str, ImporterSpec] = {}
_LOADED = False


def register_importer(
    name: str,
    *,
    suffixes: Sequence[str],
    description: str,
    sniff: SniffFn | None = None,
    select: SelectFn | None = None,
    example: str | bytes | None = None,
    example_name: str | None = None,
) -> Callable[[ReadFn], ReadFn]:
    """Register an importer under ``name`` (a duplicate name is an error).

    The decorated function keeps working as a plain function; its spec is available as
    ``fn.spec`` and the sniffer can be attached later with ``@fn.sniffer``.

    Example:
        >>> from reciprocal.importers import register_importer
        >>> @register_importer("demo", suffixes=(".demo",), description="demo format")
        ... def read_demo(source, ctx): ...
        >>> from reciprocal.importers import unregister_importer
        >>> unregister_importer("demo")
    """
    if not name or not name.replace("_", "").isalnum() or name != name.lower():
        raise ConfigError(f"importer name {name!r} must be lower-case letters, digits or '_'")

    def decorate(fn: ReadFn) -> ReadFn:
        if name in _REGISTRY:
            raise ConfigError(f"an importer named {name!r} is already registered")
        ex = example.encode("utf-8") if isinstance(example, str) else example
        spec = ImporterSpec(
            name=name,
            read=fn,
            suffixes=tuple(s.lower() for s in suffixes),
            description=description,
            sniff=sniff,
            select=select,
            example=ex,
            example_name=example_name,
        )
        _REGISTRY[name] = spec
        fn.spec = spec  # type: ignore[attr-defined]
        fn.sniffer = spec.sniffer  # type: ignore[attr-defined]
        fn.selector = spec.selector  # type: ignore[attr-defined]
        return fn

    return decorate


def unregister_importer(name: str) -> None:
    """Remove an importer (for tests and plugins that replace one)."""
    _REGISTRY.pop(name, None)


def _load() -> None:
    """Import the built-in importer modules and plugins (``reciprocal.importers`` entry points)."""
    global _LOADED
    if _LOADED:
        return
    _LOADED = True
    from . import __path__ as pkg_path

    for mod in sorted(pkgutil.iter_modules(pkg_path), key=lambda m: m.name):
        if not mod.name.startswith("_"):
            importlib.import_module(f"{__package__}.{mod.name}")
    from importlib.metadata import entry_points

    for ep in entry_points(group="reciprocal.importers"):
        ep.load()


def importers() -> dict[str, ImporterSpec]:
    """Return the registered importers by name (built-ins loaded on first use)."""
    _load()
    return dict(_REGISTRY)


def available_formats() -> list[str]:
    """Return the names accepted by ``read_chat(format=...)``, sorted.

    Example:
        >>> import reciprocal as rc
        >>> "whatsapp" in rc.available_formats()
        True
    """
    return sorted(importers())


def get_importer(name: str) -> ImporterSpec:
    """Return the importer registered as ``name``.

    Raises:
        ConfigError: ``name`` is unknown; the message lists the known formats.
    """
    specs = importers()
    if name not in specs:
        raise ConfigError(
            f"unknown format {name!r}; known formats: {', '.join(sorted(specs))} (or 'auto' to detect)"
        )
    return specs[name]


def sniff_scores(source: Source) -> dict[str, float]:
    """Return every importer's score for ``source``, best first."""
    scores = {name: spec.score(source) for name, spec in importers().items()}
    return dict(sorted(scores.items(), key=lambda kv: (-kv[1], kv[0])))


def detect(source: Source) -> str | None:
    """Return the best-scoring format for ``source``, or None when no sniffer accepts it."""
    scores = sniff_scores(source)
    if not scores:
        return None
    best, score = next(iter(scores.items()))
    return best if score >= ACCEPT else None


def all_suffixes() -> frozenset[str]:
    """Suffixes any registered importer reads (used to pick files in folders and archives)."""
    return frozenset(s for spec in importers().values() for s in spec.suffixes)
