"""`denoiser bench --load`: throughput of /denoise under concurrent clients, per server layout.

For each gunicorn layout (workers x threads, or workers x gevent) a fresh server is started with
`backend/gunicorn.conf.py`; every server thread runs every served model once (POST /compare), then 1, 8 and 32
clients (threads here, each with its own keep-alive connection: server.Poster) post the example digit for a
fixed time. Reported: requests/s, p50 and p99 latency, errors, the workers' CPU time per request (psutil; what
a request costs the server under that load) and each worker's peak resident memory. The clients share the
server's 2 cores, so the figures are what one machine serves to itself: compare layouts within one run, not
with another machine.

Why threads and not Locust: the clients' own CPU time is taken from the server's cores, and Locust's is the
larger. Against one gunicorn of 2 gevent workers, 8 clients, 5 s windows taken in turns, the first round:
Locust (FastHttpUser, headless, as a library in a process of its own) 777 requests/s, a thread per client
with http.client 875, the former hand-written client 945; over a second run, Locust 782 against that
client's 919 (-15%), http.client threads -6% and -7% in the rounds the machine was otherwise idle.
"""

from __future__ import annotations

import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from benchmarks.server import Poster, cpu_metered, free_port, peak_rss_mb, start_gunicorn, worker_processes

# (workers, threads per gthread worker; 1 is a sync worker) or (workers, "gevent")
LAYOUTS = ((1, "gevent"), (2, "gevent"), (1, 1), (2, 1), (2, 2), (2, 4), (4, 1))
CLIENTS = (1, 8, 32)


def parse_layouts(text: str) -> tuple:
    """"2xgevent,2x2" -> ((2, "gevent"), (2, 2)): workers x gevent, or workers x threads."""
    layouts = []
    for layout in text.split(","):
        workers, _, kind = layout.strip().partition("x")
        layouts.append((int(workers), kind if kind == "gevent" else int(kind)))
    return tuple(layouts)


def threads_of(kind) -> int:
    """Threads per worker of a layout's kind: a gevent worker runs everything on one."""
    return 1 if kind == "gevent" else kind


def layout_env(workers: int, kind) -> dict[str, str]:
    """The gunicorn.conf.py environment for a layout (one TF thread per worker, as served)."""
    worker_class = "gevent" if kind == "gevent" else ("gthread" if kind > 1 else "sync")
    return {"WEB_CONCURRENCY": str(workers), "GUNICORN_WORKER_CLASS": worker_class,
            "GUNICORN_THREADS": str(threads_of(kind)), "DENOISER_TF_THREADS": "1"}


def drive(port: int, image: bytes, clients: int, seconds: float, accept: str = "image/png") -> dict:
    """`clients` threads posting /denoise for `seconds`; throughput, latency percentiles and errors."""
    latencies: list[list[float]] = [[] for _ in range(clients)]
    errors = [0] * clients
    start = threading.Barrier(clients + 1)
    deadline = [0.0]

    def client(index: int) -> None:
        post = Poster(port, "/denoise", {"model": "mnist", "seed": "0"}, image, accept)
        start.wait()
        while time.perf_counter() < deadline[0]:
            began = time.perf_counter()
            try:
                post()
                latencies[index].append(time.perf_counter() - began)
            except Exception:  # a failed request counts; the Poster opens a new connection for the next
                errors[index] += 1
        post.close()

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
    for thread in threads:
        thread.start()
    deadline[0] = time.perf_counter() + seconds
    start.wait()
    for thread in threads:
        thread.join(seconds + 60)
    done = np.array([value for values in latencies for value in values]) * 1000
    return {"clients": clients, "seconds": seconds, "requests": int(done.size), "errors": int(sum(errors)),
            "requests_per_second": round(done.size / seconds, 1),
            "p50_ms": round(float(np.percentile(done, 50)), 2) if done.size else None,
            "p99_ms": round(float(np.percentile(done, 99)), 2) if done.size else None}


def warm_every_model(port: int, image: bytes, requests: int) -> None:
    """POST /compare `requests` times from as many threads, so that every server thread has run every
    model (each thread holds its own TFLite interpreters): the memory figures are then the worst case."""
    from concurrent.futures import ThreadPoolExecutor

    def compare(_):
        post = Poster(port, "/compare", {"seed": "0"}, image, "application/json")
        try:
            post()
        finally:
            post.close()

    with ThreadPoolExecutor(max_workers=requests) as pool:
        list(pool.map(compare, range(requests)))


def worker_peak_rss_mb(master_pid: int) -> list[float]:
    """Peak resident memory of each gunicorn worker of `master_pid`, in MB."""
    return [peak_rss_mb(worker) for worker in worker_processes(master_pid)]


@contextmanager
def warm_server(model_dir: Path, image: bytes, env: dict[str, str], warm_requests: int):
    """A fresh gunicorn (`env` over gunicorn.conf.py's defaults) with every model run `warm_requests` times
    and every worker warmed; yields (its process, port, log path), and stops it afterwards."""
    port = free_port()
    with tempfile.TemporaryDirectory() as scratch:
        log = Path(scratch) / "gunicorn.log"
        server = start_gunicorn(model_dir, port, log, env)
        try:
            warm_every_model(port, image, warm_requests)
            drive(port, image, 4, 2.0)  # warm every worker and thread
            yield server, port, log
        finally:
            server.terminate()
            server.wait(30)


def load_timing(model_dir: Path, image: bytes, layouts=LAYOUTS, clients=CLIENTS, seconds: float = 10.0) -> dict:
    """Every layout under every client count; a fresh gunicorn per layout (1 TF thread per worker)."""
    rows = []
    for workers, threads in layouts:
        env = layout_env(workers, threads)
        with warm_server(model_dir, image, env, 2 * workers * threads_of(threads)) as (server, port, _):
            served_by = worker_processes(server.pid)
            for count in clients:
                row, cpu = cpu_metered(served_by, lambda count=count: drive(port, image, count, seconds))
                row = {"workers": workers, "threads": threads, **row}
                row["server_cpu_ms"] = round(1000 * cpu / row["requests"], 2) if row["requests"] else None
                rows.append(row)
                print(load_row(rows[-1]), flush=True)
            rss = worker_peak_rss_mb(server.pid)
            for row in rows[-len(clients):]:
                row["worker_peak_rss_mb"] = rss
            print(f"{workers} x {threads}: peak RSS per worker {', '.join(f'{mb:.0f}' for mb in rss)} MB "
                  "(a worker gunicorn replaced after max_requests starts again from its load)", flush=True)
    return {"rows": rows}


def sustained_timing(model_dir: Path, image: bytes, seconds: float = 90.0, clients: int = 8,
                     window: float = 10.0) -> dict:
    """`clients` clients for `seconds` on the server's default layout and settings (gunicorn.conf.py as it
    stands, one TF thread per worker), in windows of `window` seconds: a dip shows what a worker restart or
    a stall costs, which a short run between them misses. Also counts gunicorn's worker restarts."""
    with warm_server(model_dir, image, {"DENOISER_TF_THREADS": "1"}, 4) as (_, port, log):
        windows = []
        for _ in range(max(1, round(seconds / window))):
            windows.append(drive(port, image, clients, window))
            print(f"{len(windows) * window:>5.0f} s {windows[-1]['requests_per_second']:>10.1f} requests/s",
                  flush=True)
        restarts = log.read_text().count("Autorestarting worker")
    requests = sum(row["requests"] for row in windows)
    return {"clients": clients, "seconds": window * len(windows), "requests": requests,
            "requests_per_second": round(requests / (window * len(windows)), 1),
            "errors": sum(row["errors"] for row in windows), "worker_restarts": restarts,
            "windows": [row["requests_per_second"] for row in windows]}


def sustained_report(results: dict) -> str:
    """The rate over the whole run, its windows, errors and worker restarts."""
    windows = results["windows"]
    return (f"{results['clients']} clients for {results['seconds']:.0f} s on the default layout: "
            f"{results['requests_per_second']:.1f} requests/s ({results['requests']} requests, "
            f"{results['errors']} errors); windows {min(windows):.0f}-{max(windows):.0f} requests/s; "
            f"{results['worker_restarts']} worker restarts")


def load_row(row: dict) -> str:
    """One table line."""
    return (f"{row['workers']} x {row['threads']:<8} {row['clients']:>7} {row['requests_per_second']:>10.1f} "
            f"{row['p50_ms'] or 0:>9.2f} {row['p99_ms'] or 0:>9.2f} {row['errors']:>7} "
            f"{row['server_cpu_ms'] if row.get('server_cpu_ms') else '-':>10}")


def load_report(results: dict) -> str:
    """The table, and the best layout at 8 clients."""
    import os

    header = (f"POST /denoise (PNG answer), concurrent keep-alive clients; {os.cpu_count()} CPUs, "
              f"load average {os.getloadavg()[0]:.1f}\n"
              "workers x threads  clients  requests/s   p50 ms    p99 ms  errors  CPU ms/req")
    lines = [header] + [load_row(row) for row in results["rows"]]
    at8 = [row for row in results["rows"] if row["clients"] == 8 and not row["errors"]]
    if at8:
        best = max(at8, key=lambda row: row["requests_per_second"])
        lines.append(f"best at 8 clients: {best['workers']} workers x {best['threads']}"
                     f"{'' if best['threads'] == 'gevent' else ' threads'}, "
                     f"{best['requests_per_second']:.0f} requests/s, p99 {best['p99_ms']:.1f} ms")
    return "\n".join(lines)
