"""Importing the text-feature modules must not import spaCy or VADER (they load on first use)."""

from __future__ import annotations

import subprocess
import sys


def test_import_does_not_load_spacy_or_vader() -> None:
    code = (
        "import sys, reciprocal, reciprocal.features, reciprocal.nlp; "
        "print('spacy' in sys.modules, 'vaderSentiment' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd="src")
    assert out.stdout.strip() == "False False"
