"""The CLI over the real pipeline: synthetic CSV exports → read_chat → analyze → every output."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

import reciprocal as rc
from reciprocal import cli
from reciprocal.samples.synthetic import synthetic_chat

runner = CliRunner()
FAST = ("--bootstrap", "50", "--tz", "Europe/London", "--no-progress")


def _write_csv(frame: pd.DataFrame, path: Path) -> Path:
    out = frame[["timestamp", "sender", "text"]].assign(
        timestamp=frame["timestamp"].dt.strftime("%Y-%m-%dT%H:%M:%S%z")
    )
    out.to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def exports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("exports")
    _write_csv(synthetic_chat(conversations=60, seed=1), d / "sam_alex.csv")
    _write_csv(
        synthetic_chat(people=("Kim", "Lee"), conversations=60, initiator_share=0.4, seed=2),
        d / "kim_lee.csv",
    )
    (d / "junk.txt").write_bytes(bytes(range(256)) * 4)
    return d


def run(*args: object):
    return runner.invoke(cli.app, [str(a) for a in args])


def test_analyze_csv_with_a_junk_file_among_good_ones(exports: Path) -> None:
    res = run(
        "analyze", exports / "sam_alex.csv", exports / "junk.txt", exports / "kim_lee.csv", "-f", "csv", *FAST
    )
    assert res.exit_code == 1
    assert "junk.txt" in res.stderr and "Traceback" not in res.output
    frame = pd.read_csv(io.StringIO(res.stdout))
    assert list(frame.columns) == cli.TIDY_COLUMNS
    shares = frame[frame["metric"] == "initiation_share"].groupby("chat_id")["value"].sum()
    assert shares.to_dict() == pytest.approx({"kim_lee": 1.0, "sam_alex": 1.0})
    rec = frame[frame["metric"] == "reciprocity_score"]
    assert len(rec) == 2 and rec["partner"].notna().all()


def test_analyze_json_equals_the_library(exports: Path) -> None:
    res = run("analyze", exports / "sam_alex.csv", "-f", "json", *FAST)
    assert res.exit_code == 0, res.stderr
    records = json.loads(res.stdout)
    messages = rc.read_chat(exports / "sam_alex.csv", tz="Europe/London")
    report = rc.analyze(messages, bootstrap=50, seed=0)
    expected = cli.tidy(report, file=str(exports / "sam_alex.csv"))
    assert len(records) == len(expected)
    got = {(r["person"], r["metric"]): r["value"] for r in records if r["partner"] is None}
    for r in report.scores.itertuples(index=False):
        if pd.notna(r.value):
            assert got[(r.person, r.metric)] == pytest.approx(r.value)


def test_table_is_readable(exports: Path) -> None:
    res = run("analyze", exports / "kim_lee.csv", *FAST)
    assert res.exit_code == 0
    lines = res.stdout.splitlines()
    assert lines[0].split() == ["chat", "who", "metric", "value", "95%", "interval", "n", "note"]
    assert any("initiation_share" in ln and "%" in ln for ln in lines)


def test_report_html_from_real_analysis(exports: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    res = run("report", exports / "sam_alex.csv", exports / "kim_lee.csv", "-o", out, *FAST)
    assert res.exit_code == 0, res.stderr
    page = out.read_text(encoding="utf-8")
    assert page.count("<article") == 2
    assert page.count("<svg") >= 8
    assert "Who reaches out first?" in page


def test_convert_round_trips_the_message_frame(exports: Path, tmp_path: Path) -> None:
    out = tmp_path / "m.parquet"
    res = run("convert", exports / "kim_lee.csv", "-o", out, "--tz", "Europe/London")
    assert res.exit_code == 0, res.stderr
    back = pd.read_parquet(out)
    expected = rc.read_chat(exports / "kim_lee.csv", tz="Europe/London")
    pd.testing.assert_frame_equal(back, expected)
    rc.validate_messages(back)


def test_people_aliases_through_read_chat(exports: Path, tmp_path: Path) -> None:
    people = tmp_path / "people.json"
    people.write_text(json.dumps({"Samantha": ["Sam"]}), encoding="utf-8")
    res = run("analyze", exports / "sam_alex.csv", "--people", people, "-f", "jsonl", *FAST)
    assert res.exit_code == 0, res.stderr
    persons = {json.loads(x)["person"] for x in res.stdout.splitlines()}
    assert "Samantha" in persons and "Sam" not in persons


def test_formats_lists_the_importers() -> None:
    res = run("formats")
    assert res.exit_code == 0
    lines = [ln for ln in res.stdout.splitlines() if ln.strip()]
    assert [ln.split()[0] for ln in lines] == sorted(rc.available_formats())
    csv_line = next(ln for ln in lines if ln.startswith("csv "))
    assert ".csv" in csv_line


def test_unknown_format_in_is_reported_per_file(exports: Path) -> None:
    res = run("analyze", exports / "sam_alex.csv", "--format-in", "nosuch", *FAST)
    assert res.exit_code == 2
    assert "--format-in 'nosuch' is not a known format" in res.stderr and "csv" in res.stderr
    assert "Traceback" not in res.output


def test_sample_runs_when_bundled() -> None:
    from reciprocal.samples import sample_path

    if not sample_path("whatsapp").exists():
        pytest.skip("the bundled WhatsApp sample is not in this checkout yet")
    res = run("analyze", "--sample", "whatsapp", "--bootstrap", "50", "--tz", "Europe/London")
    assert res.exit_code == 0, res.stderr
    assert "initiation_share" in res.stdout
