"""Synthetic chats with planted patterns, for demos, notebooks, examples and tests (no real person's chat).

Example:
    >>> from reciprocal.samples.synthetic import synthetic_chat
    >>> chat = synthetic_chat(conversations=20, seed=1)
    >>> sorted(chat["sender"].unique())
    ['Alex', 'Sam']
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from .. import schema

__all__ = ["synthetic_chat", "synthetic_corpus"]

_OPENERS = (
    "good morning! how did you sleep?",
    "hey, how was your day?",
    "thinking of you, how are things?",
    "we should grab coffee sometime",
    "I'm so stressed about my job interview tomorrow",
    "I got the job!!! I can't believe it",
    "can we talk later? I had a rough day",
    "did you see the match last night?",
    "what are you up to this weekend?",
)
_REPLIES = (
    "oh no, that sounds really hard. what happened?",
    "congrats!! so proud of you, tell me everything",
    "haha yes",
    "ok",
    "thanks, I appreciate it",
    "sure, let's do Saturday at 10 at the market",
    "I'm fine, busy week at work",
    "lol",
    "that's amazing, how do you feel?",
    "sorry I missed this",
    "yes! want me to come over?",
    "not sure yet, maybe",
)


def synthetic_chat(
    *,
    people: Sequence[str] = ("Sam", "Alex"),
    conversations: int = 150,
    initiator_share: float = 0.7,
    reply_minutes: Sequence[float] = (3.0, 10.0),
    answer_rate: Sequence[float] = (0.95, 0.8),
    start: str = "2025-01-06 08:00",
    days_between: float = 1.2,
    tz: str = "Europe/London",
    chat_id: str | None = None,
    seed: int = 0,
) -> pd.DataFrame:
    """Generate a two-person chat where the planted patterns are known.

    The first person starts ``initiator_share`` of the conversations; person *i* answers a turn with
    probability ``answer_rate[i]`` after a log-normal delay with median ``reply_minutes[i]``.

    Args:
        people: The two names.
        conversations: How many conversations.
        initiator_share: Share of conversations the first person starts.
        reply_minutes: Median reply time of each person, in minutes.
        answer_rate: Probability that each person answers the other's turn.
        start: Local time of the first message.
        days_between: Mean days between conversations (exponential gaps).
        tz: IANA zone of the timestamps.
        chat_id: The chat id (default: "A & B").
        seed: Random seed (same seed, same chat).

    Returns:
        A message frame (see :mod:`reciprocal.schema`), sorted.
    """
    rng = np.random.default_rng(seed)
    a, b = people
    when = pd.Timestamp(start)
    times: list[pd.Timestamp] = []
    senders: list[str] = []
    texts: list[str] = []
    for _ in range(conversations):
        when = when + pd.Timedelta(days=float(rng.exponential(days_between)))
        # Conversations start in waking hours: 08:00 plus up to 14 h.
        when = when.normalize() + pd.Timedelta(hours=8 + float(rng.uniform(0, 14)))
        who = 0 if rng.random() < initiator_share else 1
        t = when
        n_turns = int(rng.integers(1, 7))
        for turn in range(n_turns):
            if turn > 0:
                responder = who
                if rng.random() > answer_rate[responder]:
                    break
                t = t + pd.Timedelta(minutes=float(rng.lognormal(np.log(reply_minutes[responder]), 0.5)))
            pool = _OPENERS if turn == 0 else _REPLIES
            for _m in range(int(rng.integers(1, 3))):
                times.append(t)
                senders.append(people[who])
                texts.append(str(pool[int(rng.integers(len(pool)))]))
                t = t + pd.Timedelta(seconds=float(rng.uniform(5, 60)))
            who = 1 - who
        when = t
    frame = schema.make_messages(
        {"timestamp": times, "sender": senders, "text": texts},
        tz=tz,
        source="synthetic",
        chat_id=chat_id or f"{a} & {b}",
    )
    return schema.sort_messages(frame)


def synthetic_corpus(n: int = 20, *, seed: int = 0, **options: object) -> pd.DataFrame:
    """Generate ``n`` chats with varied planted patterns in one message frame (chat ids ``chat-001``, ...).

    Args:
        n: Number of chats.
        seed: Random seed for the whole corpus.
        **options: Passed to :func:`synthetic_chat` (e.g. ``conversations=60``).

    Returns:
        One message frame holding every chat.
    """
    rng = np.random.default_rng(seed)
    frames = []
    for i in range(n):
        share = float(rng.uniform(0.35, 0.85))
        replies = (float(rng.uniform(1, 12)), float(rng.uniform(1, 15)))
        frames.append(
            synthetic_chat(
                chat_id=f"chat-{i + 1:03d}",
                initiator_share=share,
                reply_minutes=replies,
                seed=int(rng.integers(2**31)),
                **options,  # type: ignore[arg-type]
            )
        )
    return schema.sort_messages(pd.concat(frames, ignore_index=True))
