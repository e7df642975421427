"""gunicorn settings for the denoiser API: `gunicorn -c backend/gunicorn.conf.py 'denoiser.api.wsgi:app'`.

Each worker imports the app after fork and loads its own models (never --preload: TensorFlow
initialised before fork hangs workers). Prometheus runs in multiprocess mode so /metrics adds up
every worker; the directory is created here, emptied at start and cleaned as workers exit.
"""

import os
import shutil
import tempfile

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
# 2 workers x 2 gthread threads on 2 cores, from `python -m denoiser.bench --load --layouts 1x1,2x1,2x2,2x4,4x1`
# (/denoise PNG, keep-alive clients, 8 s per step): 572 requests/s at 8 clients (p99 30 ms) and 583 at 32
# (p99 70 ms), against 330 and 324 for 1x1, 550 and 564 for 2x1, 563 and 558 for 2x4 (p99 42 and 111 ms) and
# 550 and 557 for 4x1. One client waits least on sync workers (p50 3.2 ms for 2x1, 3.6 ms for 2x2: no hand-off
# between gthread's threads), but a sync worker is held by a slow upload and keeps no connection alive.
# Memory decides the rest: each worker loads every model, and each thread its own TFLite interpreters (peak
# RSS per worker 938 MB with 1 thread, 1,042 MB with 2, 1,144 MB with 4), so the default stays at a worker
# per core.
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "2"))  # gthread workers: keep-alive and overlapping I/O
worker_class = "gthread" if threads > 1 else "sync"
preload_app = False
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))  # TensorFlow import + model load + warm-up
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = 5
# Workers are not recycled by default. A worker's memory stays flat once warm, and a replaced worker spends
# seconds loading every model while the other carries all the load; both workers, having served alike, were
# replaced within moments of each other with the old 5000 +- 500, and the keep-alive clients of a replaced
# worker moved to the other for good (docs/deployment.md, "Workers are not recycled; keep-alive connections
# rotate"). Set it for a leaking custom model; the jitter then defaults to half of it, so that workers are
# replaced at different times.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "0"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", str(max_requests // 2)))
# A keep-alive connection is closed after this many requests (0: never), as nginx's keepalive_requests does,
# so that clients that post without pause spread over the workers again (denoiser.api.connection_reuse)
keepalive_requests = int(os.environ.get("GUNICORN_KEEPALIVE_REQUESTS", "1000"))
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
accesslog = None  # the app logs one JSON line per request
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
limit_request_line = 8190
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

# One TensorFlow thread per worker: with a worker per core, more threads only contend (a single-image
# call takes ~3.5 ms with one thread and ~5.6 ms with TensorFlow's default on a busy 2-core machine).
os.environ.setdefault("DENOISER_TF_THREADS", "1")

_own_dir = "PROMETHEUS_MULTIPROC_DIR" not in os.environ
if _own_dir:
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="denoiser-prometheus-")


def on_starting(server):
    """Start from an empty Prometheus multiprocess directory (stale files would skew counters)."""
    directory = os.environ["PROMETHEUS_MULTIPROC_DIR"]
    os.makedirs(directory, exist_ok=True)
    for name in os.listdir(directory):
        if name.endswith(".db"):
            os.remove(os.path.join(directory, name))


def child_exit(server, worker):
    """Drop a dead worker's live gauges from the multiprocess directory."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server):
    """Remove the multiprocess directory this config created."""
    if _own_dir:
        shutil.rmtree(os.environ["PROMETHEUS_MULTIPROC_DIR"], ignore_errors=True)


def post_worker_init(worker):
    """Answers leave in one write, headers and body together (see denoiser.api.gunicorn_writes)."""
    from denoiser.api import gunicorn_writes

    if not gunicorn_writes.install():
        worker.log.warning("gunicorn's Response is not as expected: headers and body are written apart")


def pre_request(worker, req):
    """Close the connection after its `keepalive_requests`-th request; with DENOISER_PROFILE_DIR set
    (`python -m denoiser.bench --profile`), profile the request."""
    from denoiser import request_profile
    from denoiser.api import connection_reuse

    connection_reuse.close_after(req, keepalive_requests)
    if request_profile.enabled() and request_profile.wanted(req.headers):
        request_profile.start()


def post_request(worker, req, environ, resp):
    """Stop the request's profile (see `pre_request`)."""
    from denoiser import request_profile

    if request_profile.enabled():
        request_profile.stop()


def worker_exit(server, worker):
    """Write the worker's request profile (see `pre_request`)."""
    from denoiser import request_profile

    if request_profile.enabled():
        request_profile.dump()
