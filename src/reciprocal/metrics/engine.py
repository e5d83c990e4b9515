"""Metric engine: count providers, metric specs, per-conversation totals and the cluster bootstrap.

Every metric is computed from per-conversation, per-person totals, so the bootstrap (resampling whole
conversations) is one matrix product: ``weights (B+1 × units) @ totals (units × persons·columns)``. Row 0
of every result holds the point estimate (all weights 1); rows 1..B are bootstrap replicates.

Plugging in a new indicator (what the text-features package does; no change to this module needed)::

    import pandas as pd
    from reciprocal.metrics import AnalysisContext, MetricSpec, register_counts, register_metric

    @register_counts("questions", columns=("questions",), group="text")
    def _question_counts(ctx: AnalysisContext) -> pd.DataFrame:
        # One row per (chat_id, conversation_id, person) that has a non-zero count; absent rows count 0.
        # ctx.messages has conversation_id and turn_id; ctx.turns / ctx.responses / ctx.cache are there too.
        ...
        return frame[["chat_id", "conversation_id", "person", "questions"]]

    register_metric(MetricSpec("question_share", kind="share", columns=("questions",), effort=True,
                               group="text", higher_is="asks more of the questions"))

A spec with ``effort=True`` (kind ``"share"``) joins ``effort_share`` / ``overfunctioning_index`` /
``reciprocity_score`` automatically. Per-event values (latencies, bid latencies) come from
:func:`register_values` providers returning ``chat_id, conversation_id, person, value`` and are summarised by
``quantile`` / ``iqr`` specs.

Spec kinds (``columns`` meaning):

- ``share`` ``(x,)``: person's Σx / Σ over persons of Σx (ratio of sums over the window).
- ``rate`` ``(num, den)``: person's Σnum / Σden.
- ``total`` ``(x,)``: person's Σx.
- ``quantile`` ``(table,)`` with ``q``: quantile (numpy "linear") of the person's values.
- ``iqr`` ``(table,)``: q75 − q25 of the person's values.
- ``custom`` (person level): ``fn(totals) -> array (rows, persons)``; ``columns`` lists what it reads.
- ``dyad`` (pair level, goes to ``Report.dyads``): ``fn(totals, a, b) -> array (rows,)``.

``totals`` is a :class:`Totals`: ``totals["x"]`` → array (rows, persons) of summed counts,
``totals.quantile("table", q)``, ``totals.has("x")``, ``totals.persons``.

Minimum data: a spec is NA with a reason when the chat has fewer than ``min_conversations`` conversations
(default 10) or its ``n`` is below ``min_n``. ``n`` is, by kind: share → Σx over all persons; rate → the
person's Σden; quantile/iqr → the person's number of values; total/custom/dyad → conversations; or the
person's Σ ``n_column`` (the smaller of the pair for dyads) when ``n_column`` is set.

Bootstrap: multinomial weights over conversations (seeded ``numpy.random.Generator`` per chat, derived from
``seed`` and the chat id so a chat's intervals do not depend on the other chats analysed with it); chats with
more than ``max_units`` conversations resample ``max_units`` contiguous blocks of conversations instead (a
block bootstrap, which also respects slow drift). Intervals are 95% percentile intervals of the replicates,
extended to the point estimate in the rare case it falls outside. Shares of integer counts also get a
Jeffreys interval (in the note; it is the interval itself when ``bootstrap=0``).
"""

from __future__ import annotations

import functools
import hashlib
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from ..errors import ConfigError

__all__ = [
    "KEYS",
    "AnalysisContext",
    "MetricSpec",
    "Provider",
    "Totals",
    "collect",
    "evaluate_chat",
    "jeffreys_interval",
    "metric_specs",
    "providers",
    "register_counts",
    "register_metric",
    "register_values",
    "unregister",
]

KEYS = ("chat_id", "conversation_id", "person")
Kind = Literal["share", "rate", "total", "quantile", "iqr", "custom", "dyad"]
_KINDS = ("share", "rate", "total", "quantile", "iqr", "custom", "dyad")
MAX_QUANTILE_GRID = 512
GATHER_LIMIT = 4000  # values per person up to which replicate quantiles are exact (gather, no grid)
DEFAULT_MAX_UNITS = 1000


@dataclass
class AnalysisContext:
    """What count providers receive (all chats of one analyze() call).

    Attributes:
        messages: The message rows plus ``conversation_id`` and ``turn_id`` (-1 for system rows/reactions).
        conversations: One row per conversation (chat_id, conversation_id, start, end, initiator,
            last_sender, n_messages, n_turns, month).
        turns: One row per turn (chat_id, conversation_id, turn_id, sender, start, end, n_messages, n_words).
        responses: One row per response (see :func:`reciprocal.structure.responses`).
        quiet: Quiet hours per chat and person.
        persons: chat_id, person (every sender of a participant message).
        gaps: chat_id → gap dict (seconds, method, detail).
        cache: Scratch space shared between providers of one run (e.g. tagged texts).
        options: Free-form options passed to analyze().
    """

    messages: pd.DataFrame
    conversations: pd.DataFrame
    turns: pd.DataFrame
    responses: pd.DataFrame
    quiet: pd.DataFrame
    persons: pd.DataFrame
    gaps: dict[str, dict[str, Any]] = field(default_factory=dict)
    cache: dict[str, Any] = field(default_factory=dict)
    options: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Provider:
    """A registered count or values provider."""

    name: str
    fn: Callable[[AnalysisContext], pd.DataFrame]
    columns: tuple[str, ...]
    kind: Literal["counts", "values"]
    group: str


@dataclass(frozen=True)
class MetricSpec:
    """Declaration of one metric.

    Attributes:
        name: The metric name exactly as in METRICS.md.
        kind: One of ``share, rate, total, quantile, iqr, custom, dyad`` (see the module docstring).
        columns: Count columns (or the values table) the metric reads.
        fn: The function of ``custom`` and ``dyad`` specs.
        q: Quantile for ``quantile`` specs.
        min_conversations: NA below this many conversations in the chat.
        min_n: NA when ``n`` is below this.
        reason: Why the minimum exists (shown in the note).
        n_column: Count column whose per-person total is ``n`` (instead of the kind's default).
        effort: A ``share`` spec that joins effort_share / reciprocity_score.
        jeffreys: Also give a Jeffreys interval (shares of integer counts).
        groups_only: Only for chats with 3 or more persons.
        timeline: Also computed per month in ``Report.timeline`` (not for quantile kinds).
        group: Feature group (``"timing"``, ``"text"``); ``analyze(features=...)`` selects groups.
        higher_is: Short wording of what a higher value means (for reports).
        description: One-line description.
    """

    name: str
    kind: Kind
    columns: tuple[str, ...] = ()
    fn: Callable[..., np.ndarray] | None = None
    q: float = 0.5
    min_conversations: int = 10
    min_n: int = 1
    reason: str = ""
    n_column: str | None = None
    effort: bool = False
    jeffreys: bool = False
    groups_only: bool = False
    timeline: bool = True
    group: str = "timing"
    higher_is: str = ""
    description: str = ""

    def __post_init__(self) -> None:
        if self.kind not in _KINDS:
            raise ConfigError(f"MetricSpec {self.name!r}: kind={self.kind!r}; valid kinds: {list(_KINDS)}")
        need = {"share": 1, "rate": 2, "total": 1, "quantile": 1, "iqr": 1}
        if self.kind in need and len(self.columns) != need[self.kind]:
            raise ConfigError(
                f"MetricSpec {self.name!r}: kind {self.kind!r} takes {need[self.kind]} column(s), "
                f"got {self.columns!r}"
            )
        if self.kind in ("custom", "dyad") and self.fn is None:
            raise ConfigError(f"MetricSpec {self.name!r}: kind {self.kind!r} needs fn=")
        if self.effort and self.kind != "share":
            raise ConfigError(f"MetricSpec {self.name!r}: effort indicators must be kind 'share'")

    @property
    def level(self) -> str:
        """``"dyad"`` for pair-level specs, else ``"person"``."""
        return "dyad" if self.kind == "dyad" else "person"

    @property
    def values_table(self) -> str | None:
        """The values table a quantile-like spec reads, else None."""
        return self.columns[0] if self.kind in ("quantile", "iqr") else None


_METRICS: dict[str, MetricSpec] = {}
_PROVIDERS: dict[str, Provider] = {}


def register_metric(spec: MetricSpec, *, replace: bool = False) -> MetricSpec:
    """Add a metric spec to the registry.

    Args:
        spec: The spec.
        replace: Allow replacing a spec of the same name.

    Returns:
        ``spec``.

    Raises:
        ConfigError: A spec with this name exists and ``replace`` is False.
    """
    if spec.name in _METRICS and not replace:
        raise ConfigError(f"metric {spec.name!r} is already registered (pass replace=True to override)")
    _METRICS[spec.name] = spec
    return spec


def _register_provider(
    name: str, columns: Iterable[str], kind: Literal["counts", "values"], group: str, replace: bool
) -> Callable[[Callable[[AnalysisContext], pd.DataFrame]], Callable[[AnalysisContext], pd.DataFrame]]:
    def deco(fn: Callable[[AnalysisContext], pd.DataFrame]) -> Callable[[AnalysisContext], pd.DataFrame]:
        if name in _PROVIDERS and not replace:
            raise ConfigError(f"provider {name!r} is already registered (pass replace=True to override)")
        _PROVIDERS[name] = Provider(name, fn, tuple(columns), kind, group)
        return fn

    return deco


def register_counts(
    name: str, *, columns: Iterable[str], group: str = "timing", replace: bool = False
) -> Callable[[Callable[[AnalysisContext], pd.DataFrame]], Callable[[AnalysisContext], pd.DataFrame]]:
    """Decorator registering a count provider ``fn(ctx) -> frame``.

    The frame has ``chat_id, conversation_id, person`` and the declared count columns (non-negative
    numbers; duplicate keys are summed; absent keys count 0).

    Args:
        name: Provider name (unique).
        columns: The count columns it returns.
        group: Feature group (``analyze(features="timing")`` runs only the ``"timing"`` group).
        replace: Allow replacing a provider of the same name.
    """
    return _register_provider(name, columns, "counts", group, replace)


def register_values(
    name: str, *, group: str = "timing", replace: bool = False
) -> Callable[[Callable[[AnalysisContext], pd.DataFrame]], Callable[[AnalysisContext], pd.DataFrame]]:
    """Decorator registering a values provider ``fn(ctx) -> frame`` (chat_id, conversation_id, person, value).

    The table is known by ``name``; ``quantile``/``iqr`` specs name it in ``columns``.
    """
    return _register_provider(name, (name,), "values", group, replace)


def unregister(name: str) -> None:
    """Remove a metric spec or provider by name (for tests and plugins); unknown names are ignored."""
    _METRICS.pop(name, None)
    _PROVIDERS.pop(name, None)


def metric_specs() -> list[MetricSpec]:
    """Return the registered metric specs in registration order."""
    return list(_METRICS.values())


def providers() -> list[Provider]:
    """Return the registered providers in registration order."""
    return list(_PROVIDERS.values())


# ----------------------------------------------------------------------------------------- collect


def collect(
    ctx: AnalysisContext, groups: Iterable[str] | None = None
) -> tuple[pd.DataFrame, dict[str, pd.DataFrame]]:
    """Run the providers of the selected groups.

    Args:
        ctx: The analysis context.
        groups: Feature groups to run (None = all).

    Returns:
        ``(counts, values)``: one long counts table keyed by ``KEYS`` (summed, missing → 0) and a dict
        values-table name → frame (chat_id, conversation_id, person, value).
    """
    wanted = None if groups is None else set(groups)
    parts: list[pd.DataFrame] = []
    values: dict[str, pd.DataFrame] = {}
    for prov in _PROVIDERS.values():
        if wanted is not None and prov.group not in wanted:
            continue
        out = prov.fn(ctx)
        missing = [
            c for c in (*KEYS, *(("value",) if prov.kind == "values" else prov.columns)) if c not in out
        ]
        if missing:
            raise ConfigError(f"provider {prov.name!r} did not return columns {missing}")
        if prov.kind == "values":
            values[prov.name] = out[[*KEYS, "value"]]
        else:
            part = out[[*KEYS, *prov.columns]].copy()
            part["person"] = part["person"].astype("string[pyarrow]")
            part["chat_id"] = part["chat_id"].astype("string[pyarrow]")
            parts.append(part.set_index(list(KEYS)))
    if not parts:
        return pd.DataFrame(columns=list(KEYS)), values
    counts = pd.concat(parts, axis=0).groupby(level=list(KEYS), sort=True).sum(min_count=0).fillna(0)
    return counts.reset_index(), values


# ------------------------------------------------------------------------------------------ totals


class Totals:
    """Summed totals for every replicate row (row 0 = point estimate) and person of one chat."""

    def __init__(
        self,
        persons: tuple[str, ...],
        columns: dict[str, int],
        sums: np.ndarray,
        quantile_fn: Callable[[str, float], np.ndarray] | None,
        tables: Iterable[str] = (),
    ) -> None:
        self._tables = set(tables)
        self.persons = persons
        self._columns = columns
        self._sums = sums  # (rows, persons, columns)
        self._quantile_fn = quantile_fn

    @property
    def rows(self) -> int:
        """Number of replicate rows (1 + bootstrap)."""
        return int(self._sums.shape[0])

    def has(self, column: str) -> bool:
        """Whether a count column (or values table) is available in this run."""
        return column in self._columns or column in self._tables

    def __getitem__(self, column: str) -> np.ndarray:
        if column not in self._columns:
            raise KeyError(column)
        return self._sums[:, :, self._columns[column]]

    def quantile(self, table: str, q: float) -> np.ndarray:
        """Quantile ``q`` of each person's values of ``table`` per row (rows, persons); NaN when empty."""
        if self._quantile_fn is None:
            raise KeyError(table)
        return self._quantile_fn(table, q)


def _share(x: np.ndarray) -> np.ndarray:
    tot = x.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(tot > 0, x / np.where(tot > 0, tot, 1), np.nan)


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1), np.nan)


def spec_available(spec: MetricSpec, columns: Iterable[str], tables: Iterable[str]) -> bool:
    """Whether every column / values table a spec reads exists in this run."""
    cols, tabs = set(columns), set(tables)
    if spec.values_table is not None:
        return spec.values_table in tabs
    return all(c in cols or c in tabs for c in spec.columns)


def person_values(spec: MetricSpec, t: Totals) -> np.ndarray:
    """Evaluate a person-level spec on totals; returns (rows, persons)."""
    if spec.kind == "share":
        return _share(t[spec.columns[0]])
    if spec.kind == "rate":
        return _ratio(t[spec.columns[0]], t[spec.columns[1]])
    if spec.kind == "total":
        return t[spec.columns[0]].astype(float)
    if spec.kind == "quantile":
        return t.quantile(spec.columns[0], spec.q)
    if spec.kind == "iqr":
        return t.quantile(spec.columns[0], 0.75) - t.quantile(spec.columns[0], 0.25)
    assert spec.fn is not None
    return np.asarray(spec.fn(t), dtype=float)


# ---------------------------------------------------------------------------------------- bootstrap


def chat_rng(seed: int, chat_id: str) -> np.random.Generator:
    """A generator that depends only on ``seed`` and the chat id (stable across runs and batches)."""
    digest = hashlib.blake2b(str(chat_id).encode("utf-8"), digest_size=8).digest()
    return np.random.default_rng([int(seed), int.from_bytes(digest, "little")])


def _unit_index(n_conv: int, max_units: int) -> np.ndarray:
    """Bootstrap unit of each conversation: itself, or one of ``max_units`` contiguous blocks."""
    if n_conv <= max_units:
        return np.arange(n_conv)
    return (np.arange(n_conv) * max_units) // n_conv


def _weights(n_units: int, bootstrap: int, rng: np.random.Generator) -> np.ndarray:
    point = np.ones((1, n_units))
    if bootstrap <= 0 or n_units == 0:
        return point
    # Multinomial resampling: each replicate draws n_units units with replacement and counts them.
    itype = np.int64 if bootstrap * n_units >= 2**31 else np.int32
    picks: np.ndarray = rng.integers(0, n_units, size=(bootstrap, n_units), dtype=itype)
    offsets: np.ndarray = np.arange(0, bootstrap * n_units, n_units, dtype=itype)
    picks += offsets[:, None]  # row r counts into slots r*n .. r*n+n-1
    draws = np.bincount(picks.ravel(), minlength=bootstrap * n_units).reshape(bootstrap, n_units)
    return np.vstack([point, draws.astype(float)])


@functools.lru_cache(maxsize=4096)
def jeffreys_interval(x: float, n: float, level: float = 0.95) -> tuple[float, float]:
    """Jeffreys interval for a binomial proportion: quantiles of Beta(x + ½, n − x + ½).

    Computed by integrating the density over θ with x = sin²θ (bounded integrand); a normal
    approximation is used once ``n`` exceeds 20,000.
    """
    if n <= 0:
        return (math.nan, math.nan)
    a, b = x + 0.5, n - x + 0.5
    lo_p, hi_p = (1 - level) / 2, 1 - (1 - level) / 2
    if n > 20000:
        mean = a / (a + b)
        sd = math.sqrt(a * b / ((a + b) ** 2 * (a + b + 1)))
        return (max(0.0, mean - 1.959963984540054 * sd), min(1.0, mean + 1.959963984540054 * sd))
    theta = np.linspace(0.0, math.pi / 2, 8001)
    with np.errstate(divide="ignore", invalid="ignore"):
        # A zero exponent (a or b = ½) contributes sin⁰ = 1 even at the end point, not 0·log 0.
        la = np.where(a == 0.5, 0.0, (2 * a - 1) * np.log(np.sin(theta)))
        lb = np.where(b == 0.5, 0.0, (2 * b - 1) * np.log(np.cos(theta)))
        logf = la + lb
    logf = np.where(np.isfinite(logf), logf, -np.inf)
    f = np.exp(logf - logf.max())
    cdf = np.concatenate([[0.0], np.cumsum((f[1:] + f[:-1]) / 2)])
    cdf /= cdf[-1]
    xs = np.sin(theta) ** 2
    return (float(np.interp(lo_p, cdf, xs)), float(np.interp(hi_p, cdf, xs)))


class _Quantiles:
    """Weighted quantiles of per-person values for every replicate row (cached per table and q)."""

    def __init__(
        self,
        tables: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]],
        n_persons: int,
        weights: np.ndarray,
        unit: np.ndarray,
    ) -> None:
        self._tables = tables  # name -> (conv index, person index, value)
        self._p = n_persons
        self._w = weights.astype(np.float32)
        self._unit = unit
        self._n_units = weights.shape[1]
        self._cum: dict[tuple[str, int], tuple[np.ndarray, np.ndarray, np.ndarray] | None] = {}
        self._memo: dict[tuple[str, float], np.ndarray] = {}

    def counts(self, table: str) -> np.ndarray:
        person = self._tables[table][1]
        return np.bincount(person, minlength=self._p)

    def _cumulative(self, table: str, p: int) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
        if (table, p) not in self._cum:
            self._build()
        return self._cum.get((table, p))

    def _build(self) -> None:
        """Cumulative replicate weights for every (table, person) at once.

        Small samples (≤ GATHER_LIMIT values) are exact: values sorted once, each replicate's cumulative
        weights along them are a gather of its unit weights. Larger ones use per-unit histograms over the
        distinct values (at most MAX_QUANTILE_GRID grid points), all multiplied by the weights in ONE
        matrix product (one BLAS call instead of one per table and person).
        """
        hist_keys: list[tuple[tuple[str, int], np.ndarray, np.ndarray]] = []
        hists: list[np.ndarray] = []
        for table, (conv, person, value) in self._tables.items():
            for p in range(self._p):
                key = (table, p)
                if key in self._cum:
                    continue
                sel = person == p
                v = value[sel]
                if len(v) == 0:
                    self._cum[key] = None
                    continue
                u = self._unit[conv[sel]]
                if len(v) <= GATHER_LIMIT:
                    order = np.argsort(v, kind="stable")
                    cum = np.cumsum(self._w[:, u[order]], axis=1)
                    self._cum[key] = (v[order], cum, v[order])
                    continue
                grid = np.unique(v)
                if len(grid) > MAX_QUANTILE_GRID:
                    # Coarsen only the replicates: each value is represented by the grid point at or below it.
                    grid = np.unique(np.quantile(v, np.linspace(0, 1, MAX_QUANTILE_GRID)))
                g = np.clip(np.searchsorted(grid, v, side="right") - 1, 0, len(grid) - 1)
                flat = np.bincount(u * len(grid) + g, minlength=self._n_units * len(grid))
                hists.append(flat.reshape(self._n_units, len(grid)).astype(np.float32))
                hist_keys.append((key, grid, np.sort(v)))
        if not hists:
            return
        product = self._w @ np.hstack(hists)
        start = 0
        for (key, grid, exact), h in zip(hist_keys, hists, strict=True):
            stop = start + h.shape[1]
            self._cum[key] = (grid, np.cumsum(product[:, start:stop], axis=1), exact)
            start = stop

    def __call__(self, table: str, q: float) -> np.ndarray:
        memo = (table, q)
        if memo in self._memo:
            return self._memo[memo]
        rows = self._w.shape[0]
        out = np.full((rows, self._p), np.nan)
        for p in range(self._p):
            got = self._cumulative(table, p)
            if got is None:
                continue
            grid, cum, exact = got
            total = cum[:, -1]
            h = (total - 1) * q
            lo = np.floor(h)
            hi = np.ceil(h)
            i_lo = np.argmax(cum > lo[:, None], axis=1)
            i_hi = np.argmax(cum > hi[:, None], axis=1)
            val = grid[i_lo] + (h - lo) * (grid[i_hi] - grid[i_lo])
            val = np.where(total > 0, val, np.nan)
            val[0] = float(np.quantile(exact, q))  # the point estimate is always exact
            out[:, p] = val
        self._memo[memo] = out
        return out


# ------------------------------------------------------------------------------------------ evaluate


@dataclass
class ChatResult:
    """Per-chat engine output (tidy rows plus the replicate arrays headline code needs)."""

    scores: list[dict[str, Any]]
    dyads: list[dict[str, Any]]
    values: dict[str, np.ndarray]  # person-level spec name -> (rows, persons)
    persons: tuple[str, ...]
    n_conversations: int
    units: int
    unit_size: float
    per_conv: np.ndarray | None = None  # (conversations, persons, columns) point totals
    col_index: dict[str, int] = field(default_factory=dict)


def _interval(rep: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """95% percentile interval over replicate rows 1..B of a (rows, k) array, extended to row 0."""
    point = rep[0]
    if rep.shape[0] < 2:
        nan = np.full(point.shape, np.nan)
        return nan, nan
    boot = rep[1:]
    finite = np.isfinite(boot)
    lo = np.full(point.shape, np.nan)
    hi = np.full(point.shape, np.nan)
    full = finite.all(axis=0)
    if full.any():  # the common case: plain percentiles, vectorised over columns
        pct = np.percentile(boot[:, full], [2.5, 97.5], axis=0)
        lo[full], hi[full] = pct[0], pct[1]
    some = finite.any(axis=0) & ~full
    if some.any():
        pct = np.nanpercentile(boot[:, some], [2.5, 97.5], axis=0)
        lo[some], hi[some] = pct[0], pct[1]
    fin = np.isfinite(point) & np.isfinite(lo)
    lo = np.where(fin, np.minimum(lo, point), lo)
    hi = np.where(fin, np.maximum(hi, point), hi)
    return lo, hi


def build_totals(
    counts: pd.DataFrame,
    persons: tuple[str, ...],
    n_conv: int,
    columns: list[str],
) -> np.ndarray:
    """Dense per-conversation totals array (conversations, persons, columns) of one chat's counts rows."""
    out = np.zeros((n_conv, len(persons), len(columns)))
    if len(counts) and columns:
        pidx = pd.Index(persons).get_indexer(pd.Index(counts["person"].astype(object)))
        conv = counts["conversation_id"].to_numpy(dtype=np.int64)
        ok = (pidx >= 0) & (conv >= 0) & (conv < n_conv)
        out[conv[ok], pidx[ok], :] = counts[columns].to_numpy(dtype=float)[ok]
    return out


def evaluate_chat(
    chat_id: str,
    persons: tuple[str, ...],
    n_conv: int,
    counts: pd.DataFrame,
    values: dict[str, pd.DataFrame],
    specs: list[MetricSpec],
    *,
    bootstrap: int,
    rng: np.random.Generator,
    max_units: int = DEFAULT_MAX_UNITS,
) -> ChatResult:
    """Evaluate every spec for one chat: point estimates, bootstrap intervals, n and NA notes.

    Args:
        chat_id: The chat.
        persons: The chat's persons (fixes the person axis order).
        n_conv: Number of conversations in the chat.
        counts: This chat's rows of the long counts table.
        values: This chat's rows of each values table.
        specs: Specs to evaluate (already filtered to those available).
        bootstrap: Number of bootstrap replicates (0 = no bootstrap intervals).
        rng: Generator for the weights.
        max_units: Most resampling units (larger chats resample contiguous blocks of conversations).

    Returns:
        A :class:`ChatResult`.
    """
    columns = [c for c in counts.columns if c not in KEYS]
    col_index = {c: i for i, c in enumerate(columns)}
    per_conv = build_totals(counts, persons, n_conv, columns)
    unit = _unit_index(n_conv, max_units)
    n_units = int(unit[-1]) + 1 if n_conv else 0
    if n_conv and n_units < n_conv:
        starts = np.flatnonzero(np.r_[True, unit[1:] != unit[:-1]])
        per_unit = np.add.reduceat(per_conv, starts, axis=0)
    else:
        per_unit = per_conv
    w = _weights(max(n_units, 1), bootstrap, rng) if n_units else np.ones((1, 0))
    rows = w.shape[0]
    P, C = len(persons), len(columns)
    sums = (w @ per_unit.reshape(n_units, P * C)).reshape(rows, P, C) if n_units else np.zeros((1, P, C))

    tables: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
    for name, frame in values.items():
        pidx = pd.Index(persons).get_indexer(pd.Index(frame["person"].astype(object)))
        conv = frame["conversation_id"].to_numpy(dtype=np.int64)
        val = frame["value"].to_numpy(dtype=float)
        ok = (pidx >= 0) & (conv >= 0) & (conv < n_conv) & np.isfinite(val)
        tables[name] = (conv[ok], pidx[ok], val[ok])
    quant = _Quantiles(tables, P, w, unit) if n_units else None
    totals = Totals(persons, col_index, sums, quant, tables)

    computed: dict[str, np.ndarray] = {}
    point_tot = sums[0]
    # Pass 1: replicate values of every spec; pass 2: all intervals in one vectorised percentile call.
    person_reps: list[tuple[MetricSpec, np.ndarray]] = []
    dyad_reps: list[tuple[MetricSpec, int, int, np.ndarray]] = []
    for spec in specs:
        if spec.groups_only and P < 3:
            continue
        if spec.level == "person":
            rep = person_values(spec, totals) if n_units else np.full((1, P), np.nan)
            computed[spec.name] = rep
            person_reps.append((spec, rep))
        else:
            assert spec.fn is not None
            for a in range(P):
                for b in range(a + 1, P):
                    rep = np.asarray(spec.fn(totals, a, b), dtype=float).reshape(rows)
                    dyad_reps.append((spec, a, b, rep))
    blocks = [r for _, r in person_reps] + [r[:, None] for *_, r in dyad_reps]
    lo_all, hi_all = _interval(np.hstack(blocks)) if blocks else (np.zeros(0), np.zeros(0))

    scores: list[dict[str, Any]] = []
    col = 0
    for spec, rep in person_reps:
        n = person_n(spec, point_tot, col_index, quant, n_conv, P)
        for i, person in enumerate(persons):
            value, note = _apply_minimum(spec, float(rep[0, i]), int(n[i]), n_conv)
            ok = np.isfinite(value)
            row_lo, row_hi = (lo_all[col + i], hi_all[col + i]) if ok else (np.nan, np.nan)
            if spec.jeffreys and ok:
                j = col_index[spec.columns[0]]
                j_lo, j_hi = jeffreys_interval(float(point_tot[i, j]), float(point_tot[:, j].sum()))
                note = f"Jeffreys 95% [{j_lo:.3f}, {j_hi:.3f}]"
                if rows < 2:
                    row_lo, row_hi = j_lo, j_hi
            scores.append(
                {
                    "chat_id": chat_id,
                    "person": person,
                    "metric": spec.name,
                    "value": value,
                    "ci_low": float(row_lo),
                    "ci_high": float(row_hi),
                    "n": int(n[i]),
                    "note": note,
                }
            )
        col += P
    dyads: list[dict[str, Any]] = []
    for spec, a, b, rep in dyad_reps:
        if spec.n_column is not None and spec.n_column in col_index:
            j = col_index[spec.n_column]
            nn = int(min(point_tot[a, j], point_tot[b, j]))
        else:
            nn = n_conv
        value, note = _apply_minimum(spec, float(rep[0]), nn, n_conv)
        ok = np.isfinite(value)
        dyads.append(
            {
                "chat_id": chat_id,
                "person_a": persons[a],
                "person_b": persons[b],
                "metric": spec.name,
                "value": value,
                "ci_low": float(lo_all[col]) if ok else np.nan,
                "ci_high": float(hi_all[col]) if ok else np.nan,
                "n": nn,
                "note": note,
            }
        )
        col += 1
    unit_size = n_conv / n_units if n_units else 0.0
    return ChatResult(scores, dyads, computed, persons, n_conv, n_units, unit_size, per_conv, col_index)


def person_n(
    spec: MetricSpec,
    point: np.ndarray,
    col_index: dict[str, int],
    quant: _Quantiles | None,
    n_conv: int,
    P: int,
) -> np.ndarray:
    if spec.n_column is not None and spec.n_column in col_index:
        return point[:, col_index[spec.n_column]].astype(np.int64)
    if spec.kind == "share":
        return np.full(P, int(point[:, col_index[spec.columns[0]]].sum()))
    if spec.kind == "rate":
        return point[:, col_index[spec.columns[1]]].astype(np.int64)
    if spec.kind in ("quantile", "iqr"):
        if quant is None:
            return np.zeros(P, dtype=np.int64)
        return quant.counts(spec.columns[0]).astype(np.int64)
    return np.full(P, n_conv)


def _apply_minimum(spec: MetricSpec, value: float, n: int, n_conv: int) -> tuple[float, str]:
    if n_conv < spec.min_conversations:
        return math.nan, f"NA: {n_conv} conversation(s) < {spec.min_conversations} needed"
    if n < spec.min_n:
        why = f" ({spec.reason})" if spec.reason else ""
        return math.nan, f"NA: n={n} < {spec.min_n}{why}"
    if not math.isfinite(value):
        return math.nan, "NA: undefined (zero denominator)"
    return value, ""
