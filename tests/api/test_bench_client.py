"""The benches' lean HTTP client: it frames answers by Content-Length, follows the server's `Connection: close`,
and fails loudly on answers it cannot frame, so that a bench never times a broken exchange."""

import socket
import socketserver
import threading

import pytest

from benchmarks.client import Poster, read_answer


def answer_from(*chunks: bytes):
    """read_answer over a socket pair whose other end sends `chunks` one by one, then closes."""
    ours, theirs = socket.socketpair()
    with ours, theirs:
        for chunk in chunks:
            theirs.sendall(chunk)
        theirs.shutdown(socket.SHUT_WR)
        return read_answer(ours)


def test_an_answer_split_anywhere_is_read_whole():
    assert answer_from(b"HTTP/1.1 200 OK\r\nContent-Le", b"ngth: 5\r\nX-A: b\r\n\r", b"\nhel", b"lo") == (
        200, False, b"hello")


def test_the_server_closing_is_followed():
    assert answer_from(b"HTTP/1.1 413 Too Large\r\nconnection: Close\r\nContent-Length: 2\r\n\r\n{}") == (
        413, True, b"{}")
    assert answer_from(b"HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n")[1] is True
    assert answer_from(b"HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n")[1] is False


@pytest.mark.parametrize("chunks", [
    (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",),  # no length to frame by
    (b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhalf",),  # closed in the middle of the body
    (b"HTTP/1.1 200 OK\r\nContent-",),  # closed in the middle of the headers
])
def test_answers_that_cannot_be_framed_are_errors(chunks):
    with pytest.raises(ConnectionError):
        answer_from(*chunks)


class ClosingEveryOther(socketserver.StreamRequestHandler):
    """Answers with the request's boundary line; says `Connection: close` on every second request."""

    connections = 0

    def handle(self):
        type(self).connections += 1
        for count in range(1, 100):
            head = b""
            while not head.endswith(b"\r\n\r\n"):
                line = self.rfile.readline()
                if not line:
                    return
                head += line
            length = int(head.lower().split(b"content-length: ")[1].split(b"\r\n")[0])
            body = self.rfile.read(length)
            status = b"200 OK" if b"/ok" in head.split(b"\r\n")[0] else b"404 Not Found"
            close = count % 2 == 0
            answer = body.split(b"\r\n")[0]
            self.wfile.write(b"HTTP/1.1 " + status + b"\r\nContent-Length: " + str(len(answer)).encode()
                             + (b"\r\nConnection: close" if close else b"") + b"\r\n\r\n" + answer)
            if close:
                return


def test_poster_sends_a_multipart_form_and_reconnects_after_a_close():
    with socketserver.ThreadingTCPServer(("127.0.0.1", 0), ClosingEveryOther) as server:
        threading.Thread(target=server.serve_forever, daemon=True).start()
        port = server.server_address[1]
        post = Poster(port, "/ok", {"seed": "0"}, b"\x89PNG")
        boundaries = [post() for _ in range(5)]
        assert all(boundary.startswith(b"--") for boundary in boundaries)
        assert len(set(boundaries)) == 5  # a fresh boundary each time
        assert ClosingEveryOther.connections == 3  # requests 1-2, 3-4, 5
        with pytest.raises(RuntimeError, match="HTTP 404"):
            Poster(port, "/missing", {}, b"\x89PNG")()
        post.close()
        server.shutdown()
