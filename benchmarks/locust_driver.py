"""`bench --load`'s load generator: Locust, as a library, in a process of its own.

`python -m benchmarks.locust_driver --port P --image digit.png --clients 8 --seconds 10` runs `clients` Locust
users (FastHttpUser: one keep-alive connection each, geventhttpclient's C parser) that post the image to
/denoise back to back, without waiting, for `seconds` once they have all started, and prints one JSON line:
requests, errors, and every completed request's latency in ms (Locust's own statistics round latencies
under 100 ms to whole milliseconds, too coarse for a 3 ms request, so they are taken from its `request`
event). Locust patches the standard library for gevent when imported, hence the process of its own.
"""

from __future__ import annotations

import argparse
import json
import time
import uuid

import gevent
from locust import FastHttpUser, constant, events, task  # patches the standard library for gevent
from locust.env import Environment
from urllib3 import encode_multipart_formdata

OPTIONS: dict = {}


class DenoiseUser(FastHttpUser):
    """Posts the image to /denoise as a multipart form, a fresh boundary and fresh trailing bytes each time
    (the same pixels, bytes the API's preprocessing cache has not seen), as `make bench`'s clients do."""

    wait_time = constant(0)

    @task
    def denoise(self) -> None:
        """One POST /denoise; any status but 200 is a failure."""
        body, content_type = encode_multipart_formdata(
            {"model": OPTIONS["model"], "seed": "0",
             "image": ("digit.png", OPTIONS["image"] + uuid.uuid4().bytes, "image/png")},
            boundary=uuid.uuid4().hex)
        self.client.post("/denoise", data=body, headers={"Content-Type": content_type, "Accept": OPTIONS["accept"]})


def run(port: int, clients: int, seconds: float) -> dict:
    """`clients` users against 127.0.0.1:`port` for `seconds` after they have all started."""
    latencies: list[float] = []
    errors = [0]
    counting = [False]

    @events.request.add_listener
    def record(response_time, exception, **_):
        if counting[0]:
            if exception is None:
                latencies.append(response_time)
            else:
                errors[0] += 1

    DenoiseUser.host = f"http://127.0.0.1:{port}"
    environment = Environment(user_classes=[DenoiseUser], events=events)
    runner = environment.create_local_runner()
    runner.start(clients, spawn_rate=clients, wait=False)
    runner.spawning_greenlet.join()
    counting[0] = True
    started = time.perf_counter()
    gevent.sleep(seconds)
    counting[0] = False
    elapsed = time.perf_counter() - started
    runner.quit()
    return {"clients": clients, "seconds": elapsed, "requests": len(latencies), "errors": errors[0],
            "latencies_ms": latencies}


def main(argv: list[str] | None = None) -> None:
    """CLI entry point (run by benchmarks.load)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--image", required=True, help="the file to post")
    parser.add_argument("--clients", type=int, required=True)
    parser.add_argument("--seconds", type=float, required=True)
    parser.add_argument("--model", default="mnist")
    parser.add_argument("--accept", default="image/png")
    args = parser.parse_args(argv)
    with open(args.image, "rb") as file:
        OPTIONS.update(image=file.read(), model=args.model, accept=args.accept)
    print(json.dumps(run(args.port, args.clients, args.seconds)), flush=True)


if __name__ == "__main__":
    main()
