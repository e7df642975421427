"""What nginx holds back, with the web image's defaults (conftest's `web`) or with limits set low enough to
reach in three requests (`start_nginx`): request bodies over CLIENT_MAX_BODY_SIZE (413 in the API's JSON
shape), the rate-limit zones per route and per client address (429 JSON with Retry-After; X-Forwarded-For
believed only from REAL_IP_FROM), and slow clients (held by nginx, never by gunicorn)."""

from __future__ import annotations

import importlib.util
import json
import os
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

pytestmark = pytest.mark.e2e

STRICT = {"rate": "1r/m", "burst": "1"}  # an address's first two requests pass, the third is refused
LOOSE = {"rate": "1000r/s", "burst": "1000"}


def zones(api: dict, compare: dict) -> dict[str, str]:
    """The template variables of both rate-limit zones."""
    return {"RATE_LIMIT_API": api["rate"], "RATE_LIMIT_API_BURST": api["burst"],
            "RATE_LIMIT_COMPARE": compare["rate"], "RATE_LIMIT_COMPARE_BURST": compare["burst"]}


def nginx_size(text: str) -> int:
    """An nginx size ("11m", "512k", "1048576") in bytes."""
    units = {"k": 1024, "m": 1024 ** 2, "g": 1024 ** 3}
    text = text.strip().lower()
    return int(text[:-1]) * units[text[-1]] if text[-1] in units else int(text)


def upload(kit, web, tmp_path, size: int) -> tuple[int, dict]:
    """POST a multipart body whose `image` is `size` bytes (a PNG signature, then noise); (status, answer)."""
    big = tmp_path / f"big-{size}.png"
    with big.open("wb") as handle:
        handle.write(b"\x89PNG\r\n\x1a\n")
        handle.write(os.urandom(size - 8))
    result = kit.curl("-F", f"image=@{big}", "-w", "\n%{http_code}", f"{web['url']}/denoise")
    assert result.returncode == 0, result.stderr
    body, _, status = result.stdout.decode().rpartition("\n")
    return int(status), json.loads(body)


def test_upload_over_the_limit_gets_413_json(kit, stages, web, tmp_path):
    limit = nginx_size(stages["web"].env()["CLIENT_MAX_BODY_SIZE"])
    status, answer = upload(kit, web, tmp_path, limit + 64 * 1024)
    assert status == 413, answer
    assert answer["error"]["code"] == "payload_too_large"
    assert answer["error"]["message"] and answer["request_id"]


def test_upload_just_under_the_limit_reaches_the_api(kit, stages, web, tmp_path):
    # Not an image: the API itself reads it and refuses it (4xx JSON), proving nginx let it through and the
    # API's own limit (the api image's DENOISER_MAX_UPLOAD_BYTES) is not below nginx's.
    limit = nginx_size(stages["web"].env()["CLIENT_MAX_BODY_SIZE"])
    status, answer = upload(kit, web, tmp_path, limit - 64 * 1024)
    assert 400 <= status < 500 and status != 413, (status, answer)
    assert answer["error"]["code"] in ("invalid_image", "unsupported_media_type", "bad_request"), answer


def test_rate_limits_per_client_address(kit, stages, web):
    # The image's defaults: /compare 2r/s with a burst of 20 (on top of the general 10r/s, burst 60).
    # Clients are told apart by X-Forwarded-For, which nginx believes from REAL_IP_FROM (127.0.0.1/32 by
    # default: this test's loopback connections), as it would from an Ingress controller.
    env = stages["web"].env()
    compare_burst, api_burst = int(env["RATE_LIMIT_COMPARE_BURST"]), int(env["RATE_LIMIT_API_BURST"])
    first, second, third, fourth = (kit.client_address() for _ in range(4))

    def ask(path: str, client: dict, method: str = "POST"):
        return kit.ask(web["url"], method, path, client)

    def burst(path: str, client: dict, count: int, rate: str, allowance: int, method: str = "POST") -> list:
        """`count` requests sent at once; the ones past 1 + allowance (plus what the rate refilled meanwhile,
        which matters on a busy machine) must be nginx's 429s."""
        started = time.monotonic()
        with ThreadPoolExecutor(max_workers=16) as pool:
            statuses = list(pool.map(lambda _: ask(path, client, method)[0], range(count)))
        refilled = int((time.monotonic() - started) * int(rate.split("r/")[0])) + 1
        served = [status for status in statuses if status != 429]
        assert 1 + allowance <= len(served) <= 1 + allowance + refilled, statuses
        assert statuses.count(429) == count - len(served) > 0, statuses
        return served

    # A burst of /compare from one address: the first 1 + burst reach the API (its 400 for an empty body),
    # the rest get nginx's 429 in the API's error shape, with Retry-After and the security headers.
    assert set(burst("/compare", first, compare_burst + 10, env["RATE_LIMIT_COMPARE"], compare_burst)) == {400}
    status, headers, body = ask("/compare", first)
    assert status == 429 and headers["Content-Type"] == "application/json"
    answer = json.loads(body)
    assert answer["error"]["code"] == "too_many_requests" and answer["request_id"] == headers["X-Request-ID"]
    retry_after = int(headers["Retry-After"])
    assert retry_after == int(env["RATE_LIMIT_RETRY_AFTER"])
    kit.assert_security_headers(headers, "429")
    # The same client still gets the other routes (the general zone), another client gets /compare.
    assert ask("/denoise", first)[0] == 400
    assert ask("/compare", second)[0] == 400
    # After Retry-After seconds the first client is served again.
    time.sleep(retry_after)
    assert ask("/compare", first)[0] == 400

    # The general zone: a burst of GET /healthz past it from a third address; Retry-After frees it too.
    assert set(burst("/healthz", third, api_burst + 10, env["RATE_LIMIT_API"], api_burst, "GET")) == {200}
    assert ask("/healthz", fourth, "GET")[0] == 200
    for _ in range(100):  # faster than the rate refills: refused again soon
        status, headers, _ = ask("/healthz", third, "GET")
        if status == 429:
            break
    assert status == 429
    time.sleep(int(headers["Retry-After"]))
    assert ask("/healthz", third, "GET")[0] == 200


def test_every_api_route_passes_the_general_zone_and_only_compare_the_stricter_one(kit, api, start_nginx, routes):
    general = start_nginx(f"127.0.0.1:{api['port']}", **zones(api=STRICT, compare=LOOSE))
    stricter = start_nginx(f"127.0.0.1:{api['port']}", **zones(api=LOOSE, compare=STRICT))
    for method, path in routes:
        for web, limited in ((general, True), (stricter, path == "/compare")):
            client = kit.client_address()
            statuses = [kit.ask(web["url"], method, path, client)[0] for _ in range(3)]
            assert 429 not in statuses[:2] and (statuses[2] == 429) == limited, (method, path, limited, statuses)
    # The SPA's files are not limited.
    client = kit.client_address()
    for path in ("/", "/", "/some/client/route", "/assets/no-such-file.js"):
        assert kit.fetch(general["url"] + path, headers=client)[0] in (200, 404), path


def test_x_forwarded_for_is_believed_only_from_real_ip_from(kit, api, start_nginx):
    # From a proxy at REAL_IP_FROM, X-Forwarded-For names the client: two addresses, two allowances. From any
    # other address it is ignored: a client cannot escape its limit by naming others.
    trusted = start_nginx(f"127.0.0.1:{api['port']}", **zones(api=STRICT, compare=LOOSE))
    untrusted = start_nginx(f"127.0.0.1:{api['port']}", REAL_IP_FROM="192.0.2.1/32",
                            **zones(api=STRICT, compare=LOOSE))
    assert [kit.ask(trusted["url"], "GET", "/healthz", kit.client_address())[0] for _ in range(3)] == [200] * 3
    assert [kit.ask(untrusted["url"], "GET", "/healthz", kit.client_address())[0] for _ in range(3)] == [200, 200, 429]


def traffic(kit):
    """tests/containers/traffic.py (slow clients, timed traffic), imported by path."""
    spec = importlib.util.spec_from_file_location("traffic", kit.ROOT / "tests" / "containers" / "traffic.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_slow_clients_block_neither_gunicorn_nor_nginx(kit, api, web):
    # gunicorn alone: 16 clients trickling their requests wait in the gevent worker's greenlets (1 worker
    # here), and a normal request is still answered (with 1 gthread worker x 2 threads, the old default, they
    # held both threads and it was not). Through nginx, which reads whole requests before passing them on,
    # the same 16 leave the API free too: a normal client is answered as fast as ever, and the 16 are
    # answered once they finish.
    import base64

    t = traffic(kit)
    body, headers = t.json_request("data:image/png;base64," + base64.b64encode(kit.digit_png()).decode(), seed=3)
    with t.SlowClients("127.0.0.1", api["port"], 16, "/denoise", body, "application/json") as slow:
        time.sleep(1)
        assert kit.fetch(api["url"] + "/healthz", timeout=3)[0] == 200
        statuses = slow.finish()
    assert statuses.count("HTTP/1.1 200 OK") == 16, statuses

    with t.SlowClients("127.0.0.1", web["port"], 16, "/denoise", body, "application/json") as slow:
        normal = t.paced(web["url"] + "/denoise", body, headers, seconds=5, every=0.25)
        statuses = slow.finish()
    summary = normal.summary()
    kit.ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (kit.ARTIFACTS / "slow-clients.json").write_text(json.dumps({"normal_client": summary, "slow": statuses}))
    assert normal.failed() == 0 and normal.total >= 15, summary
    assert summary["max_ms"] < 2000, summary
    assert statuses.count("HTTP/1.1 200 OK") == 16, statuses
