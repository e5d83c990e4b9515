"""read -> pseudonymise -> redact -> analyze -> report with every network path refused and recorded.

pytest-socket already disables sockets for the whole suite; here every socket creation, DNS
lookup and connection attempt is also *recorded*, so a library that catches the error and carries
on (a font or a script fetched "if possible") still fails the test.
"""

from __future__ import annotations

import re
import socket

import pytest

import reciprocal as rc
from reciprocal.privacy import pseudonym, pseudonymise, redact

KEY = b"offline-test-key-0123456789abcdef"


@pytest.fixture
def network_attempts(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    attempts: list[str] = []
    real_socket = socket.socket

    class RecordingSocket(real_socket):  # type: ignore[misc,valid-type]
        def __new__(cls, family: int = -1, *args: object, **kwargs: object):
            if family == socket.AF_UNIX:  # event-loop socketpairs: local only
                return real_socket.__new__(cls, family, *args, **kwargs)
            attempts.append(f"socket(family={family})")
            raise OSError("network disabled in this test")

    def refuse(what: str):
        def fn(*args: object, **kwargs: object):
            attempts.append(f"{what}{args[:1]!r}")
            raise OSError(f"{what} disabled in this test")

        return fn

    monkeypatch.setattr(socket, "socket", RecordingSocket)
    for name in ("getaddrinfo", "gethostbyname", "gethostbyname_ex", "create_connection"):
        monkeypatch.setattr(socket, name, refuse(name))
    return attempts


def test_whole_pipeline_runs_offline_and_leaks_no_names(network_attempts, tmp_path):
    messages = rc.read_chat(rc.sample_path("whatsapp"), tz="Europe/London")
    names = sorted(set(messages["sender"].dropna()))
    chats = sorted(set(messages["chat_id"]))
    safe = redact(pseudonymise(messages, key=KEY), region="GB")
    report = rc.analyze(safe, bootstrap=50, seed=1)
    outputs = {"html": report._repr_html_(), "json": report.to_json()}
    if hasattr(report, "to_html"):  # the static report (lands with the report helper)
        path = tmp_path / "report.html"
        report.to_html(path)
        outputs["file"] = path.read_text(encoding="utf-8")
        # Self-contained: nothing is loaded from elsewhere when the file is opened.
        assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", outputs["file"])
    assert network_attempts == []
    for what, text in outputs.items():
        for name in names + chats:
            assert name not in text, f"{what} output contains a real name or chat id"
    assert pseudonym(names[0], key=KEY) in outputs["json"]
