"""``errors=`` in batch(): the same three modes over every importer's example plus a hostile file."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

import reciprocal as rc
from reciprocal.batch import BatchWarning

from . import hostile
from .common import specs

CANARY = "Zqx7BatchSecret"


@pytest.fixture
def exports(tmp_path):
    found = specs()
    if not found:
        pytest.skip("no importer registered yet")
    paths = []
    for spec in found:
        folder = tmp_path / spec.name
        folder.mkdir()
        path = folder / hostile.example_name(spec)
        path.write_bytes(hostile.example_bytes(spec))
        paths.append(path)
    junk = tmp_path / "junk.txt"
    junk.write_bytes(hostile.seeded("batch").randbytes(4096) + CANARY.encode())
    return paths, junk


def _batch(paths, errors):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        table = rc.batch([str(p) for p in paths], tz="UTC", errors=errors, bootstrap=0, features="timing")
    return table, [w for w in caught if issubclass(w.category, BatchWarning)]


def test_batch_errors_modes_agree(exports):
    paths, junk = exports
    warn, warn_w = _batch([*paths, junk], "warn")
    ignore, ignore_w = _batch([*paths, junk], "ignore")
    pd.testing.assert_frame_equal(warn, ignore)
    failed = warn.loc[warn["status"] == "error"]
    assert failed["source"].tolist() == [str(junk)]
    assert failed["error"].str.startswith("FormatError").all()
    assert set(warn.loc[warn["status"] == "ok", "source"]) == {str(p) for p in paths}
    assert [str(junk) in str(w.message) for w in warn_w if "failed" in str(w.message)] == [True]
    assert not [w for w in ignore_w if "failed" in str(w.message)]
    for text in [*warn["error"].dropna(), *(str(w.message) for w in warn_w)]:
        assert CANARY not in text
    with pytest.raises(rc.FormatError, match="junk.txt"):
        _batch([*paths, junk], "raise")
