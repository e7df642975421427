"""gunicorn settings for the denoiser API: `gunicorn -c backend/gunicorn.conf.py 'denoiser.serving.wsgi:app'`.

Each worker imports the app after fork and loads its own models (never --preload: TensorFlow
initialised before fork hangs workers). Prometheus runs in multiprocess mode so /metrics adds up
every worker; the directory is created here, emptied at start and cleaned as workers exit.
"""

import os
import shutil
import tempfile

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
# Two gevent workers on 2 cores: each worker serves one request at a time (the work is all CPU) and waits on
# any number of connections (keep-alive, slow uploads) in greenlets, with no hand-off between threads. Against
# the other layouts (gthread threads, sync workers), measured with `denoiser bench --load` and `make
# bench`: more requests/s, a shorter single request and less memory (docs/deployment.md, "gevent workers").
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))  # for GUNICORN_WORKER_CLASS=gthread
# gevent unless threads are asked for (GUNICORN_THREADS > 1 alone keeps meaning gthread, as it used to)
worker_class = os.environ.get("GUNICORN_WORKER_CLASS") or ("gthread" if threads > 1 else "gevent")
worker_connections = int(os.environ.get("GUNICORN_WORKER_CONNECTIONS", "1000"))  # gevent: open connections per worker
preload_app = False
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))  # TensorFlow import + model load + warm-up
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = 5
# Workers are not recycled by default. A worker's memory stays flat once warm, and a replaced worker spends
# seconds loading every model while the other carries all the load; both workers, having served alike, were
# replaced within moments of each other with the old 5000 +- 500 (docs/deployment.md, "Workers are not
# recycled"). Set it for a leaking custom model; the jitter then defaults to half of it, so that workers are
# replaced at different times.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "0"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", str(max_requests // 2)))
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
accesslog = None  # the app logs one JSON line per request
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
limit_request_line = 8190
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

# One TensorFlow thread per worker: with a worker per core, more threads only contend (a single-image
# call takes ~3.5 ms with one thread and ~5.6 ms with TensorFlow's default on a busy 2-core machine).
os.environ.setdefault("DENOISER_TF_THREADS", "1")

# A reload (SIGHUP) reads this file again in the master, where the variable is already set: the marker says
# the directory is still this config's to remove at exit.
_OWN_MARKER = "DENOISER_OWNS_PROMETHEUS_DIR"
if "PROMETHEUS_MULTIPROC_DIR" not in os.environ:
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="denoiser-prometheus-")
    os.environ[_OWN_MARKER] = os.environ["PROMETHEUS_MULTIPROC_DIR"]
_own_dir = os.environ.get(_OWN_MARKER) == os.environ["PROMETHEUS_MULTIPROC_DIR"]


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


def post_worker_init(worker):
    """Answers leave in one write, headers and body together, so that nginx can retry a request elsewhere when a
    replica dies mid-answer (denoiser.serving.gunicorn_writes; only on the gunicorn it was measured for).

    Then the objects of the loaded app (TensorFlow, Keras and every model) move out of the garbage collector's
    sight (`gc.freeze`): they live as long as the worker, and each full collection scanned them all, a pause on
    whichever request triggered it. `make bench` showed it as 0.9 ms more CPU per request on one metered row in
    every run once the reading made answers allocate more (about 180 ms over the row's 200 requests), and
    shows no such row with the freeze.
    """
    import gc

    from denoiser.serving import gunicorn_writes

    gc.collect()
    gc.freeze()

    if not gunicorn_writes.install():
        worker.log.warning("gunicorn_writes is not installed (written for gunicorn %s): headers and body are "
                           "written apart", ".".join(map(str, gunicorn_writes.WRITTEN_FOR)))


def on_exit(server):
    """Remove the multiprocess directory this config created."""
    if _own_dir:
        shutil.rmtree(os.environ["PROMETHEUS_MULTIPROC_DIR"], ignore_errors=True)

