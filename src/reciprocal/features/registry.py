"""Registry of per-message features and the runner that applies them to a message frame.

A feature is a function ``fn(frame) -> DataFrame`` returning new columns (same index as ``frame``). It
declares the columns it ``reads`` and ``writes``; the runner checks both, orders features so every
column is written before it is read, and never mutates the caller's frame::

    @register_feature("shouting", reads=("text",), writes=("shouting",))
    def _shouting(frame):
        return pd.DataFrame({"shouting": frame["text"].str.isupper()}, index=frame.index)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import pandas as pd

from ..errors import ConfigError

__all__ = ["Feature", "features", "register_feature", "run_features"]

FeatureFn = Callable[[pd.DataFrame], pd.DataFrame]


@dataclass(frozen=True)
class Feature:
    """A registered per-message feature."""

    name: str
    fn: FeatureFn
    reads: tuple[str, ...]
    writes: tuple[str, ...]


_FEATURES: dict[str, Feature] = {}


def register_feature(
    name: str, *, reads: Iterable[str], writes: Iterable[str], replace: bool = False
) -> Callable[[FeatureFn], FeatureFn]:
    """Decorator registering a per-message feature.

    Args:
        name: Unique feature name.
        reads: Columns the function needs.
        writes: Columns it returns.
        replace: Allow replacing a feature of the same name.

    Raises:
        ConfigError: The name is taken (and ``replace`` is False).
    """

    def deco(fn: FeatureFn) -> FeatureFn:
        if name in _FEATURES and not replace:
            raise ConfigError(f"feature {name!r} is already registered (pass replace=True to override)")
        _FEATURES[name] = Feature(name, fn, tuple(reads), tuple(writes))
        return fn

    return deco


def features() -> list[Feature]:
    """Return the registered features in registration order."""
    return list(_FEATURES.values())


def _order(selected: list[Feature], available: set[str]) -> list[Feature]:
    done: list[Feature] = []
    have = set(available)
    pending = list(selected)
    while pending:
        ready = [f for f in pending if set(f.reads) <= have]
        if not ready:
            missing = {f.name: sorted(set(f.reads) - have) for f in pending}
            raise ConfigError(f"features cannot run, columns missing: {missing}")
        for f in ready:
            done.append(f)
            have |= set(f.writes)
            pending.remove(f)
    return done


def run_features(frame: pd.DataFrame, names: Sequence[str] | None = None) -> pd.DataFrame:
    """Apply registered features to ``frame`` and return a new frame with their columns appended.

    Args:
        frame: A message frame (not modified).
        names: Features to run (default: all registered), in any order.

    Returns:
        ``frame``'s columns followed by every written column.

    Raises:
        ConfigError: An unknown feature name (the message lists the known ones), a column a feature
            needs is missing, or a feature did not return what it declared.
    """
    if names is None:
        selected = features()
    else:
        unknown = [n for n in names if n not in _FEATURES]
        if unknown:
            raise ConfigError(f"unknown feature(s) {unknown}; known: {sorted(_FEATURES)}")
        selected = [_FEATURES[n] for n in names]
    out = frame.copy()
    for feat in _order(selected, set(frame.columns)):
        cols = feat.fn(out)
        missing = [c for c in feat.writes if c not in cols]
        if missing:
            raise ConfigError(f"feature {feat.name!r} did not return columns {missing}")
        for c in feat.writes:
            out[c] = (
                cols[c].to_numpy() if not isinstance(cols[c].dtype, pd.CategoricalDtype) else cols[c].values
            )
    return out
