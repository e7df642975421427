"""Keep-alive connections share gunicorn's workers: closed after a number of requests, and served in turns.

gunicorn serves a keep-alive connection on the worker that accepted it for as long as the client keeps it
open. Clients that post request after request (a load test, a script, a proxy's connection pool) can all
end up on one worker while the other idles: when they connect while one worker is still loading its
models, or when a worker is replaced and its clients reconnect to the one that is left. Measured with 8
such clients on 2 workers x 2 threads (one-off `ss` counts): 8 connections on one worker, and about half the
requests per second. Closing a connection after a number of requests, as nginx's `keepalive_requests`
does, makes its client reconnect, and the new connection goes to whichever worker accepts it first.

Inside a gevent worker, a connection whose client sends its next request as soon as it has read an answer
finds that request already waiting and is served again at once, without giving the loop a chance to
serve the other connections: with 8 such clients on 2 gevent workers, before this module took turns,
`bench --load` measured p50 3.0 ms but p99 175 ms, some clients starved. `take_turns` lets every other
waiting connection go first.
"""

from __future__ import annotations


def close_after(request, limit: int) -> bool:
    """Ask gunicorn to close `request`'s connection after this answer when the connection has carried
    `limit` requests (`limit` 0: never). Returns whether it did.

    `request` is gunicorn's parsed request (the `pre_request` hook's `req`): `req_number` counts the
    requests on its connection from 1, and `must_close` makes gunicorn answer with `Connection: close`.
    """
    if limit > 0 and request.req_number >= limit:
        request.must_close = True
        return True
    return False


def is_gevent_worker(worker) -> bool:
    """Whether `worker` is one of gunicorn's gevent workers (its class lives in gunicorn.workers.ggevent)."""
    return type(worker).__module__ == "gunicorn.workers.ggevent"


def take_turns(worker) -> bool:
    """Under gunicorn's gevent worker, let the connections whose requests are already waiting be served
    before this request (gevent.idle: wait until no other event is pending). Returns whether it waited;
    other workers (sync, gthread) serve in turns by themselves."""
    if not is_gevent_worker(worker):
        return False
    import gevent

    gevent.idle()
    return True
