"""gunicorn's answers leave in one write, headers and body together (denoiser.serving.gunicorn_writes)."""

from __future__ import annotations

import gunicorn
import pytest
from gunicorn.config import Config
from gunicorn.http.wsgi import Response

from denoiser.serving import gunicorn_writes


class Request:
    """What gunicorn's Response reads of the request it answers."""

    version = (1, 1)
    method = "POST"
    _expected_100_continue = False

    def __init__(self, method: str = "POST"):
        self.method = method

    def should_close(self) -> bool:
        return False


class Socket:
    """Records each sendall."""

    def __init__(self):
        self.writes: list[bytes] = []

    def sendall(self, data) -> None:
        self.writes.append(bytes(data))


def answer(headers, chunks, method="POST") -> list[bytes]:
    sock = Socket()
    response = Response(Request(method), sock, Config())
    response.start_response("200 OK", headers)
    for chunk in chunks:
        response.write(chunk)
    response.close()
    return sock.writes


@pytest.fixture(autouse=True)
def installed():
    if tuple(gunicorn.version_info) != gunicorn_writes.WRITTEN_FOR:
        pytest.skip(f"gunicorn {gunicorn.__version__} is not the one the patch was written for")
    assert gunicorn_writes.install()
    assert gunicorn_writes.install()  # a second call changes nothing


def test_another_gunicorn_is_left_as_it_ships(monkeypatch):
    """On any gunicorn but the one it was measured on, install() changes nothing."""
    major, minor, patch = gunicorn_writes.WRITTEN_FOR
    original = Response.write
    monkeypatch.setattr(gunicorn, "version_info", (major, minor, patch + 1))
    monkeypatch.setattr(Response, "write", original)  # restored after the test, whatever install() did
    assert gunicorn_writes.install() is False
    assert Response.write is original


def test_the_locked_gunicorn_is_the_one_the_patch_was_written_for():
    """requirements.lock pins the gunicorn the image runs; a new pin asks for the patch to be measured again
    (or dropped): the kill-under-load measurement in gunicorn_writes' docstring."""
    from pathlib import Path

    lock = (Path(__file__).parents[2] / "requirements.lock").read_text()
    assert f"gunicorn=={'.'.join(map(str, gunicorn_writes.WRITTEN_FOR))}\n" in lock


def test_headers_and_a_small_body_leave_in_one_write():
    (write,) = answer([("Content-Type", "image/png"), ("Content-Length", "5")], [b"hello"])
    head, _, body = write.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200 OK\r\n") and b"Content-Length: 5" in head and body == b"hello"


def test_later_chunks_follow_in_their_own_writes_and_the_declared_length_still_holds():
    writes = answer([("Content-Type", "text/plain"), ("Content-Length", "7")], [b"abc", b"def", b"ghi"])
    assert writes[0].endswith(b"\r\n\r\nabc") and writes[1:] == [b"def", b"g"]  # gunicorn cuts at 7 bytes


def test_chunked_bodies_and_bodies_that_must_be_left_out_keep_gunicorns_framing():
    chunked = answer([("Content-Type", "text/plain")], [b"abc"])
    assert chunked[0].endswith(b"\r\n\r\n") and chunked[1:] == [b"3\r\nabc\r\n", b"0\r\n\r\n"]
    (head_only,) = answer([("Content-Type", "text/plain"), ("Content-Length", "3")], [b"abc"], method="HEAD")
    assert head_only.endswith(b"\r\n\r\n")  # no body on a HEAD answer, as gunicorn has it


def test_an_empty_body_still_sends_the_headers():
    (write,) = answer([("Content-Length", "0")], [])
    assert write.startswith(b"HTTP/1.1 200 OK") and write.endswith(b"\r\n\r\n")
