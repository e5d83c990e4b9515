"""The CLI layer: formats parsed back, exit codes, messages on stderr, no tracebacks, no chat text.

Reading and analysis are replaced by fakes with known numbers here (tests/_ui_fakes.py), so these
tests pin the command-line behaviour itself; tests/test_cli_e2e.py runs the real pipeline.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from _ui_fakes import make_report
from reciprocal import cli, schema
from reciprocal.errors import FormatError

runner = CliRunner()
SECRET = "my secret diary line"


def _fake_read(path: Path, ro: cli.ReadOptions) -> pd.DataFrame:
    head = path.read_text(encoding="utf-8") if path.is_file() else ""
    if head.startswith("BAD"):
        raise FormatError("not a chat export of any known format", path=path)
    if head.startswith("CRASH"):
        raise KeyError(SECRET)  # an unexpected error whose message quotes chat text
    frame = schema.make_messages(
        {
            "timestamp": ["2025-01-01 10:00", "2025-01-01 10:05"],
            "sender": ["Sam", "Alex"],
            "text": ["hi", SECRET],
        },
        tz="UTC",
        source="fake",
        chat_id=path.stem,
    )
    return frame


def _fake_analyze(messages: pd.DataFrame, ao: cli.AnalyzeOptions):
    return make_report(chat=str(messages["chat_id"].iloc[0]))


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.setattr(cli, "_read", _fake_read)
    monkeypatch.setattr(cli, "_analyze", _fake_analyze)
    (tmp_path / "good1.txt").write_text("ok", encoding="utf-8")
    (tmp_path / "good2.txt").write_text("ok", encoding="utf-8")
    (tmp_path / "bad.txt").write_text("BAD", encoding="utf-8")
    (tmp_path / "crash.txt").write_text("CRASH", encoding="utf-8")
    return tmp_path


def run(*args: str):
    return runner.invoke(cli.app, [str(a) for a in args])


N_ROWS = len(make_report().scores) + len(make_report().dyads)


def test_analyze_table_to_stdout(fake: Path) -> None:
    res = run("analyze", fake / "good1.txt")
    assert res.exit_code == 0, res.output
    assert "initiation_share" in res.stdout
    line = next(ln for ln in res.stdout.splitlines() if "Sam" in ln and "initiation_share" in ln)
    assert "68%" in line and "[61–74%]" in line and "214" in line
    assert res.stderr == ""


def test_analyze_csv_parses_back(fake: Path) -> None:
    res = run("analyze", fake / "good1.txt", fake / "good2.txt", "--format", "csv")
    assert res.exit_code == 0
    frame = pd.read_csv(io.StringIO(res.stdout))
    assert list(frame.columns) == cli.TIDY_COLUMNS
    assert len(frame) == 2 * N_ROWS
    assert set(frame["chat_id"]) == {"good1", "good2"}
    row = frame[
        (frame["chat_id"] == "good1") & (frame["person"] == "Sam") & (frame["metric"] == "initiation_share")
    ]
    assert row["value"].tolist() == [0.68]
    assert row["ci_low"].tolist() == [0.61]


def test_analyze_json_parses_back(fake: Path) -> None:
    res = run("analyze", fake / "good1.txt", "--format", "json")
    assert res.exit_code == 0
    records = json.loads(res.stdout)
    assert len(records) == N_ROWS
    sam = [r for r in records if r["person"] == "Sam" and r["metric"] == "latency_median"]
    assert sam[0]["value"] == 240.0 and sam[0]["n"] == 390
    nan_row = next(r for r in records if r["metric"] == "unanswered_turns")
    assert nan_row["ci_low"] is None  # NaN becomes null, valid JSON


def test_analyze_jsonl_parses_back(fake: Path) -> None:
    res = run("analyze", fake / "good1.txt", fake / "good2.txt", "-f", "jsonl")
    assert res.exit_code == 0
    lines = res.stdout.strip().split("\n")
    assert len(lines) == 2 * N_ROWS
    assert {json.loads(x)["file"] for x in lines} == {str(fake / "good1.txt"), str(fake / "good2.txt")}


def test_analyze_parquet_to_file(fake: Path) -> None:
    out = fake / "scores.parquet"
    res = run("analyze", fake / "good1.txt", "--format", "parquet", "-o", out)
    assert res.exit_code == 0
    frame = pd.read_parquet(out)
    assert len(frame) == N_ROWS
    assert frame["partner"].tolist()[-2:] == ["Alex", "Alex"]  # reciprocity_score and lsm of the pair
    assert frame["value"].tolist()[:2] == [0.68, 0.32]
    assert "wrote" in res.stderr and res.stdout == ""


def test_output_file_for_text_formats(fake: Path) -> None:
    out = fake / "scores.csv"
    res = run("analyze", fake / "good1.txt", "-f", "csv", "-o", out)
    assert res.exit_code == 0 and res.stdout == ""
    assert len(pd.read_csv(out)) == N_ROWS


def test_parquet_needs_output_file(fake: Path) -> None:
    res = run("analyze", fake / "good1.txt", "--format", "parquet")
    assert res.exit_code == 2
    assert "-o" in res.stderr


def test_bad_file_among_good_ones_exit_1_and_others_processed(fake: Path) -> None:
    res = run("analyze", fake / "good1.txt", fake / "bad.txt", fake / "good2.txt", "-f", "csv")
    assert res.exit_code == 1
    frame = pd.read_csv(io.StringIO(res.stdout))
    assert set(frame["chat_id"]) == {"good1", "good2"}
    assert f"{fake / 'bad.txt'}: not a chat export" in res.stderr
    assert "1 of 3 inputs failed" in res.stderr
    assert "Traceback" not in res.output


def test_missing_file_is_a_failed_input(fake: Path) -> None:
    res = run("analyze", fake / "good1.txt", fake / "nope.txt")
    assert res.exit_code == 1
    assert "nope.txt: no such file or folder" in res.stderr


def test_unexpected_error_prints_no_traceback_and_no_chat_text(fake: Path) -> None:
    res = run("analyze", fake / "crash.txt", fake / "good1.txt")
    assert res.exit_code == 1
    assert "unexpected KeyError" in res.stderr
    assert SECRET not in res.output
    assert "Traceback" not in res.output


def test_all_inputs_failing_is_exit_1(fake: Path) -> None:
    res = run("analyze", fake / "bad.txt", "-f", "csv")
    assert res.exit_code == 1
    assert pd.read_csv(io.StringIO(res.stdout)).empty


@pytest.mark.parametrize(
    "args",
    [
        ("analyze", "{f}", "--gap", "soon"),
        ("analyze", "{f}", "--gap", "-2h"),
        ("analyze", "{f}", "--format", "xml"),
        ("analyze", "{f}", "--no-such-option"),
        ("analyze", "{f}", "--bootstrap", "-1"),
        ("report", "{f}", "--people", "{missing}"),
        ("frobnicate",),
    ],
)
def test_usage_errors_exit_2(fake: Path, args: tuple[str, ...]) -> None:
    filled = [a.format(f=fake / "good1.txt", missing=fake / "none.json") for a in args]
    res = run(*filled)
    assert res.exit_code == 2, res.output
    assert "Traceback" not in res.output


def test_invalid_alias_file_is_usage_error(fake: Path) -> None:
    bad = fake / "people.json"
    bad.write_text('{"Sam": "not a list"}', encoding="utf-8")
    res = run("analyze", fake / "good1.txt", "--people", bad)
    assert res.exit_code == 2
    assert "alias file must map each name to a list" in res.stderr


def test_people_file_goes_to_read_chat(fake: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[object] = []
    monkeypatch.setattr(cli, "_read", lambda path, ro: seen.append(ro.people) or _fake_read(path, ro))
    path = fake / "people.toml"
    path.write_text('Sam = ["Sam R"]\nAl = ["+15550100"]\n', encoding="utf-8")
    res = run("analyze", fake / "good1.txt", "--people", path)
    assert res.exit_code == 0
    assert seen == [{"Sam": ["Sam R"], "Al": ["+15550100"]}]
    json_path = fake / "people.json"
    json_path.write_text('{"people": {"Sam": ["S"]}}', encoding="utf-8")
    assert cli.load_people(json_path) == {"Sam": ["S"]}


def test_no_input_is_a_usage_error(fake: Path) -> None:
    res = run("analyze")
    assert res.exit_code == 2
    assert "--sample whatsapp" in res.stderr
    res = run("report", "--sample", "nope")
    assert res.exit_code == 2
    assert "no sample named 'nope'" in res.stderr


def test_report_writes_one_html_for_all_files(fake: Path) -> None:
    out = fake / "r.html"
    res = run("report", fake / "good1.txt", fake / "bad.txt", fake / "good2.txt", "-o", out)
    assert res.exit_code == 1
    page = out.read_text(encoding="utf-8")
    assert page.count("<article") == 2
    assert ">good1</h2>" in page and ">good2</h2>" in page
    assert "bad.txt" in res.stderr


def test_convert_writes_parquet_round_trip(fake: Path) -> None:
    out = fake / "m.parquet"
    res = run("convert", fake / "good1.txt", "-o", out)
    assert res.exit_code == 0
    back = pd.read_parquet(out)
    expected = _fake_read(fake / "good1.txt", cli.ReadOptions())
    pd.testing.assert_frame_equal(back, expected)
    import pyarrow.parquet as pq

    assert pq.read_schema(out).metadata[b"reciprocal.schema_version"] == b"1"
    assert "2 messages" in res.stderr


def test_batch_folder_to_results(tmp_path: Path) -> None:
    from reciprocal.io import read_results
    from reciprocal.samples import sample_path

    folder = tmp_path / "exports"
    folder.mkdir()
    for name in ("a", "b"):
        (folder / f"{name}.txt").write_bytes(sample_path("whatsapp").read_bytes())
    (folder / "broken.txt").write_text("BAD", encoding="utf-8")
    out = tmp_path / "results"
    res = run("batch", folder, "-o", out, "--no-progress", "--bootstrap", "20", "--tz", "UTC")
    assert res.exit_code == 1
    table = read_results(out)
    assert sorted(set(table["chat_id"].dropna())) == ["a", "b"]
    assert set(table.loc[table["status"] == "ok", "source"]) == {str(folder / "a.txt"), str(folder / "b.txt")}
    assert table.loc[table["status"] == "error", "source"].tolist() == [str(folder / "broken.txt")]
    assert "broken.txt" in res.stderr and "FormatError" in res.stderr
    assert "reciprocity_score" in set(table["metric"])


def test_batch_glob_to_stdout_csv(tmp_path: Path) -> None:
    from reciprocal.samples import sample_path

    for name in ("good1", "good2"):
        (tmp_path / f"{name}.txt").write_bytes(sample_path("whatsapp").read_bytes())
    res = run("batch", str(tmp_path / "good*.txt"), "--no-progress", "--bootstrap", "20", "--tz", "UTC")
    assert res.exit_code == 0, res.output
    frame = pd.read_csv(io.StringIO(res.stdout))
    assert sorted(set(frame["chat_id"])) == ["good1", "good2"]


def test_batch_on_worker_processes_equals_in_process(tmp_path: Path) -> None:
    from reciprocal.samples import sample_path

    for name in ("c1", "c2", "c3"):
        (tmp_path / f"{name}.txt").write_bytes(sample_path("whatsapp").read_bytes())
    args = ["batch", str(tmp_path), "--no-progress", "--bootstrap", "20", "--tz", "UTC"]
    local = run(*args)
    pool = run(*args, "--executor", "process", "--workers", "2", "--chunk-size", "1")
    assert local.exit_code == pool.exit_code == 0
    assert local.stdout == pool.stdout


def test_batch_scheduler_needs_dask_executor(tmp_path: Path) -> None:
    res = run("batch", str(tmp_path), "--scheduler", "tcp://127.0.0.1:1")
    assert res.exit_code == 2
    assert "--executor dask" in res.stderr


@pytest.mark.parametrize("command", ["analyze", "report", "convert", "batch", "formats"])
def test_every_command_has_help_with_an_example(command: str) -> None:
    res = run(command, "--help")
    assert res.exit_code == 0
    assert "Example" in res.stdout
    assert f"reciprocal {command}" in res.stdout


def test_version() -> None:
    from reciprocal import __version__

    res = run("--version")
    assert res.exit_code == 0 and res.stdout == f"reciprocal {__version__}\n"


def test_parse_gap() -> None:
    assert cli.parse_gap("adaptive") == "adaptive"
    assert cli.parse_gap("2h") == pd.Timedelta(hours=2)
    assert cli.parse_gap("90min") == pd.Timedelta(minutes=90)
    with pytest.raises(cli.ConfigError):
        cli.parse_gap("0s")
