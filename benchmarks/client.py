"""The benches' HTTP client: one multipart POST at a time over a keep-alive socket, with as little client work
as HTTP/1.1 allows, so that the figures are the server's.

`http.client` parses every answer's headers with the `email` package, which costs a tenth of a millisecond and
more per request on this 2-core machine (`make bench` times both clients: its "(a) PNG, http.client" row).
`Poster` reads the status line, `Content-Length` and `Connection` and nothing else; a server that answers any
other way (chunked, no length) is an error here, not a slow path.
"""

from __future__ import annotations

import http.client
import socket
import uuid

from urllib3 import encode_multipart_formdata

HEADER_END = b"\r\n\r\n"


class Poster:
    """POSTs one multipart form over a keep-alive connection, a fresh boundary each time.

    The fresh boundary makes the server pay what it pays for a browser's or curl's request. With `unique`
    (the default) each request's image ends in 16 fresh random bytes after the format's end marker, which
    decoders ignore: the same pixels, but bytes the API's preprocessing cache has not seen. The connection
    is opened on the first request and again after the server closes it (`Connection: close`, as gunicorn
    does after `keepalive_requests`).
    """

    def __init__(self, port: int, path: str, fields: dict[str, str], image: bytes, accept: str = "*/*",
                 headers: dict[str, str] | None = None, unique: bool = True, timeout: float = 60.0):
        self.port, self.path, self.fields, self.image, self.unique = port, path, fields, image, unique
        self.timeout = timeout
        self.headers = {"Accept": accept, **(headers or {})}
        self.extra_headers = "".join(f"{name}: {value}\r\n"
                                     for name, value in {"Host": f"127.0.0.1:{port}", **self.headers}.items())
        self.connection = None  # a socket here, an HTTPConnection in HttpClientPoster

    def form(self) -> tuple[bytes, str]:
        """The next request's multipart body and its Content-Type."""
        image = self.image + uuid.uuid4().bytes if self.unique else self.image
        return encode_multipart_formdata(
            {**self.fields, "image": ("digit.png", image, "image/png")}, boundary=uuid.uuid4().hex)

    def __call__(self) -> bytes:
        """Send the request; the answer's body, or RuntimeError on a non-200 status."""
        body, content_type = self.form()
        head = (f"POST {self.path} HTTP/1.1\r\n{self.extra_headers}Content-Type: {content_type}\r\n"
                f"Content-Length: {len(body)}\r\n\r\n")
        if self.connection is None:
            self.connection = socket.create_connection(("127.0.0.1", self.port), timeout=self.timeout)
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            self.connection.sendall(head.encode("latin-1") + body)
            status, close, data = read_answer(self.connection)
        except Exception:
            self.close()
            raise
        if close:
            self.close()
        return self.checked(status, data)

    def checked(self, status: int, data: bytes) -> bytes:
        """The answer's body, or RuntimeError on a non-200 status."""
        if status != 200:
            raise RuntimeError(f"POST {self.path}: HTTP {status}: {data[:300]!r}")
        return data

    def close(self) -> None:
        """Close the connection (the next request opens a new one)."""
        if self.connection is not None:
            self.connection.close()
            self.connection = None


class HttpClientPoster(Poster):
    """The same requests through Python's `http.client` (what the benches used before `Poster`), for comparison."""

    def __call__(self) -> bytes:
        """Send the request; the answer's body, or RuntimeError on a non-200 status."""
        if self.connection is None:
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        body, content_type = self.form()
        self.connection.request("POST", self.path, body, {**self.headers, "Content-Type": content_type})
        response = self.connection.getresponse()
        return self.checked(response.status, response.read())


def read_answer(sock: socket.socket) -> tuple[int, bool, bytes]:
    """One HTTP/1.1 answer from `sock`: (status, whether the server closes the connection, body)."""
    buffer = b""
    while HEADER_END not in buffer:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("the server closed the connection before answering")
        buffer += chunk
    head, _, body = buffer.partition(HEADER_END)
    status_line, *lines = head.decode("latin-1").split("\r\n")
    fields = {name.strip().lower(): value.strip() for name, _, value in (line.partition(":") for line in lines)}
    if "content-length" not in fields:
        raise ConnectionError(f"an answer without Content-Length: {status_line}")
    length = int(fields["content-length"])
    while len(body) < length:
        chunk = sock.recv(max(65536, length - len(body)))
        if not chunk:
            raise ConnectionError("the server closed the connection in the middle of an answer")
        body += chunk
    version, status = status_line.split(" ", 2)[:2]
    connection = fields.get("connection", "").lower()
    close = connection == "close" or version == "HTTP/1.0" and connection != "keep-alive"
    return int(status), close, body
