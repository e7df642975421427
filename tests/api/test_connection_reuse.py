"""Keep-alive connections share the workers: closed after a number of requests, so that clients spread
over the workers again, and served in turns inside a gevent worker."""

from __future__ import annotations

import http.client
import threading
import time

import pytest

from denoiser.serving.connection_reuse import close_after, take_turns


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

    for name in ("GUNICORN_MAX_REQUESTS", "GUNICORN_MAX_REQUESTS_JITTER", "GUNICORN_KEEPALIVE_REQUESTS",
                 "GUNICORN_WORKER_CLASS", "GUNICORN_THREADS"):
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


@pytest.mark.parametrize(("env", "worker_class", "threads"), [
    ({}, "gevent", 1),
    ({"GUNICORN_THREADS": "4"}, "gthread", 4),  # threads alone keep meaning gthread, as they did
    ({"GUNICORN_WORKER_CLASS": "sync"}, "sync", 1),
    ({"GUNICORN_WORKER_CLASS": "gthread", "GUNICORN_THREADS": "2"}, "gthread", 2),
])
def test_worker_class(monkeypatch, env, worker_class, threads):
    config = load_gunicorn_config(monkeypatch, **env)
    assert (config["worker_class"], config["threads"]) == (worker_class, threads)


def worker_of(module: str):
    """A stand-in for a gunicorn worker whose class is defined in `module`."""
    return type("Worker", (), {"__module__": module})()


def test_only_gevent_workers_take_turns():
    assert take_turns(worker_of("gunicorn.workers.ggevent")) is True
    assert take_turns(worker_of("gunicorn.workers.gthread")) is False
    assert take_turns(worker_of("gunicorn.workers.sync")) is False


@pytest.fixture(scope="module")
def gevent_server(model_dir, tmp_path_factory, gunicorn_runner):
    """gunicorn with the real config (two gevent workers), serving mnist alone (quick to start) and keeping a
    connection alive for its default 1000 requests: yields (port, log path)."""
    served = tmp_path_factory.mktemp("models")
    (served / "mnist").symlink_to(model_dir / "mnist", target_is_directory=True)
    log_path = served.parent / "gunicorn.log"
    with gunicorn_runner(served, log_path, {
            "WEB_CONCURRENCY": "2", "GUNICORN_WORKER_CLASS": "gevent", "DENOISER_TF_THREADS": "1",
            "GUNICORN_KEEPALIVE_REQUESTS": "1000", "DENOISER_LOG_LEVEL": "INFO"}) as port:
        yield port, log_path


@pytest.mark.e2e
def test_clients_that_post_without_pause_are_served_in_turns(gevent_server, example):
    """Eight keep-alive clients posting /denoise back to back to two gevent workers: the clients of one worker
    each get their share (the request log says which worker served whom). Without turns, a client whose next
    request is already waiting when its answer has gone out is served again at once: in one-off runs, 37 to
    1,690 requests per client, waits up to 436 ms."""
    import json

    from benchmarks.client import Poster

    port, log_path = gevent_server
    image, _ = example
    clients, seconds = 8, 3.0
    start = threading.Barrier(clients)

    def client(index: int) -> None:
        post = Poster(port, "/denoise", {}, image, "image/png", {"X-Request-ID": f"turns-{index}"})
        start.wait()
        deadline = time.perf_counter() + seconds
        try:
            while time.perf_counter() < deadline:
                post()  # RuntimeError on any answer but 200
        finally:
            post.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    served: dict[int, dict[str, int]] = {}  # worker pid -> requests per client
    for line in log_path.read_text().splitlines():
        if line.startswith("{") and '"turns-' in line:
            entry = json.loads(line)
            per_client = served.setdefault(entry["pid"], {})
            per_client[entry["request_id"]] = per_client.get(entry["request_id"], 0) + 1
    assert sum(len(per_client) for per_client in served.values()) == clients
    for per_client in served.values():
        assert min(per_client.values()) >= max(per_client.values()) / 2, f"requests per client and worker: {served}"
