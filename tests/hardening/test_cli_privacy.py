"""CLI --pseudonymise KEYFILE and --redact: the real pipeline on the bundled sample."""

from __future__ import annotations

import os
import stat

import pandas as pd
from typer.testing import CliRunner

import reciprocal as rc
from reciprocal import cli
from reciprocal.privacy import load_key, pseudonym

runner = CliRunner()


def test_convert_pseudonymises_with_a_new_key_file_and_reuses_it(tmp_path):
    sample = rc.sample_path("whatsapp")
    real = rc.read_chat(sample, tz="UTC")
    names = sorted(set(real["sender"].dropna()))
    key_file = tmp_path / "private.key"
    out1, out2 = tmp_path / "a.parquet", tmp_path / "b.parquet"
    args = ["convert", str(sample), "--tz", "UTC", "--pseudonymise", str(key_file), "--redact"]
    first = runner.invoke(cli.app, [*args, "-o", str(out1)])
    assert first.exit_code == 0, first.output
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    key = load_key(key_file)
    assert key.decode() not in first.output  # the key is never printed
    second = runner.invoke(cli.app, [*args, "-o", str(out2)])
    assert second.exit_code == 0, second.output
    a, b = pd.read_parquet(out1), pd.read_parquet(out2)
    assert sorted(set(a["sender"].dropna())) == sorted(pseudonym(n, key=key) for n in names)
    assert a["sender"].tolist() == b["sender"].tolist()
    assert len(a) == len(real)
    assert not a["chat_id"].isin(real["chat_id"]).any()


def test_analyze_json_with_pseudonymise_names_nobody(tmp_path):
    key_file = tmp_path / "k"
    key_file.write_bytes(b"0123456789abcdef0123456789abcdef\n")
    result = runner.invoke(
        cli.app,
        [
            "analyze",
            "--sample",
            "whatsapp",
            "--tz",
            "UTC",
            "--bootstrap",
            "20",
            "--format",
            "json",
            "--pseudonymise",
            str(key_file),
        ],
    )
    assert result.exit_code == 0, result.output
    real = rc.read_chat(rc.sample_path("whatsapp"), tz="UTC")
    for name in set(real["sender"].dropna()):
        assert name not in result.stdout
    assert (
        pseudonym(sorted(set(real["sender"].dropna()))[0], key=b"0123456789abcdef0123456789abcdef")
        in result.stdout
    )


def test_a_short_key_file_is_a_usage_error(tmp_path):
    key_file = tmp_path / "short.key"
    key_file.write_text("abc\n")
    result = runner.invoke(
        cli.app, ["convert", str(rc.sample_path("whatsapp")), "--pseudonymise", str(key_file)]
    )
    assert result.exit_code == 2
    assert "short.key: the key has 3 byte(s)" in result.output
