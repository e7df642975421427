"""Latency of one-image /denoise requests, three ways, side by side (`make bench`).

(a) POST /denoise on a live gunicorn started with backend/gunicorn.conf.py (JSON and PNG answers);
(b) the same work in-process through the SavedModel's concrete signature: decode, preprocess, noise,
    model, PNG encode;
(c) the naive pattern of the seed reports: a Flask route calling Keras `model.predict` per request,
    served by Werkzeug's threaded server.
Requests are sequential, one image each; medians and 95th percentiles in milliseconds.
"""

from __future__ import annotations

import argparse
import base64
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

from denoiser import noise, preprocess
from denoiser.api.registry import discover, load_model
from denoiser.api.settings import REPO_ROOT, Settings


def free_port() -> int:
    """An unused loopback TCP port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def summarise(samples: list[float]) -> dict[str, float]:
    """Median, 95th percentile, mean and count of millisecond samples."""
    values = np.asarray(samples)
    return {"median": float(np.median(values)), "p95": float(np.percentile(values, 95)),
            "mean": float(values.mean()), "n": len(values)}


def timed(call, repeats: int, warmup: int) -> list[float]:
    """Milliseconds per call of `call()` after `warmup` untimed calls."""
    for _ in range(warmup):
        call()
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def in_process(model, image: bytes, seed: int = 0):
    """(b): decode + preprocess + noise + signature call + PNG encode, as /denoise does it."""
    def call():
        digit = preprocess.mnist_form(preprocess.to_grey(preprocess.open_image(image)))
        noisy = noise.add_noise(preprocess.to_model_input(digit), "gaussian", 0.5, seed)
        return preprocess.encode_png(model.denoise(noisy)[0])
    return call


def naive_server(model_path: Path, port: int):
    """(c): a Flask app that calls Keras model.predict inside the request, on a background thread."""
    import keras
    from flask import Flask, Response, request
    from werkzeug.serving import make_server

    layer = keras.layers.TFSMLayer(str(model_path), call_endpoint="serving_default")
    inputs = keras.Input(shape=(28, 28, 1), name="images")
    model = keras.Model(inputs, layer(inputs))
    app = Flask("naive")

    @app.post("/denoise")
    def denoise():
        digit = preprocess.mnist_form(preprocess.to_grey(preprocess.open_image(request.files["image"].read())))
        noisy = noise.add_noise(preprocess.to_model_input(digit), "gaussian", 0.5, 0)
        output = model.predict(noisy, verbose=0)
        output = output["denoised"] if isinstance(output, dict) else output
        return Response(preprocess.encode_png(np.clip(output[0], 0, 1)), mimetype="image/png")

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = make_server("127.0.0.1", port, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def start_gunicorn(model_dir: Path, port: int, log_path: Path) -> subprocess.Popen:
    """The production server, as `make serve` runs it, on a loopback port; returns once every worker is ready."""
    workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
    env = {**os.environ, "PORT": str(port), "DENOISER_MODEL_DIR": str(model_dir)}
    command = [sys.executable, "-m", "gunicorn", "-c", str(REPO_ROOT / "backend" / "gunicorn.conf.py"),
               "--bind", f"127.0.0.1:{port}", "denoiser.api.wsgi:app"]
    with open(log_path, "w") as log:
        process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited: {log_path.read_text()[-2000:]}")
        if log_path.read_text().count('"message": "api ready"') >= workers:
            return process
        time.sleep(0.5)
    process.kill()
    raise RuntimeError("gunicorn did not become ready within 180 s")


def default_image(model_path: Path) -> bytes:
    """The first test digit of the model's examples.json (a 28x28 PNG)."""
    examples = json.loads((model_path / "examples.json").read_text())["examples"]
    return base64.b64decode(examples[0]["image"].split(",", 1)[1])


def run(args: argparse.Namespace) -> dict:
    """Measure (a), (b) and (c); returns the summaries and ratios."""
    import requests

    versions = discover(args.model_dir)
    if args.model not in versions:
        raise SystemExit(f"no model {args.model!r} under {args.model_dir}; run `make train` first")
    model_path = args.model_dir / args.model / str(versions[args.model][-1])
    image = Path(args.image).read_bytes() if args.image else default_image(model_path)
    files = {"image": ("digit.png", image, "image/png")}
    form = {"model": args.model, "seed": "0"}
    results: dict[str, dict] = {}

    port = free_port()
    process = start_gunicorn(args.model_dir, port, Path(tempfile.mkdtemp()) / "gunicorn.log")
    try:
        with requests.Session() as session:
            url = f"http://127.0.0.1:{port}/denoise"
            json_call = lambda: session.post(url, files=files, data=form).raise_for_status()  # noqa: E731
            png_call = lambda: session.post(url, files=files, data=form,  # noqa: E731
                                            headers={"Accept": "image/png"}).raise_for_status()
            results["gunicorn_json"] = summarise(timed(json_call, args.requests, args.warmup))
            results["gunicorn_png"] = summarise(timed(png_call, args.requests, args.warmup))
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)

    if args.tf_threads:  # the same TensorFlow threading as a gunicorn worker, for (b) and (c)
        import tensorflow as tf

        tf.config.threading.set_intra_op_parallelism_threads(args.tf_threads)
        tf.config.threading.set_inter_op_parallelism_threads(args.tf_threads)
    model = load_model(args.model, versions[args.model][-1], versions[args.model], model_path)
    results["in_process"] = summarise(timed(in_process(model, image), args.requests, args.warmup))

    port = free_port()
    server = naive_server(model_path, port)
    try:
        with requests.Session() as session:
            url = f"http://127.0.0.1:{port}/denoise"
            naive_call = lambda: session.post(url, files=files).raise_for_status()  # noqa: E731
            results["naive_predict"] = summarise(timed(naive_call, args.naive_requests, 5))
    finally:
        server.shutdown()

    gunicorn = results["gunicorn_json"]["median"]
    results["ratios"] = {
        "gunicorn_json_over_in_process": gunicorn / results["in_process"]["median"],
        "gunicorn_png_over_in_process": results["gunicorn_png"]["median"] / results["in_process"]["median"],
        "naive_over_gunicorn_json": results["naive_predict"]["median"] / gunicorn,
        "naive_over_gunicorn_png": results["naive_predict"]["median"] / results["gunicorn_png"]["median"],
    }
    results["setup"] = {"model": f"{args.model}/{versions[args.model][-1]}", "image_bytes": len(image),
                        "requests": args.requests, "naive_requests": args.naive_requests,
                        "cpus": os.cpu_count(), "load_average": os.getloadavg()[0]}
    return results


def report(results: dict) -> str:
    """The results as a small text table with the targets."""
    lines = [f"model {results['setup']['model']}, one {results['setup']['image_bytes']}-byte PNG per request, "
             f"sequential; {results['setup']['cpus']} CPUs, load average {results['setup']['load_average']:.1f}",
             f"{'path':<42}{'median ms':>10}{'p95 ms':>10}{'n':>6}"]
    names = {"gunicorn_json": "(a) gunicorn POST /denoise, JSON answer",
             "gunicorn_png": "(a) gunicorn, Accept: image/png", "in_process": "(b) in-process signature call",
             "naive_predict": "(c) naive Flask + model.predict"}
    for key, label in names.items():
        row = results[key]
        lines.append(f"{label:<42}{row['median']:>10.2f}{row['p95']:>10.2f}{row['n']:>6}")
    ratios = results["ratios"]
    median = results["gunicorn_json"]["median"]
    lines += [
        f"gunicorn JSON / in-process: {ratios['gunicorn_json_over_in_process']:.2f}x "
        f"(PNG answer {ratios['gunicorn_png_over_in_process']:.2f}x; target <= 3x)",
        f"naive / gunicorn JSON: {ratios['naive_over_gunicorn_json']:.1f}x "
        f"(PNG answer {ratios['naive_over_gunicorn_png']:.1f}x; target >= 10x)",
        f"gunicorn JSON median {median:.2f} ms (target < 10 ms): {'met' if median < 10 else 'NOT met'}",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    """CLI entry point: `python -m denoiser.bench [--requests N] [--image digit.png]`."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model-dir", type=Path, default=Settings.from_env().model_dir)
    parser.add_argument("--model", default="mnist")
    parser.add_argument("--image", help="a PNG/JPEG/... to send (default: the model's first example digit)")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--naive-requests", type=int, default=60)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--tf-threads", type=int, default=int(os.environ.get("DENOISER_TF_THREADS", "1")),
                        help="TensorFlow threads in this process, as in each gunicorn worker (default 1)")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args(argv)
    results = run(args)
    print(report(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
