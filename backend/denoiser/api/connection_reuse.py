"""Keep-alive connections spread over gunicorn's workers: each one is closed after a number of requests.

gunicorn serves a keep-alive connection on the worker that accepted it for as long as the client keeps it
open. Clients that post request after request (a load test, a script, a proxy's connection pool) can all
end up on one worker while the other idles: when they connect while one worker is still loading its
models, or when a worker is replaced and its clients reconnect to the one that is left. Measured with 8
such clients on 2 workers x 2 threads (one-off `ss` counts): 8 connections on one worker, and about half the
requests per second. Closing a connection after a number of requests, as nginx's `keepalive_requests`
does, makes its client reconnect, and the new connection goes to whichever worker accepts it first.
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
