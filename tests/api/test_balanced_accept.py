"""New connections spread over gevent workers: a worker holding a connection leaves the next one a moment to
the others, and one holding none accepts at once (denoiser.api.balanced_accept)."""

import time
import types

import pytest

from denoiser.api import balanced_accept

gevent = pytest.importorskip("gevent")


def test_a_worker_holding_a_connection_defers_the_next_and_an_empty_one_accepts_at_once():
    from gevent import socket
    from gevent.pool import Pool

    defer = 0.3
    accepted: list[float] = []

    def hold(connection, _address):
        accepted.append(time.monotonic())
        while connection.recv(64):
            pass

    server = balanced_accept.balanced_server_class(defer)(("127.0.0.1", 0), hold, spawn=Pool(10))
    server.start()
    try:
        def connect_and_wait():
            began = time.monotonic()
            client = socket.create_connection(server.address)
            count = len(accepted)
            while len(accepted) == count and time.monotonic() - began < 5:
                gevent.sleep(0.01)
            return client, accepted[-1] - began

        first, waited_first = connect_and_wait()
        assert waited_first < defer / 2  # nothing held: accepted at once
        second, waited_second = connect_and_wait()
        assert waited_second >= defer * 0.9  # the first is held: left to other workers for `defer`
        first.close()
        second.close()
        while server.pool.free_count() < server.pool.size:
            gevent.sleep(0.01)
        third, waited_third = connect_and_wait()
        assert waited_third < defer / 2  # all closed again: at once
        third.close()
    finally:
        server.stop()


def fake_worker(module: str, workers: int):
    worker_class = type("Worker", (), {"__module__": module})
    worker = worker_class()
    worker.cfg = types.SimpleNamespace(workers=workers)
    return worker


def test_only_gevent_workers_beside_others_defer(monkeypatch):
    from gunicorn.workers import ggevent

    original = ggevent.StreamServer
    try:
        assert not balanced_accept.install(fake_worker("gunicorn.workers.gthread", 2))
        assert not balanced_accept.install(fake_worker("gunicorn.workers.ggevent", 1))  # no one to leave it to
        monkeypatch.setenv("GUNICORN_ACCEPT_DEFER_MS", "0")
        assert not balanced_accept.install(fake_worker("gunicorn.workers.ggevent", 2))
        assert ggevent.StreamServer is original
        monkeypatch.setenv("GUNICORN_ACCEPT_DEFER_MS", "5")
        assert balanced_accept.defer_seconds() == 0.005
        assert balanced_accept.install(fake_worker("gunicorn.workers.ggevent", 2))
        assert issubclass(ggevent.StreamServer, original) and ggevent.StreamServer is not original
    finally:
        ggevent.StreamServer = original
