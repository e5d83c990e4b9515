"""Balance indices, the headline effort metrics, and flags (METRICS.md, "Balance").

- ``effort_share`` (also reported as ``overfunctioning_index``): mean of the person's shares over the effort
  indicators available in the run (registered ``share`` specs with ``effort=True`` whose columns exist). In
  group chats the shares are of the whole group; the pairwise version is the ``effort_share`` dyad row.
- ``reciprocity_score`` (dyad, 0-100): 100 × (1 − mean over the same indicators of |2 s_a − 1|) with the
  pairwise share s_a = x_a / (x_a + x_b).
- Balance indices of every per-person count x with a share spec in the run (dyad rows named
  ``<column>_balance``, ``_imbalance``, ``_gini``, ``_min_max_ratio``, ``_log2_ratio``): balance
  max(s_a, s_b); imbalance |2 s_a − 1|; Gini |x_a − x_b| / (2 (x_a + x_b)); min/max; log2((x_a+½)/(x_b+½)).
- ``latency_log2_ratio`` (dyad): log2(median latency of a / median latency of b).
- Flags: ``carrying_the_load`` when the pairwise effort share ≥ 0.65 and its 95% interval's lower bound is
  > 0.5; ``gap_sensitive`` when a headline share changes side of 0.5 at another conversation gap.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .engine import MetricSpec, Totals, metric_specs, register_metric

__all__ = [
    "BALANCE_CATEGORIES",
    "CARRYING_THRESHOLD",
    "balance_category",
    "balance_specs",
    "effort_indicators",
    "load_flags",
]

CARRYING_THRESHOLD = 0.65
#: Balance categories (share of the more active person), ConvoKit's talk-time cut-points.
BALANCE_CATEGORIES = ((0.55, "high"), (0.65, "mid"), (float("inf"), "low"))


def balance_category(balance: float) -> str:
    """Return ``"high"`` (< 0.55), ``"mid"`` (0.55-0.65) or ``"low"`` (≥ 0.65) balance."""
    for cut, label in BALANCE_CATEGORIES:
        if balance < cut:
            return label
    return "low"


def effort_indicators(t: Totals) -> list[MetricSpec]:
    """The effort share specs whose columns exist in this run (registry order)."""
    return [s for s in metric_specs() if s.effort and t.has(s.columns[0])]


def _pair_share(x: np.ndarray, a: int, b: int) -> np.ndarray:
    xa, xb = x[:, a], x[:, b]
    tot = xa + xb
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(tot > 0, xa / np.where(tot > 0, tot, 1), np.nan)


def _nanmean_rows(stack: list[np.ndarray], rows: int, width: int | None = None) -> np.ndarray:
    if not stack:
        return np.full((rows,) if width is None else (rows, width), np.nan)
    arr = np.stack(stack)
    ok = np.isfinite(arr)
    cnt = ok.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(cnt > 0, np.where(ok, arr, 0).sum(axis=0) / np.maximum(cnt, 1), np.nan)


def _effort_share(t: Totals) -> np.ndarray:
    shares = []
    for spec in effort_indicators(t):
        x = t[spec.columns[0]]
        tot = x.sum(axis=1, keepdims=True)
        with np.errstate(invalid="ignore", divide="ignore"):
            shares.append(np.where(tot > 0, x / np.where(tot > 0, tot, 1), np.nan))
    return _nanmean_rows(shares, t.rows, len(t.persons))


def _pair_effort_share(t: Totals, a: int, b: int) -> np.ndarray:
    return _nanmean_rows([_pair_share(t[s.columns[0]], a, b) for s in effort_indicators(t)], t.rows)


def _reciprocity(t: Totals, a: int, b: int) -> np.ndarray:
    imb = [np.abs(2 * _pair_share(t[s.columns[0]], a, b) - 1) for s in effort_indicators(t)]
    return 100.0 * (1.0 - _nanmean_rows(imb, t.rows))


def _latency_ratio(t: Totals, a: int, b: int) -> np.ndarray:
    med = t.quantile("latency", 0.5)
    with np.errstate(invalid="ignore", divide="ignore"):
        ma, mb = np.maximum(med[:, a], 1.0), np.maximum(med[:, b], 1.0)
        return np.log2(ma / mb)


register_metric(
    MetricSpec(
        "effort_share",
        "custom",
        fn=_effort_share,
        higher_is="carries more of the effort",
        description="mean of the person's shares over the effort indicators available",
    )
)
register_metric(
    MetricSpec(
        "overfunctioning_index",
        "custom",
        fn=_effort_share,
        higher_is="carries more of the effort",
        description="same number as effort_share, under the name used for the 'carrying the load' flag",
    )
)
register_metric(
    MetricSpec(
        "reciprocity_score",
        "dyad",
        fn=_reciprocity,
        higher_is="more evenly shared effort (100 = every kind of effort evenly shared)",
        description="100 × (1 − mean imbalance over the effort indicators)",
    )
)
_PAIR_EFFORT = MetricSpec(
    "effort_share",
    "dyad",
    fn=_pair_effort_share,
    higher_is="person_a carries more of the pair's effort",
    description="person_a's effort share within the pair",
)
register_metric(
    MetricSpec(
        "latency_log2_ratio",
        "dyad",
        ("latency",),
        fn=_latency_ratio,
        n_column="responses",
        min_n=5,
        reason="fewer than 5 replies by one of the pair",
        higher_is="person_a replies more slowly than person_b",
        description="log2(median latency of person_a / median latency of person_b)",
    )
)


def _balance_fns(col: str) -> dict[str, Any]:
    def share(t: Totals, a: int, b: int) -> np.ndarray:
        return _pair_share(t[col], a, b)

    def bal(t: Totals, a: int, b: int) -> np.ndarray:
        s = share(t, a, b)
        return np.maximum(s, 1 - s)

    def imb(t: Totals, a: int, b: int) -> np.ndarray:
        return np.abs(2 * share(t, a, b) - 1)

    def gini(t: Totals, a: int, b: int) -> np.ndarray:
        return imb(t, a, b) / 2

    def minmax(t: Totals, a: int, b: int) -> np.ndarray:
        xa, xb = t[col][:, a], t[col][:, b]
        hi = np.maximum(xa, xb)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(hi > 0, np.minimum(xa, xb) / np.where(hi > 0, hi, 1), np.nan)

    def log2r(t: Totals, a: int, b: int) -> np.ndarray:
        return np.log2((t[col][:, a] + 0.5) / (t[col][:, b] + 0.5))

    return {"balance": bal, "imbalance": imb, "gini": gini, "min_max_ratio": minmax, "log2_ratio": log2r}


def balance_specs(specs: list[MetricSpec]) -> list[MetricSpec]:
    """Derive the pairwise effort share and the balance-index dyad specs for the share specs given.

    Args:
        specs: The person-level specs of this run.

    Returns:
        Dyad specs (not registered): ``effort_share`` and ``<column>_<index>`` for every share column.
    """
    out = [_PAIR_EFFORT]
    seen: set[str] = set()
    for spec in specs:
        if spec.kind != "share" or spec.columns[0] in seen:
            continue
        col = spec.columns[0]
        seen.add(col)
        for index, fn in _balance_fns(col).items():
            out.append(
                MetricSpec(
                    f"{col}_{index}",
                    "dyad",
                    (col,),
                    fn=fn,
                    min_conversations=spec.min_conversations,
                    group=spec.group,
                    timeline=False,
                    description=f"{index.replace('_', ' ')} of {col} between the pair",
                )
            )
    return out


def load_flags(dyads: pd.DataFrame) -> pd.DataFrame:
    """Flag ``carrying_the_load`` from the pairwise effort shares (whole interval past the threshold).

    Args:
        dyads: The dyads table (rows with metric ``effort_share``).

    Returns:
        Flags rows: chat_id, person, flag, metric, value, ci_low, ci_high, threshold, message.
    """
    rows: list[dict[str, Any]] = []
    eff = dyads[dyads["metric"] == "effort_share"]
    records: list[dict[str, Any]] = eff.to_dict("records")  # type: ignore[assignment]
    for r in records:  # one row per pair, not per message
        val, c_lo, c_hi = float(r["value"]), float(r["ci_low"]), float(r["ci_high"])
        for person, other, v, lo, hi in (
            (r["person_a"], r["person_b"], val, c_lo, c_hi),
            (r["person_b"], r["person_a"], 1 - val, 1 - c_hi, 1 - c_lo),
        ):
            if np.isfinite(v) and np.isfinite(lo) and v >= CARRYING_THRESHOLD and lo > 0.5:
                rows.append(
                    {
                        "chat_id": r["chat_id"],
                        "person": person,
                        "flag": "carrying_the_load",
                        "metric": "effort_share",
                        "value": float(v),
                        "ci_low": float(lo),
                        "ci_high": float(hi),
                        "threshold": CARRYING_THRESHOLD,
                        "message": (
                            f"{person} carried {v:.0%} of the effort with {other} "
                            f"[95% interval {lo:.0%}-{hi:.0%}]"
                        ),
                    }
                )
    return pd.DataFrame(rows, columns=FLAG_COLUMNS)


FLAG_COLUMNS = ["chat_id", "person", "flag", "metric", "value", "ci_low", "ci_high", "threshold", "message"]
