"""Keep-alive connections are closed after a number of requests, so clients spread over the workers again."""

from __future__ import annotations

import http.client

import pytest

from denoiser.api.connection_reuse import close_after


class Request:
    """What close_after reads and sets on gunicorn's parsed request."""

    def __init__(self, req_number: int):
        self.req_number = req_number
        self.must_close = False


@pytest.mark.parametrize(("number", "limit", "closes"), [
    (1, 1000, False), (999, 1000, False), (1000, 1000, True), (1001, 1000, True),
    (1, 1, True), (5000, 0, False),
])
def test_close_after_the_limit(number, limit, closes):
    request = Request(number)
    assert close_after(request, limit) is closes
    assert request.must_close is closes


def test_a_closed_request_stays_closed_below_the_limit():
    """A request that already asked to close (`Connection: close`) is left so."""
    request = Request(1)
    request.must_close = True
    assert close_after(request, 1000) is False
    assert request.must_close is True


@pytest.mark.e2e
def test_live_server_closes_a_connection_after_its_last_request(live_server, live_keepalive_requests):
    """Requests 1 .. N-1 on one connection are answered keep-alive, the N-th with `Connection: close`; the
    client's next request goes out on a new connection and is answered."""
    base, _ = live_server
    limit = live_keepalive_requests
    host, port = base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    try:
        answers = []
        for _ in range(limit + 1):
            connection.request("GET", "/healthz")
            response = connection.getresponse()
            response.read()
            answers.append((response.status, response.getheader("Connection"), connection.sock is None))
    finally:
        connection.close()
    statuses = [status for status, _, _ in answers]
    assert statuses == [200] * (limit + 1)
    assert [header for _, header, _ in answers[:limit - 1]] == ["keep-alive"] * (limit - 1)
    assert answers[limit - 1][1] == "close"
    assert answers[limit - 1][2]  # http.client dropped the closed socket
    assert answers[limit][1] == "keep-alive"  # the first request of a new connection


def load_gunicorn_config(monkeypatch, **env) -> dict:
    """backend/gunicorn.conf.py's settings, read under `env` (as gunicorn reads the file)."""
    import runpy
    from pathlib import Path

    for name in ("GUNICORN_MAX_REQUESTS", "GUNICORN_MAX_REQUESTS_JITTER", "GUNICORN_KEEPALIVE_REQUESTS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", "unused")  # the config makes none of its own then
    return runpy.run_path(str(Path(__file__).parents[2] / "backend" / "gunicorn.conf.py"))


def test_workers_are_not_recycled_by_default(monkeypatch):
    config = load_gunicorn_config(monkeypatch)
    assert (config["max_requests"], config["max_requests_jitter"], config["keepalive_requests"]) == (0, 0, 1000)


def test_recycled_workers_are_spread_by_half_the_limit(monkeypatch):
    """With GUNICORN_MAX_REQUESTS set, workers that served alike are still replaced at different times."""
    config = load_gunicorn_config(monkeypatch, GUNICORN_MAX_REQUESTS="20000", GUNICORN_KEEPALIVE_REQUESTS="0")
    assert (config["max_requests"], config["max_requests_jitter"], config["keepalive_requests"]) == (20000, 10000, 0)
