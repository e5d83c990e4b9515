"""Report-shaped test data built by hand (the frames of the Report contract in CONTRACT.md).

The HTML, plot and CLI tests use these so their expected numbers are known exactly and do not
move when the analysis changes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

SCORE_COLUMNS = ["chat_id", "person", "metric", "value", "ci_low", "ci_high", "n", "note"]


@dataclass(frozen=True)
class FakeReport:
    """Stands in for reciprocal.report.Report: the same attributes, the frames of the contract."""

    scores: pd.DataFrame
    dyads: pd.DataFrame
    timeline: pd.DataFrame
    flags: pd.DataFrame
    params: dict[str, Any]
    latencies: pd.DataFrame
    activity: pd.DataFrame
    interactions: pd.DataFrame = field(default_factory=pd.DataFrame)

    def to_frame(self) -> pd.DataFrame:
        return self.scores.copy()


def _scores(chat: str, a: str, b: str, *, text: bool) -> list[dict[str, Any]]:
    rows: list[tuple[str, str, float, float, float, float, str | None]] = [
        (a, "initiation_share", 0.68, 0.61, 0.74, 214, None),
        (b, "initiation_share", 0.32, 0.26, 0.39, 214, None),
        (a, "daily_first_contact_share", 0.6, 0.55, 0.66, 120, None),
        (b, "daily_first_contact_share", 0.4, 0.34, 0.45, 120, None),
        (a, "response_rate", 0.95, 0.9, 0.98, 400, None),
        (b, "response_rate", 0.7, 0.62, 0.78, 380, None),
        (a, "latency_median", 240.0, 180.0, 300.0, 390, None),
        (b, "latency_median", 5400.0, 3600.0, 7200.0, 300, None),
        (a, "reply_within_5min", 0.55, 0.5, 0.6, 390, None),
        (b, "reply_within_5min", 0.1, 0.07, 0.14, 300, None),
        (a, "unanswered_turns", 20.0, np.nan, np.nan, 214, None),
        (b, "unanswered_turns", 90.0, np.nan, np.nan, 214, None),
        (a, "step_up_rate", 0.8, 0.7, 0.88, 90, None),
        (b, "step_up_rate", 0.25, 0.1, 0.45, 20, None),
        (a, "effort_share", 0.7, 0.66, 0.75, 214, None),
        (b, "effort_share", 0.3, 0.25, 0.34, 214, None),
    ]
    if text:
        rows += [
            (a, "disclosure_share", 0.55, 0.45, 0.64, 80, None),
            (b, "disclosure_share", 0.45, 0.36, 0.55, 80, None),
            (a, "support_rate", 0.75, 0.6, 0.88, 24, None),
            (b, "support_rate", 0.3, 0.15, 0.5, 20, None),
            (a, "question_rate", 0.3, 0.25, 0.35, 500, None),
            (b, "question_rate", 0.1, 0.07, 0.13, 450, None),
            (a, "repair_share", np.nan, np.nan, np.nan, 3, "fewer than 10 conversations with friction"),
            (b, "repair_share", np.nan, np.nan, np.nan, 3, "fewer than 10 conversations with friction"),
        ]
    return [
        dict(zip(SCORE_COLUMNS, (chat, p, m, v, lo, hi, n, note), strict=True))
        for p, m, v, lo, hi, n, note in rows
    ]


def make_report(
    a: str = "Sam", b: str = "Alex", *, chat: str = "Sam & Alex", text: bool = True, hostile_text: str = ""
) -> FakeReport:
    """Build a two-person Report with fixed, known numbers.

    Args:
        a: First person (the one who reaches out more).
        b: Second person.
        chat: chat_id.
        text: Include text-feature metrics (support, disclosure, ...).
        hostile_text: Put this string into every free-text field (notes, flag messages, params).
    """
    scores = pd.DataFrame(_scores(chat, a, b, text=text))
    if hostile_text:
        scores.loc[scores["metric"] == "repair_share", "note"] = hostile_text
        scores.loc[scores["metric"] == "repair_share", "value"] = np.nan
    scores = scores.astype({"n": "Int64", "note": "string", "chat_id": "string", "person": "string"})
    dyad_rows = [
        dict(
            chat_id=chat,
            person_a=a,
            person_b=b,
            metric="reciprocity_score",
            value=62.0,
            ci_low=55.0,
            ci_high=69.0,
            n=214,
            note="indicators: initiations, step-ups" + hostile_text,
        ),
        dict(
            chat_id=chat,
            person_a=a,
            person_b=b,
            metric="lsm",
            value=0.84,
            ci_low=0.8,
            ci_high=0.88,
            n=5200,
            note=None,
        ),
    ]
    if not text:
        dyad_rows = dyad_rows[:1]  # lsm is a text feature
    dyads = pd.DataFrame(dyad_rows).astype({"n": "Int64", "note": "string"})
    months = pd.date_range("2025-01-01", periods=6, freq="MS")
    tl = []
    for i, m in enumerate(months):
        share = 0.5 + 0.04 * i
        tl.append(dict(chat_id=chat, month=m, person=a, metric="initiation_share", value=share, n=30 + i))
        tl.append(dict(chat_id=chat, month=m, person=b, metric="initiation_share", value=1 - share, n=30 + i))
    timeline = pd.DataFrame(tl).astype({"n": "Int64"})
    flags = pd.DataFrame(
        [
            dict(
                chat_id=chat,
                person=a,
                flag="carrying_the_load",
                metric="effort_share",
                value=0.7,
                ci_low=0.66,
                ci_high=0.75,
                threshold=0.65,
                message=f"{a} put in 70% of the effort [66–75%]; the whole interval lies above 50%."
                + hostile_text,
            )
        ]
    )
    rng = np.random.default_rng(0)
    lat_rows = []
    start = pd.Timestamp("2025-01-01 09:00", tz="Europe/Berlin")
    for i in range(60):
        lat_rows.append(
            dict(
                chat_id=chat,
                conversation_id=i // 3,
                responder=a,
                prompt_person=b,
                response_start=start + pd.Timedelta(hours=7 * i),
                latency_seconds=float(rng.lognormal(5.5, 1)),
                latency_awake_seconds=float(rng.lognormal(5.4, 1)),
            )
        )
        lat_rows.append(
            dict(
                chat_id=chat,
                conversation_id=i // 3,
                responder=b,
                prompt_person=a,
                response_start=start + pd.Timedelta(hours=7 * i + 1),
                latency_seconds=float(rng.lognormal(8.5, 1)),
                latency_awake_seconds=float(rng.lognormal(8.0, 1)),
            )
        )
    latencies = pd.DataFrame(lat_rows)
    act = []
    for p, peak in ((a, 20), (b, 8)):
        for wd in range(7):
            for h in range(24):
                act.append(
                    dict(
                        chat_id=chat,
                        person=p,
                        weekday=wd,
                        hour=h,
                        messages=int(30 * np.exp(-((h - peak) ** 2) / 8) + (wd == 5) * 3),
                    )
                )
    activity = pd.DataFrame(act)
    interactions = pd.DataFrame(
        [
            dict(chat_id=chat, source_person=a, target_person=b, metric="responses", value=390.0),
            dict(chat_id=chat, source_person=b, target_person=a, metric="responses", value=300.0),
        ]
    )
    params = {
        "version": "0.1.0",
        "gap": "adaptive",
        "gaps": {chat: {"seconds": 4320.0, "method": "adaptive", "detail": "antimode 4320 s" + hostile_text}},
        "bootstrap": 1000,
        "seed": 0,
        "interval": "conversation bootstrap, percentile",
        "indicators": ["initiation_share", "step_up_share"],
        "feature_groups": ["timing", "text"] if text else ["timing"],
        "timing_only": not text,
        "quiet_hours": [
            {"chat_id": chat, "person": a, "quiet_start": 23, "quiet_hours": 8, "inferred": True},
            {"chat_id": chat, "person": b, "quiet_start": 1, "quiet_hours": 7, "inferred": False},
        ],
        "tz": "Europe/Berlin",
    }
    return FakeReport(scores, dyads, timeline, flags, params, latencies, activity, interactions)


def group_messages(people: tuple[str, ...] = ("Ana", "Ben", "Cy", "Dee"), *, seed: int = 0) -> pd.DataFrame:
    """A small group chat (message frame) where everyone speaks at random."""
    from reciprocal import schema

    rng = np.random.default_rng(seed)
    t = pd.Timestamp("2025-01-01 09:00")
    times, senders = [], []
    for _ in range(60):
        t = t + pd.Timedelta(hours=float(rng.uniform(8, 40)))
        u = t
        for _ in range(int(rng.integers(2, 8))):
            u = u + pd.Timedelta(minutes=float(rng.uniform(0.5, 8)))
            times.append(u)
            senders.append(people[int(rng.integers(len(people)))])
    frame = schema.make_messages(
        {"timestamp": times, "sender": senders, "text": ["hi there"] * len(times)},
        tz="UTC",
        source="test",
        chat_id="group",
    )
    return schema.sort_messages(frame)
