"""gunicorn sends an answer's headers and the start of its body in one write (installed by gunicorn.conf.py).

gunicorn's `Response.write` sends the status line and headers with one `sendall` and the body with a
second. The thread releases the GIL during the first, and under load it can wait milliseconds to get it
back. A replica killed in that gap (a crash, an out-of-memory kill) leaves nginx with headers it has
already passed on to the client. nginx can then no longer retry the request on another replica
(`proxy_next_upstream`), and the client gets a cut-off answer. `make test-containers`, which kills one of
three replicas under load, saw two answers cut this way in one run ("upstream prematurely closed
connection while reading upstream"). With one write, a killed replica has sent either nothing (nginx then
retries the request elsewhere) or the headers with the body that went out in the same write: all of any
answer the socket's send buffer holds at once.

Measured through the deployed nginx template in front of two replicas of two gevent workers each, 8 clients
posting /denoise and a whole replica SIGKILLed every few seconds (10 kills per run, 2-core machine under
load): 5 answers cut in 7,160 without this module, none in 5,553 with it. The gap is not only the Python
between the two sendalls: the header write wakes nginx, which can take the core from the worker right there.

It is a patch of gunicorn's internals, so it is installed only on the gunicorn it was written and measured for
(`WRITTEN_FOR`); on any other version gunicorn.conf.py logs a warning and gunicorn writes as it ships.
"""

from __future__ import annotations

WRITTEN_FOR = (27, 0, 1)  # gunicorn.version_info this was written and measured for
MARK = "_denoiser_sends_headers_with_body"


class _Collected:
    """Stands in for the socket while gunicorn writes the headers and the first body chunk."""

    def __init__(self):
        self.data = bytearray()

    def sendall(self, data) -> None:
        self.data += data


def install() -> bool:
    """Make gunicorn's HTTP/1 `Response.write` put the headers and the first body chunk in one `sendall`.

    Everything else is gunicorn's own code: its headers, its body-length bookkeeping, chunked bodies
    (left as they are), later chunks. Returns False, changing nothing, on a gunicorn other than
    `WRITTEN_FOR` or whose `Response` lacks the method and attributes this relies on.
    """
    import gunicorn
    from gunicorn.http import wsgi

    if tuple(gunicorn.version_info) != WRITTEN_FOR:
        return False

    response = wsgi.Response
    if getattr(response.write, MARK, False):
        return True
    if not callable(getattr(response, "send_headers", None)) or not callable(getattr(response, "write", None)):
        return False
    original = response.write

    def write(self, arg):
        if type(self) is not response or self.headers_sent or self.chunked or not isinstance(arg, bytes):
            return original(self, arg)
        sock, collected = self.sock, _Collected()
        self.sock = collected
        try:
            original(self, arg)
        finally:
            self.sock = sock
        if collected.data:
            sock.sendall(bytes(collected.data))
        return None

    setattr(write, MARK, True)
    write.__doc__ = original.__doc__
    response.write = write
    return True
