"""New connections spread over gevent workers: a worker in the middle of a request leaves a new one a moment to
the others, and one between requests accepts at once (denoiser.serving.balanced_accept)."""

import time
import types

import pytest

from denoiser.serving import balanced_accept

gevent = pytest.importorskip("gevent")


def test_a_worker_serving_a_request_defers_new_connections_and_one_between_requests_accepts_at_once():
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
    clients = []
    try:
        def waited_for_accept() -> float:
            began = time.monotonic()
            clients.append(socket.create_connection(server.address))
            count = len(accepted)
            while len(accepted) == count and time.monotonic() - began < 5:
                gevent.sleep(0.01)
            return accepted[-1] - began

        assert waited_for_accept() < defer / 2  # between requests: at once
        assert waited_for_accept() < defer / 2  # holding idle keep-alive connections changes nothing
        balanced_accept.request_started()
        try:
            assert waited_for_accept() >= defer * 0.9  # serving: left to the other workers for `defer`
        finally:
            balanced_accept.request_finished()
        assert waited_for_accept() < defer / 2
    finally:
        for client in clients:
            client.close()
        server.stop()


def test_the_count_of_requests_in_progress_never_goes_below_zero():
    balanced_accept.request_finished()  # a post_request whose pre_request failed early
    assert not balanced_accept.serving()
    balanced_accept.request_started()
    assert balanced_accept.serving()
    balanced_accept.request_finished()
    assert not balanced_accept.serving()


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
