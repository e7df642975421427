"""Request ids, one-line JSON request logs and Prometheus metrics (multiprocess-aware)."""

from __future__ import annotations

import json
import logging
import os
import re
import sys
import time
import uuid
from contextlib import contextmanager

from flask import Blueprint, Flask, Response, g, request
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest

bp = Blueprint("observability", __name__)
log = logging.getLogger("denoiser.serving")
REQUEST_ID_PATTERN = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)

REQUESTS = Counter("denoiser_http_requests_total", "HTTP requests answered.", ["method", "route", "status"])
LATENCY = Histogram("denoiser_http_request_duration_seconds", "Time to answer an HTTP request.",
                    ["method", "route"], buckets=LATENCY_BUCKETS)
MODEL_LATENCY = Histogram("denoiser_model_call_duration_seconds", "Time inside a SavedModel signature.",
                          ["model", "signature"], buckets=LATENCY_BUCKETS)


class JsonFormatter(logging.Formatter):
    """One JSON object per line; request fields come from the record's `fields` attribute."""

    def format(self, record: logging.LogRecord) -> str:
        """Render the record as a single JSON line."""
        entry = {"ts": round(record.created, 3), "level": record.levelname.lower(), "logger": record.name,
                 "pid": record.process, "message": record.getMessage()}
        entry.update(getattr(record, "fields", {}))
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry)


def setup_logging(level: str) -> None:
    """Send the `denoiser` loggers to stderr as JSON lines (once per process)."""
    logger = logging.getLogger("denoiser")
    logger.setLevel(level)
    if not any(isinstance(h.formatter, JsonFormatter) for h in logger.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(JsonFormatter())
        logger.addHandler(handler)
        logger.propagate = False


@contextmanager
def observe_model(model: str, signature: str):
    """Time a signature call into the model-latency histogram."""
    started = time.perf_counter()
    try:
        yield
    finally:
        MODEL_LATENCY.labels(model, signature).observe(time.perf_counter() - started)


def _route() -> str:
    return request.url_rule.rule if request.url_rule is not None else "<unmatched>"


def _begin() -> None:
    g.started = time.perf_counter()
    incoming = request.headers.get("X-Request-ID", "")
    g.request_id = incoming if REQUEST_ID_PATTERN.match(incoming) else uuid.uuid4().hex


def _finish(response: Response) -> Response:
    seconds = time.perf_counter() - g.get("started", time.perf_counter())
    route = _route()
    response.headers["X-Request-ID"] = g.get("request_id", "")
    REQUESTS.labels(request.method, route, str(response.status_code)).inc()
    LATENCY.labels(request.method, route).observe(seconds)
    log.info("request", extra={"fields": {
        "request_id": g.get("request_id"), "method": request.method, "route": route, "path": request.path,
        "status": response.status_code, "ms": round(seconds * 1000, 2)}})
    return response


def metrics_registry() -> CollectorRegistry | None:
    """A registry aggregating all gunicorn workers when PROMETHEUS_MULTIPROC_DIR is set, else None."""
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return None
    from prometheus_client import multiprocess

    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    return registry


@bp.get("/metrics")
def metrics():
    """Prometheus text exposition of every worker's counters and histograms."""
    registry = metrics_registry()
    body = generate_latest(registry) if registry is not None else generate_latest()
    return Response(body, mimetype=CONTENT_TYPE_LATEST.split(";")[0],
                    headers={"Content-Type": CONTENT_TYPE_LATEST})


def register(app: Flask) -> None:
    """Install the request hooks and the /metrics route."""
    app.before_request(_begin)
    app.after_request(_finish)
    app.register_blueprint(bp)

