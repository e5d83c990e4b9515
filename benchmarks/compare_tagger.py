"""Check that the working tree's text tagger gives exactly the outputs of a git ref's tagger.

Usage::

    PYTHONPATH=src python benchmarks/compare_tagger.py --ref main [--eval-dir ../shared/eval]
        [--chat /tmp/wa_100k.txt] [--no-cache]

The text set: every text of the development corpora in ``--eval-dir`` (CL-Aff ``full_text``, GoEmotions
dev, ESConv supporter responses and the seeker turns they answer, DailyDialog validation utterances split
on ``__eou__``), the messages of ``--chat`` (a synthetic chat; regenerate it with
``python ../shared/tools/gen_whatsapp.py -n 100000 --format android --people 2 -o /tmp/wa_100k.txt``) and
hostile edge cases (empty, whitespace, emoji, quotes, very long, newlines, non-English). Missing inputs
are skipped with a note.

The ref's ``src`` is extracted with ``git archive`` into a temporary directory; each side scores the set
in its own subprocess (``PYTHONPATH`` pointing at its ``src``): ``score_texts`` on the distinct texts
(every key, helper keys included) and ``tag_texts(texts, context=previous text)`` over the full list.
Values must be exactly equal (floats bit for bit, evidence strings character for character). The ref's
outputs are cached in the temp directory by commit and text-set hash (``--no-cache`` recomputes).

Exit status 0 when everything is equal, 1 when any row / column differs (the differences are printed).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import os
import pickle
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]

EDGE_CASES = [
    "",
    " ",
    "   ",
    "\n",
    "\t",
    " \n ",
    " leading space",
    "trailing space ",
    "  both sides  ",
    "trailing newline\n",
    "\nleading newline",
    "line one\nline two? yes\n\nthird. I'm sad",
    "😂",
    "😂😂😂",
    "❤️",
    "👍🏽",
    "🙏 thank you 🙏",
    '"',
    '""',
    '"I love you" she said. I hate it!',
    "“I’m fine” — she wasn’t. I'm worried about her “job”",
    "«bonjour» I'm so happy",
    "he said 'I am sorry' but I'm not",
    '"I got the job" "I lost my job"',
    "I feel sad " * 400,
    "how are you? " * 300 + "I lost my job",
    "a" * 5000,
    "Je suis très triste aujourd'hui. Tu vas bien ?",
    "Ich bin so glücklich! Danke dir",
    "estoy muy cansado, ¿y tú?",
    "我今天很难过",
    "Я скучаю по тебе",
    "مرحبا كيف حالك",
    "?",
    "!",
    "...",
    "?!",
    "no.",
    "ok",
    "k",
    "lol",
    "thank you",
    "sorry",
    "I'm sorry. are you ok?",
    "dinner friday at 7pm?",
    "let's get coffee sometime",
    "I GOT THE JOB!!!",
    "NOT good. not GOOD at all :(",
    "i\tfeel\t\tsad",
    "e-mail me at a.b@example.com or https://example.com/x?y=1",
    "can't won't don't isn't",
    "I love you but I hate this",
    "<Media omitted>",
    "This message was deleted",
    "\u200b",
    "\u00a0non-breaking\u00a0spaces\u00a0",
    "I\u0092m sobbing reading this thread!",
]


def load_texts(eval_dir: Path, chat: Path | None) -> list[str]:
    texts: list[str] = []

    def note(msg: str) -> None:
        print(msg, file=sys.stderr)

    claff = eval_dir / "claff" / "labeled_training_set.csv"
    if claff.exists():
        with claff.open(encoding="utf-8", newline="") as f:
            texts += [r["full_text"] for r in csv.DictReader(f)]
    else:
        note(f"skipped (missing): {claff}")
    goemo = eval_dir / "goemotions" / "dev.tsv"
    if goemo.exists():
        texts += [line.split("\t")[0] for line in goemo.read_text(encoding="utf-8").splitlines()]
    else:
        note(f"skipped (missing): {goemo}")
    esconv = eval_dir / "esconv" / "dev_supporter_turns.csv"
    if esconv.exists():
        with esconv.open(encoding="utf-8", newline="") as f:
            for r in csv.DictReader(f):
                texts += [r["response"], r["prev_seeker"]]
    else:
        note(f"skipped (missing): {esconv}")
    daily = eval_dir / "dailydialog" / "validation" / "dialogues.txt"
    if daily.exists():
        for line in daily.read_text(encoding="utf-8").splitlines():
            texts += [u.strip() for u in line.split("__eou__") if u.strip()]
    else:
        note(f"skipped (missing): {daily}")
    if chat is not None and chat.exists():
        import reciprocal

        msgs = reciprocal.read_chat(chat)
        texts += msgs["text"].astype(object).where(msgs["text"].notna(), "").astype(str).tolist()
    elif chat is not None:
        note(f"skipped (missing): {chat}; generate it with ../shared/tools/gen_whatsapp.py")
    return texts + EDGE_CASES


def score(texts: list[str]) -> dict[str, Any]:
    """Both outputs of the tagger importable from PYTHONPATH (runs in the worker subprocess)."""
    import numpy as np

    from reciprocal.features.tagger import score_texts, tag_texts

    distinct = list(dict.fromkeys(texts))
    cols = score_texts(distinct)
    helper = {k: (v.tolist() if isinstance(v, np.ndarray) else list(v)) for k, v in cols.items()}
    helper["content"] = [sorted(c) for c in helper["content"]]
    helper["_dtypes"] = {k: str(v.dtype) for k, v in cols.items() if isinstance(v, np.ndarray)}
    frame = tag_texts(texts, context=["", *texts[:-1]])
    tags = {c: frame[c].astype(object).tolist() for c in frame.columns}
    tags["_dtypes"] = {c: str(frame[c].dtype) for c in frame.columns}
    return {"score_texts": helper, "tag_texts": tags, "distinct": distinct}


def run_side(src: Path, texts_file: Path, out_file: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(src), "OMP_NUM_THREADS": "1"}
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", str(texts_file), str(out_file)]
    subprocess.run(cmd, env=env, check=True)


def same(a: Any, b: Any) -> bool:
    # Exact equality, floats bit for bit (NaN equal to NaN; 0.0 and -0.0 told apart).
    if isinstance(a, float) and isinstance(b, float):
        return a.hex() == b.hex()
    return type(a) is type(b) and a == b


def compare(ref: dict[str, Any], new: dict[str, Any], limit: int) -> int:
    n_diff = 0
    for part in ("score_texts", "tag_texts"):
        rows = ref["distinct"] if part == "score_texts" else None
        a, b = ref[part], new[part]
        if a.keys() != b.keys():
            print(f"{part}: keys differ: {sorted(a.keys() ^ b.keys())}")
            n_diff += 1
        for key in sorted(a.keys() & b.keys()):
            va, vb = a[key], b[key]
            if key == "_dtypes":
                if va != vb:
                    print(f"{part}: dtypes differ: ref {va} new {vb}")
                    n_diff += 1
                continue
            if len(va) != len(vb):
                print(f"{part}[{key}]: lengths differ: {len(va)} vs {len(vb)}")
                n_diff += 1
                continue
            bad = [k for k, (x, y) in enumerate(zip(va, vb, strict=True)) if not _eq(x, y)]
            n_diff += len(bad)
            if bad:
                print(f"{part}[{key}]: {len(bad)} rows differ")
            for k in bad[:limit]:
                text = rows[k] if rows is not None else f"row {k}"
                print(f"  {text[:100]!r}: ref {va[k]!r} new {vb[k]!r}")
    return n_diff


def _eq(x: Any, y: Any) -> bool:
    if isinstance(x, list) and isinstance(y, list):
        return len(x) == len(y) and all(_eq(p, q) for p, q in zip(x, y, strict=True))
    return same(x, y)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ref", default="main", help="git ref whose tagger is the reference (default main)")
    ap.add_argument("--eval-dir", type=Path, default=ROOT.parent / "shared" / "eval")
    ap.add_argument("--chat", type=Path, default=Path("/tmp/wa_100k.txt"))
    ap.add_argument("--no-cache", action="store_true", help="recompute the ref's outputs")
    ap.add_argument("--limit", type=int, default=5, help="differing rows to print per column")
    ap.add_argument("--worker", nargs=2, type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        texts = pickle.loads(args.worker[0].read_bytes())
        args.worker[1].write_bytes(pickle.dumps(score(texts)))
        return 0

    if not args.eval_dir.exists():
        shared = Path("/work/shared/eval")
        args.eval_dir = shared if shared.exists() else args.eval_dir
    texts = load_texts(args.eval_dir, args.chat)
    blob = pickle.dumps(texts)
    commit = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", args.ref], check=True, capture_output=True, text=True
    ).stdout.strip()
    key = hashlib.sha1(blob).hexdigest()[:12]
    cache_dir = Path(tempfile.gettempdir()) / "compare_tagger"
    cache_dir.mkdir(exist_ok=True)
    ref_out = cache_dir / f"{commit[:12]}-{key}.pkl"
    print(f"{len(texts)} texts ({len(set(texts))} distinct); ref {args.ref} = {commit[:12]}")
    with tempfile.TemporaryDirectory() as tmp:
        tmp_p = Path(tmp)
        texts_file = tmp_p / "texts.pkl"
        texts_file.write_bytes(blob)
        if args.no_cache or not ref_out.exists():
            archive = tmp_p / "ref.tar"
            subprocess.run(["git", "-C", str(ROOT), "archive", "-o", str(archive), commit, "src"], check=True)
            with tarfile.open(archive) as tar:
                tar.extractall(tmp_p / "ref", filter="data")
            run_side(tmp_p / "ref" / "src", texts_file, ref_out)
        else:
            print(f"ref outputs from cache {ref_out}")
        new_out = tmp_p / "new.pkl"
        run_side(ROOT / "src", texts_file, new_out)
        ref = pickle.loads(ref_out.read_bytes())
        new = pickle.loads(new_out.read_bytes())
    n_diff = compare(ref, new, args.limit)
    print("identical" if n_diff == 0 else f"{n_diff} differing values")
    return 1 if n_diff else 0


if __name__ == "__main__":
    sys.exit(main())
