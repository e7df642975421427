"""Spread new connections over gunicorn's gevent workers (installed by gunicorn.conf.py's post_worker_init).

Every worker accepts on the same listening socket, and a new connection goes to whichever worker calls
accept first. A burst of keep-alive clients (a load test, a connection pool opening) can land mostly on one
worker: the one that happens to be running while the other waits for a core. A gevent worker then serves
its share of clients in turns while the other core idles, and the clients stay there until their
connections rotate (`GUNICORN_KEEPALIVE_REQUESTS`). In `bench --load` runs, 32 clients on 2 workers were
once served at 365 requests/s instead of ~700, and 8 clients split 7 to 1.

So a worker in the middle of a request leaves a new connection for `GUNICORN_ACCEPT_DEFER_MS` (default 2 ms)
to the others, then takes it itself if it is still waiting. A worker between requests accepts at once: the
connections of one client that posts one request at a time (a browser, a script, `make bench`) stay on the
worker it warmed, and nginx's one connection per request goes to whichever worker is free.
"""

from __future__ import annotations

import os

DEFAULT_DEFER_MS = 2.0
_requests_in_progress = 0  # in this worker process: requests between gunicorn's pre_request and post_request


def request_started() -> None:
    """Called from gunicorn's pre_request hook."""
    global _requests_in_progress
    _requests_in_progress += 1


def request_finished() -> None:
    """Called from gunicorn's post_request hook (which gunicorn runs even when the request failed)."""
    global _requests_in_progress
    _requests_in_progress = max(0, _requests_in_progress - 1)


def serving() -> bool:
    """Whether this worker is in the middle of a request."""
    return _requests_in_progress > 0


def defer_seconds() -> float:
    """How long a worker in the middle of a request leaves a new connection to the others
    (GUNICORN_ACCEPT_DEFER_MS)."""
    return max(0.0, float(os.environ.get("GUNICORN_ACCEPT_DEFER_MS", DEFAULT_DEFER_MS))) / 1000


def balanced_server_class(defer: float):
    """gevent's StreamServer, deferring accepts by `defer` seconds while its worker is serving a request."""
    from gevent.server import StreamServer

    class BalancedStreamServer(StreamServer):
        """A StreamServer that leaves new connections to idle workers while its worker serves a request."""

        def _do_read(self):
            if self._timer is None and serving():
                self.stop_accepting()
                self._timer = self.loop.timer(defer)
                self._timer.start(self._accept_after_deferring)
                return
            super()._do_read()

        def _accept_after_deferring(self):
            timer, self._timer = self._timer, None
            if timer is not None:
                timer.close()
            if self.started:
                self.start_accepting()
                super()._do_read()  # what is still waiting is this worker's; nothing waiting: no accept

    return BalancedStreamServer


def install(worker) -> bool:
    """For a gevent worker with other workers beside it, make its server defer accepts as described above.
    Returns whether it did (sync and gthread workers, one worker, or a defer of 0: nothing changes)."""
    from denoiser.serving.connection_reuse import is_gevent_worker

    if not is_gevent_worker(worker) or worker.cfg.workers < 2:
        return False
    defer = defer_seconds()
    if defer <= 0:
        return False
    from gunicorn.workers import ggevent

    ggevent.StreamServer = balanced_server_class(defer)  # this worker process's module: run() builds from it
    return True
