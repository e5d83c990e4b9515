"""batch(): many exports → one tidy table; identical in-process, on processes and on Dask."""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import batch_support as bs
from reciprocal.batch import RESULT_COLUMNS, BatchWarning, _batch, expand_sources
from reciprocal.errors import ConfigError, FormatError
from reciprocal.io import read_results

bs.unregister()  # registered again per test by the fixture; keep other tests' registry clean


@pytest.fixture(autouse=True)
def toy_format() -> Iterator[None]:
    bs.register()
    yield
    bs.unregister()


def run(sources: Any, **kw: Any) -> pd.DataFrame:
    opts: dict[str, Any] = {
        "executor": None,
        "out": None,
        "chunk_size": None,
        "tz": "UTC",
        "people": None,
        "errors": "warn",
        "progress": None,
        "analyze_options": {},
        "scorer": bs.toy_scorer,
    }
    opts.update(kw)
    return _batch(sources, **opts)


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """12 toy chats of 20..130 messages, one corrupt export in the middle, one hidden file."""
    folder = tmp_path / "exports"
    folder.mkdir()
    for i in range(12):
        bs.write_toy_chat(folder / f"chat{i:02d}.btoy", n=20 + 10 * i, seed=i)
    (folder / "chat05b.btoy").write_bytes(b"\x00\x01 this is not a chat export at all \xff")
    (folder / ".hidden.btoy").write_text("ignored", encoding="utf-8")
    return folder


def test_hand_computed_values(tmp_path: Path) -> None:
    bs.write_toy_chat(tmp_path / "a.btoy", n=6, seed=1)  # Ana writes messages 0 and 3 of 0..5
    table = run([tmp_path / "a.btoy"])
    assert list(table.columns) == list(RESULT_COLUMNS)
    got = {(r.person, r.metric): (r.value, r.n) for r in table.itertuples()}
    # lengths: "msg 0 "=6, "msg 3 xxx"=9 (Ana); "msg 1 x"=7, "msg 2 xx"=8, "msg 4 xxxx"=10, "msg 5 xxxxx"=11
    assert got == {
        ("Ana", "message_share"): (pytest.approx(2 / 6), 2),
        ("Ben", "message_share"): (pytest.approx(4 / 6), 4),
        ("Ana", "mean_length"): (7.5, 2),
        ("Ben", "mean_length"): (9.0, 4),
    }
    assert set(table["source"]) == {str(tmp_path / "a.btoy")}
    assert table["status"].tolist() == ["ok"] * 4
    assert table["error"].isna().all()


def test_expand_sources(corpus: Path) -> None:
    got = expand_sources([corpus, str(corpus / "chat0*.btoy"), corpus / "missing.btoy", "nomatch/*.x"])
    names = [Path(p).name for p in got]
    assert names[:13] == sorted([f"chat{i:02d}.btoy" for i in range(12)] + ["chat05b.btoy"])
    assert ".hidden.btoy" not in names  # hidden entries of a folder are skipped
    assert names[13:] == ["missing.btoy", "*.x"]  # the glob matches add nothing new: duplicates read once
    assert len(got) == len(set(got))


def test_failures_are_reported_and_the_rest_completes(corpus: Path) -> None:
    missing = corpus / "gone.btoy"
    with pytest.warns(BatchWarning, match="2 export") as rec:
        table = run([corpus, missing], chunk_size=3)
    errors = table[table["status"] == "error"]
    assert [Path(s).name for s in errors["source"]] == ["chat05b.btoy", "gone.btoy"]
    assert errors["error"].iloc[0].startswith("FormatError: ")
    assert errors["error"].iloc[1].startswith("SourceError: ")
    assert errors[["chat_id", "person", "metric", "value", "n"]].isna().all().all()
    ok = table[table["status"] == "ok"]
    assert ok["source"].nunique() == 12  # every other export completed
    assert len(ok) == 12 * 2 * 2  # chats x persons x metrics
    assert "chat05b.btoy" in str(rec[0].message)
    # Rows follow the input order (sorted folder entries, then the extra path).
    order = list(dict.fromkeys(Path(s).name for s in table["source"]))
    assert order == [*sorted([f"chat{i:02d}.btoy" for i in range(12)] + ["chat05b.btoy"]), "gone.btoy"]


def test_errors_ignore_and_raise(corpus: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        table = run([corpus], errors="ignore")
    assert (table["status"] == "error").sum() == 1
    with pytest.raises(FormatError, match="chat05b"):
        run([corpus], errors="raise")


def test_bad_options() -> None:
    with pytest.raises(ConfigError, match="errors"):
        run([], errors="loud")
    with pytest.raises(ConfigError, match="chunk_size"):
        run([], chunk_size=0)
    with pytest.raises(ConfigError, match="Executor"):
        run([], executor=object())


def test_empty_batch() -> None:
    table = run([])
    assert table.empty
    assert list(table.columns) == list(RESULT_COLUMNS)


def test_progress_and_out_dataset(corpus: Path, tmp_path: Path) -> None:
    calls: list[tuple[int, int]] = []
    out = tmp_path / "results"
    with pytest.warns(BatchWarning):
        table = run([corpus], chunk_size=5, out=out, progress=lambda d, t: calls.append((d, t)))
    assert calls == [(5, 13), (10, 13), (13, 13)]
    assert len(list(out.glob("*.parquet"))) == 3  # one part per chunk
    back = read_results(out)
    pd.testing.assert_frame_equal(back, table, check_exact=True)


def _reference(corpus: Path) -> pd.DataFrame:
    with pytest.warns(BatchWarning):
        return run([corpus], chunk_size=4)


def test_process_pool_equals_in_process(corpus: Path) -> None:
    expected = _reference(corpus)
    with ProcessPoolExecutor(2) as pool, pytest.warns(BatchWarning):
        got = run([corpus], executor=pool, chunk_size=4)
    pd.testing.assert_frame_equal(got, expected, check_exact=True)
    assert got.equals(expected)


def test_worker_temp_files_go_to_a_private_folder(corpus: Path) -> None:
    with ProcessPoolExecutor(1) as pool:
        table = run([corpus / "chat00.btoy"], executor=pool, scorer=bs.tempdir_scorer)
    assert table["note"].tolist() == ["0o700"]


def test_chats_are_scored_with_one_blas_thread(corpus: Path) -> None:
    from threadpoolctl import threadpool_info, threadpool_limits

    # Outside a batch the pools may use several threads (pinned to 2 here so the test can fail).
    with threadpool_limits(limits=2):
        before = max((int(p["num_threads"]) for p in threadpool_info()), default=1)
        table = run([corpus / "chat00.btoy"], scorer=bs.blas_threads_scorer)
    assert table["note"].tolist() == ["1"]
    assert before == 2 or not threadpool_info()


@pytest.fixture(scope="module")
def dask_client() -> Iterator[Any]:
    """A real 2-process Dask cluster on loopback (sockets allowed for 127.0.0.1 only)."""
    distributed = pytest.importorskip("dask.distributed")
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        yield client


@pytest.mark.allow_loopback  # the local Dask cluster on 127.0.0.1 (tests/conftest.py)
def test_dask_local_cluster_equals_in_process(corpus: Path, dask_client: Any) -> None:
    expected = _reference(corpus)
    with pytest.warns(BatchWarning):
        got = run([corpus], executor=dask_client.get_executor(), chunk_size=4)
    workers = dask_client.run(lambda: __import__("os").getpid())
    assert len(set(workers.values())) == 2
    pd.testing.assert_frame_equal(got, expected, check_exact=True)
    assert got.equals(expected)


@pytest.fixture
def csv_corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "csv"
    folder.mkdir()
    for i in range(6):
        bs.write_csv_chat(folder / f"pair{i}.csv", n=120 + 16 * i, seed=i)
    (folder / "zz_broken.csv").write_bytes(b"\xff\xfe\x00garbage;;\n\x00\x00")
    return folder


@pytest.mark.allow_loopback  # the local Dask cluster on 127.0.0.1 (tests/conftest.py)
def test_real_analysis_is_identical_on_every_executor(csv_corpus: Path, dask_client: Any) -> None:
    import reciprocal as rc

    opts: dict[str, Any] = {"tz": "UTC", "bootstrap": 40, "seed": 3, "chunk_size": 2}
    with pytest.warns(BatchWarning, match="zz_broken.csv"):
        local = rc.batch(csv_corpus, **opts)
    # Each export's rows are exactly analyze(read_chat(export)).scores.
    for i in range(6):
        path = csv_corpus / f"pair{i}.csv"
        report = rc.analyze(rc.read_chat(path, tz="UTC"), bootstrap=40, seed=3)
        mine = local[local["source"] == str(path)].reset_index(drop=True)
        persons = mine[mine["partner"].isna()].drop(columns=["source", "status", "error", "partner"])
        pd.testing.assert_frame_equal(
            persons.reset_index(drop=True), report.scores, check_dtype=False, check_exact=True
        )
        pairs = mine[mine["partner"].notna()].reset_index(drop=True)
        assert len(pairs) == len(report.dyads) > 0
        assert pairs["person"].tolist() == report.dyads["person_a"].tolist()
        assert pairs["partner"].tolist() == report.dyads["person_b"].tolist()
        assert pairs["value"].equals(report.dyads["value"].astype("float64"))
        assert "reciprocity_score" in set(pairs["metric"])
    assert local.loc[local["status"] == "error", "source"].tolist() == [str(csv_corpus / "zz_broken.csv")]
    assert local["metric"].eq("initiation_share").sum() == 12
    with ProcessPoolExecutor(2) as pool, pytest.warns(BatchWarning):
        on_pool = rc.batch(csv_corpus, executor=pool, **opts)
    with pytest.warns(BatchWarning):
        on_dask = rc.batch(csv_corpus, executor=dask_client.get_executor(), **opts)
    pd.testing.assert_frame_equal(on_pool, local, check_exact=True)
    pd.testing.assert_frame_equal(on_dask, local, check_exact=True)


def test_read_options_reach_read_chat(tmp_path: Path) -> None:
    bs.write_csv_chat(tmp_path / "p.csv", n=40, seed=2)
    people = {"Anabel": ["Ana"], "Benedict": ("Ben",)}
    table = run([tmp_path / "p.csv"], people=people, me="Anabel", format="csv")
    assert set(table["person"]) == {"Anabel", "Benedict"}
    with pytest.warns(BatchWarning, match="FormatError"):
        failed = run([tmp_path / "p.csv"], format="telegram")  # the wrong format for every export
    assert failed["status"].tolist() == ["error"]


def test_open_executor_by_name(corpus: Path) -> None:
    from reciprocal.batch import open_executor

    with open_executor("none") as ex:
        assert ex is None
    with open_executor("process", workers=2) as ex:
        assert isinstance(ex, ProcessPoolExecutor)
        assert ex.submit(sum, [1, 2]).result() == 3
    with pytest.raises(ConfigError, match="none, process, dask"), open_executor("spark"):
        pass
    with pytest.raises(ConfigError, match="workers"), open_executor("process", workers=0):
        pass


@pytest.mark.allow_loopback  # the local Dask cluster on 127.0.0.1 (tests/conftest.py)
def test_open_executor_local_dask(corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from reciprocal.batch import open_executor

    monkeypatch.delenv("DASK_SCHEDULER_ADDRESS", raising=False)
    expected = _reference(corpus)
    # A default Dask cluster sets it in this process too (its nannies live here); workers inherit it.
    monkeypatch.delenv("MALLOC_TRIM_THRESHOLD_", raising=False)
    with open_executor("dask", workers=1) as ex:
        # The worker runs without the statistical profiler (no dashboard to show it).
        import dask

        assert ex.submit(dask.config.get, "distributed.worker.profile.enabled").result() is False
        # ... and without Dask's MALLOC_TRIM_THRESHOLD_ (see LOCAL_CLUSTER_CONFIG), one BLAS thread kept.
        env = ex.submit(lambda: dict(os.environ)).result()
        assert "MALLOC_TRIM_THRESHOLD_" not in env
        assert env["OMP_NUM_THREADS"] == "1"
        with pytest.warns(BatchWarning):
            got = run([corpus], executor=ex, chunk_size=4)
    pd.testing.assert_frame_equal(got, expected, check_exact=True)
