"""``import reciprocal`` stays light: public names load on first use (module ``__getattr__``)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import reciprocal

CODE = """
import sys
import reciprocal
heavy = sorted(m for m in ("pandas", "numpy", "pyarrow", "spacy", "matplotlib", "dask") if m in sys.modules)
print(",".join(heavy) or "-")
"""


def test_import_does_not_load_pandas() -> None:
    src = str(Path(reciprocal.__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONPATH": src}
    out = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, check=True, env=env)
    assert out.stdout.strip() == "-"


@pytest.mark.parametrize("name", reciprocal.__all__)
def test_every_public_name_resolves(name: str) -> None:
    assert getattr(reciprocal, name) is not None
    assert name in dir(reciprocal)


def test_batch_stays_the_function_after_the_module_is_imported() -> None:
    import reciprocal.batch
    from reciprocal.batch import batch

    assert reciprocal.batch is batch
    assert callable(reciprocal.batch)


def test_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        _ = reciprocal.nope
