"""analyze(): structure → counts → per-chat metrics with intervals → Report.

The stages live in :mod:`reciprocal.structure` and :mod:`reciprocal.metrics`; this module composes them.
With ``features="auto"`` the modules in :data:`PLUGIN_MODULES` (the text-features package) are imported
when installed, so the count providers and specs they register run too; ``features="timing"`` runs the
timing indicators only (and the Report says so in the effort notes and ``params["timing_only"]``).

Per chat, on top of the registered metrics: the pairwise balance indices of every share's count, the
``carrying_the_load`` flag, the gap-sensitivity panel (initiation_share and effort_share recomputed at
30 min / 2 h / 8 h, ``gap_sensitive`` flag when one changes side of 0.5), the monthly timeline, latencies,
activity heatmap counts and the directed who-answers-whom matrix.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
import pandas as pd

from . import schema, structure
from ._version import __version__
from .errors import AnalysisError, ConfigError
from .metrics import balance as _balance
from .metrics import engine
from .report import (
    ACTIVITY_COLUMNS,
    DYAD_COLUMNS,
    FLAG_COLUMNS,
    INTERACTION_COLUMNS,
    LATENCY_COLUMNS,
    SCORE_COLUMNS,
    TIMELINE_COLUMNS,
    Report,
)

__all__ = ["SENSITIVITY_GAPS", "analyze"]

#: Fixed gaps (seconds) at which the headline shares are recomputed.
SENSITIVITY_GAPS = (1800.0, 7200.0, 28800.0)
#: Modules that register extra count providers and specs when importable (features="auto").
PLUGIN_MODULES = ("reciprocal.features",)

Progress = Callable[[int, int], Any]


def _load_plugins() -> list[str]:
    loaded = []
    for name in PLUGIN_MODULES:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name is not None and name.startswith(exc.name):
                continue  # the optional package is absent
            raise
        loaded.append(name)
    return loaded


def _groups(features: Any) -> tuple[set[str] | None, list[str]]:
    if isinstance(features, str):
        if features == "auto":
            return None, _load_plugins()
        if features == "timing":
            return {"timing"}, []
        return {"timing", features}, _load_plugins()
    if isinstance(features, Iterable):
        groups = {str(f) for f in features} | {"timing"}
        return groups, _load_plugins()
    raise ConfigError(f"features={features!r}: use 'auto', 'timing' or a list of feature groups")


def analyze(
    messages: pd.DataFrame,
    *,
    gap: Any = "adaptive",
    bootstrap: int = 1000,
    seed: int = 0,
    progress: bool | Progress | None = None,
    features: str | Iterable[str] = "auto",
    max_units: int = engine.DEFAULT_MAX_UNITS,
) -> Report:
    """Measure how two-way each chat in ``messages`` is.

    Args:
        messages: A message frame (any number of chats, grouped by ``chat_id``).
        gap: Conversation gap: ``"adaptive"`` (per chat), a Timedelta, or a string such as ``"2h"``.
        bootstrap: Conversation-bootstrap replicates for the 95% intervals (0 = none; shares then get
            Jeffreys intervals).
        seed: Seed of the bootstrap (each chat's generator derives from it and the chat id).
        progress: ``True`` for a tqdm bar over chats, or a callable ``(done, total)``.
        features: ``"auto"`` runs every registered provider (text features when installed), ``"timing"``
            the timing indicators only, or a list of feature groups.
        max_units: Most bootstrap units per chat; longer chats resample contiguous blocks of conversations.

    Returns:
        A :class:`reciprocal.report.Report`.

    Raises:
        ConfigError: An argument has an unusable value.
        SchemaError: ``messages`` is not a message frame.
        AnalysisError: No chat has a message with a sender.
    """
    if isinstance(bootstrap, bool) or not isinstance(bootstrap, int | np.integer) or bootstrap < 0:
        raise ConfigError(f"bootstrap={bootstrap!r} must be a non-negative integer (e.g. 1000)")
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer):
        raise ConfigError(f"seed={seed!r} must be an integer")
    if not isinstance(max_units, int) or max_units < 10:
        raise ConfigError(f"max_units={max_units!r} must be an integer >= 10")
    groups, plugins = _groups(features)
    st = structure.segment(messages, gap=gap)
    if st.turns.empty:
        raise AnalysisError("no messages with a sender to analyse (only system rows, reactions or nothing)")
    persons = (
        st.turns[["chat_id", "sender"]]
        .drop_duplicates()
        .rename(columns={"sender": "person"})
        .sort_values(["chat_id", "person"], ignore_index=True)
    )
    ctx = engine.AnalysisContext(
        messages=st.messages,
        conversations=st.conversations,
        turns=st.turns,
        responses=st.responses,
        quiet=st.quiet,
        persons=persons,
        gaps={k: v.to_dict() for k, v in st.gaps.items()},
    )
    counts, values = engine.collect(ctx, groups)
    cols = [c for c in counts.columns if c not in engine.KEYS]
    specs = [
        s
        for s in engine.metric_specs()
        if (groups is None or s.group in groups) and engine.spec_available(s, cols, values.keys())
    ]
    person_specs = [s for s in specs if s.level == "person"]
    all_specs = specs + _balance.balance_specs(person_specs)
    effort = [s for s in person_specs if s.effort]
    indicator_note = "indicators: " + ", ".join(s.name for s in effort)
    if all(s.group == "timing" for s in effort):
        indicator_note += " (timing indicators only)"

    by_chat_counts = dict(tuple(counts.groupby("chat_id", sort=False))) if len(counts) else {}
    by_chat_values = {
        name: dict(tuple(frame.groupby("chat_id", sort=False))) for name, frame in values.items()
    }
    n_conv = st.conversations.groupby("chat_id", sort=False).size()
    months = st.conversations.groupby("chat_id", sort=False)["month"]
    chats = list(persons["chat_id"].astype(object).unique())
    person_lists = {c: tuple(g.astype(object)) for c, g in persons.groupby("chat_id", sort=False)["person"]}
    bar = _progress(progress, len(chats))

    scores: list[dict[str, Any]] = []
    dyads: list[dict[str, Any]] = []
    timeline: list[dict[str, Any]] = []
    units: dict[str, dict[str, Any]] = {}
    point_shares: dict[str, dict[str, dict[str, float]]] = {}
    empty_counts = pd.DataFrame(columns=list(counts.columns))
    for done, chat in enumerate(chats, 1):
        ppl = person_lists[chat]
        k = int(n_conv.get(chat, 0))
        chat_values = {name: per.get(chat, values[name].iloc[0:0]) for name, per in by_chat_values.items()}
        res = engine.evaluate_chat(
            chat,
            ppl,
            k,
            by_chat_counts.get(chat, empty_counts),
            chat_values,
            all_specs,
            bootstrap=int(bootstrap),
            rng=engine.chat_rng(seed, chat),
            max_units=max_units,
        )
        scores.extend(res.scores)
        dyads.extend(res.dyads)
        units[chat] = {"units": res.units, "conversations_per_unit": res.unit_size}
        point_shares[chat] = {
            s.name: dict(zip(ppl, res.values[s.name][0], strict=True)) for s in effort if s.name in res.values
        }
        timeline.extend(_timeline(chat, ppl, res, months.get_group(chat).to_numpy(), person_specs))
        if bar is not None:
            bar(done, len(chats))

    score_frame = _frame(scores, SCORE_COLUMNS)
    dyad_frame = _frame(dyads, DYAD_COLUMNS)
    for frame, names in (
        (score_frame, ("effort_share", "overfunctioning_index")),
        (dyad_frame, ("reciprocity_score", "effort_share")),
    ):
        sel = frame["metric"].isin(names) & frame["note"].eq("") & frame["value"].notna()
        frame.loc[sel, "note"] = indicator_note
    bal = (
        dyad_frame["metric"].str.endswith("_balance")
        & dyad_frame["value"].notna()
        & dyad_frame["note"].eq("")
    )
    dyad_frame.loc[bal, "note"] = [
        f"{_balance.balance_category(float(v))} balance (cut-points 0.55 / 0.65)"
        for v in dyad_frame.loc[bal, "value"]
    ]
    sens, sens_flags = _sensitivity(st, score_frame, point_shares, effort)
    load = _balance.load_flags(dyad_frame)
    flags = (
        pd.concat([f for f in (load, sens_flags) if len(f)], ignore_index=True)
        if len(load) or len(sens_flags)
        else pd.DataFrame(columns=FLAG_COLUMNS)
    )
    flags = _frame(flags.to_dict("records"), FLAG_COLUMNS)  # type: ignore[arg-type]
    n_pairs = int((dyad_frame["metric"] == "effort_share").sum())
    ts_dtype = messages[schema.TIMESTAMP].dtype
    tz = ts_dtype.tz if isinstance(ts_dtype, pd.DatetimeTZDtype) else None
    params: dict[str, Any] = {
        "version": __version__,
        "gap": gap if isinstance(gap, str) else str(pd.Timedelta(gap)),
        "gaps": {k: v.to_dict() for k, v in st.gaps.items()},
        "bootstrap": int(bootstrap),
        "seed": int(seed),
        "confidence": 0.95,
        "interval": "conversation bootstrap, percentile" if bootstrap else "Jeffreys (shares only)",
        "max_units": max_units,
        "bootstrap_units": units,
        "features": features if isinstance(features, str) else list(features),
        "feature_groups": sorted(groups) if groups is not None else sorted({s.group for s in specs}),
        "plugins": plugins,
        "indicators": [s.name for s in effort],
        "timing_only": all(s.group == "timing" for s in effort),
        "metrics": [s.name for s in specs],
        "tz": str(tz) if tz is not None else None,
        "day_start_hour": structure.DAY_START_HOUR,
        "min_conversations": 10,
        "quiet_hours": st.quiet.to_dict("records"),
        "sensitivity_gaps": list(SENSITIVITY_GAPS),
        "sensitivity": sens,
        "flags_tested": 2 * n_pairs + len(sens),
    }
    return Report(
        scores=score_frame,
        dyads=dyad_frame,
        timeline=_frame(timeline, TIMELINE_COLUMNS),
        flags=flags,
        params=params,
        latencies=st.responses[LATENCY_COLUMNS].reset_index(drop=True),
        activity=_activity(st.messages),
        interactions=_interactions(st.responses),
    )


def _progress(progress: bool | Progress | None, total: int) -> Progress | None:
    if progress is None or progress is False:
        return None
    if callable(progress):
        return progress
    from tqdm.auto import tqdm  # lazy: only when asked for a bar

    bar = tqdm(total=total, unit="chat")

    def tick(done: int, total: int) -> None:
        bar.update(1)
        if done == total:
            bar.close()

    return tick


def _frame(rows: list[dict[str, Any]], columns: list[str]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=columns)
    for c in columns:
        if c in ("value", "ci_low", "ci_high", "threshold"):
            frame[c] = frame[c].astype(float)
        elif c == "n":
            frame[c] = frame[c].astype("int64")
        elif c == "month":
            frame[c] = pd.to_datetime(frame[c]).astype("datetime64[us]")
        else:
            frame[c] = frame[c].astype(schema.STRING)
    return frame


def _timeline(
    chat: str,
    persons: tuple[str, ...],
    res: engine.ChatResult,
    months: np.ndarray,
    specs: list[engine.MetricSpec],
) -> list[dict[str, Any]]:
    if res.per_conv is None or len(months) == 0:
        return []
    starts = np.flatnonzero(np.r_[True, months[1:] != months[:-1]])
    sums = np.add.reduceat(res.per_conv, starts, axis=0)  # conversations are in time order
    t = engine.Totals(persons, res.col_index, sums, None)
    per_month = np.diff(np.r_[starts, len(months)])
    rows: list[dict[str, Any]] = []
    for spec in specs:
        if not spec.timeline or spec.kind in ("quantile", "iqr"):
            continue
        try:
            vals = engine.person_values(spec, t)
        except KeyError:
            continue
        for m_i, start in enumerate(starts):
            n = engine.person_n(spec, sums[m_i], res.col_index, None, int(per_month[m_i]), len(persons))
            for p_i, person in enumerate(persons):
                rows.append(
                    {
                        "chat_id": chat,
                        "month": months[start],
                        "person": person,
                        "metric": spec.name,
                        "value": float(vals[m_i, p_i]),
                        "n": int(n[p_i]),
                    }
                )
    return rows


def _sensitivity(
    st: structure.Structure,
    scores: pd.DataFrame,
    point_shares: dict[str, dict[str, dict[str, float]]],
    effort: list[engine.MetricSpec],
) -> tuple[list[dict[str, Any]], pd.DataFrame]:
    """Recompute initiation_share and effort_share at fixed gaps; flag a change of side of 0.5."""
    main = scores[scores["metric"].isin(["initiation_share", "effort_share"])]
    main_val = {
        (str(c), str(p), str(m)): float(v)
        for c, p, m, v in zip(main["chat_id"], main["person"], main["metric"], main["value"], strict=True)
    }
    rows: list[dict[str, Any]] = []
    flags: list[dict[str, Any]] = []
    timing_effort = {"initiation_share": "initiations", "step_up_share": "step_ups"}
    for g in SENSITIVITY_GAPS:
        bc = structure.boundary_counts(st, g)
        if bc.empty:
            continue
        tot = bc.groupby("chat_id", sort=False)[["initiations", "step_ups"]].transform("sum")
        with np.errstate(invalid="ignore", divide="ignore"):
            shares = {
                "initiations": (bc["initiations"] / tot["initiations"]).to_numpy(dtype=float),
                "step_ups": (bc["step_ups"] / tot["step_ups"].where(tot["step_ups"] > 0)).to_numpy(
                    dtype=float
                ),
            }
        records: list[dict[str, Any]] = bc.to_dict("records")  # type: ignore[assignment]
        for i, r in enumerate(records):  # one row per chat × person
            chat, person = str(r["chat_id"]), str(r["person"])
            if int(r["conversations"]) < 10:
                continue
            vals = {"initiation_share": float(shares["initiations"][i])}
            parts = []
            for s in effort:
                if s.name in timing_effort:
                    parts.append(float(shares[timing_effort[s.name]][i]))
                else:
                    parts.append(point_shares.get(chat, {}).get(s.name, {}).get(person, np.nan))
            finite = [p for p in parts if np.isfinite(p)]
            vals["effort_share"] = float(np.mean(finite)) if finite else np.nan
            for metric, v in vals.items():
                rows.append(
                    {"chat_id": chat, "person": person, "gap_seconds": g, "metric": metric, "value": v}
                )
                ref = main_val.get((chat, person, metric), np.nan)
                if np.isfinite(ref) and np.isfinite(v) and (ref - 0.5) * (v - 0.5) < 0:
                    flags.append(
                        {
                            "chat_id": chat,
                            "person": person,
                            "flag": "gap_sensitive",
                            "metric": metric,
                            "value": v,
                            "ci_low": np.nan,
                            "ci_high": np.nan,
                            "threshold": 0.5,
                            "message": (
                                f"{metric} of {person} is {ref:.0%} with the chosen gap but {v:.0%} "
                                f"with a {g / 3600:g} h gap: it depends on where conversations are split"
                            ),
                        }
                    )
    return rows, pd.DataFrame(flags, columns=FLAG_COLUMNS)


def _activity(messages: pd.DataFrame) -> pd.DataFrame:
    m = messages[messages["turn_id"] >= 0]
    wall = m[schema.TIMESTAMP].dt.tz_localize(None)
    frame = pd.DataFrame(
        {
            "chat_id": m[schema.CHAT_ID],
            "person": m[schema.SENDER],
            "weekday": wall.dt.day_of_week.astype("int64"),
            "hour": wall.dt.hour.astype("int64"),
        }
    )
    out = frame.groupby(["chat_id", "person", "weekday", "hour"], sort=True, observed=True).size()
    return out.rename("messages").reset_index()[ACTIVITY_COLUMNS]


def _interactions(resp: pd.DataFrame) -> pd.DataFrame:
    g = resp.groupby(["chat_id", "responder", "prompt_person"], sort=True, observed=True)["latency_seconds"]
    parts = []
    for metric, ser in (("responses", g.size().astype(float)), ("latency_median", g.median())):
        f = ser.rename("value").reset_index()
        f["metric"] = metric
        parts.append(f)
    out = pd.concat(parts, ignore_index=True).rename(
        columns={"responder": "source_person", "prompt_person": "target_person"}
    )
    out["metric"] = out["metric"].astype(schema.STRING)
    return out[INTERACTION_COLUMNS]
