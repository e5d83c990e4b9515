"""The suite runs with sockets disabled; only tests marked ``allow_loopback`` may reach 127.0.0.1."""

from __future__ import annotations

import socket
import threading

import pytest
from pytest_socket import SocketBlockedError, SocketConnectBlockedError


@pytest.mark.filterwarnings("ignore:A test tried:UserWarning")
def test_internet_sockets_are_blocked_by_default():
    with pytest.raises(SocketBlockedError):
        socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    with pytest.raises(SocketBlockedError):
        socket.create_connection(("192.0.2.1", 80), timeout=0.1)  # TEST-NET-1, never routed


def test_unix_socketpairs_stay_available_for_event_loops():
    a, b = socket.socketpair()
    with a, b:
        a.sendall(b"x")
        assert b.recv(1) == b"x"


@pytest.mark.allow_loopback
@pytest.mark.filterwarnings("ignore:A test tried:UserWarning")
def test_allow_loopback_permits_127_0_0_1_only():
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    with server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        port = server.getsockname()[1]
        accepted: list[bytes] = []

        def serve() -> None:
            conn, _ = server.accept()
            with conn:
                accepted.append(conn.recv(2))

        t = threading.Thread(target=serve)
        t.start()
        with socket.create_connection(("127.0.0.1", port), timeout=5) as client:
            client.sendall(b"ok")
        t.join(5)
        assert accepted == [b"ok"]
    with pytest.raises(SocketConnectBlockedError):
        socket.socket(socket.AF_INET, socket.SOCK_STREAM).connect(("192.0.2.1", 80))
