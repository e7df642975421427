"""Latency of one-image /denoise requests, three ways, side by side (`make bench`).

`--preprocess` instead times decoding and preprocessing a 28x28 PNG, a drawing and a 12 MP phone photo.

(a) POST /denoise on a live gunicorn started with backend/gunicorn.conf.py (JSON and PNG answers), each
    request's bytes new to the API's preprocessing cache; and PNG answers to the same bytes again, as
    the app sends them (/encode after /denoise, a new noise level), which the cache answers; requests go
    through one http.client keep-alive connection per path (server.py), and the workers' CPU time over them
    is read with psutil;
(b) the same work in-process: decode, preprocess, noise, the served model (through the fast path),
    PNG encode;
(c) the naive pattern of the seed reports: the same app and answers (JSON and PNG), but Keras
    `model.predict` inside the request, served by Werkzeug's threaded development server;
(d), (e) the model alone on one image: the SavedModel's `denoise` signature, and the TFLite/XNNPACK call
    the API serves through (lite.py), for the ratio of a whole request to the bare model call;
(d1) the SavedModel's signature with one TensorFlow thread, as a gunicorn worker has it, in a helper
    process (bench_one_thread.py): this process keeps TensorFlow's default threads, as the seed-style
    server and a user's own signature call have them.
Requests are sequential, one image each, and the paths take turns (interleaved rounds) so that
a change in the machine's load during the run hits them alike; medians and 95th percentiles in ms.
"""

from __future__ import annotations

import argparse
import base64
import dataclasses
import json
import logging
import os
import signal
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

from benchmarks.server import Poster, cpu_metered, free_port, start_gunicorn, worker_processes
from benchmarks.trust import trust_costs, trust_report_lines
from denoiser import imaging
from denoiser.imaging import noise
from denoiser.serving.registry import Registry, ServedModel, discover, load_model
from denoiser.serving.settings import Settings


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
        digit = imaging.prepare_digit(image).digit
        noisy = noise.add_noise(imaging.to_model_input(digit), "gaussian", 0.5, seed)
        return imaging.encode_png(model.denoise(noisy)[0])
    return call


class PredictCall:
    """Stands in for a signature function: Keras `model.predict` on the SavedModel, as the seed reports do."""

    def __init__(self, model_path: Path):
        import keras

        layer = keras.layers.TFSMLayer(str(model_path), call_endpoint="denoise")
        inputs = keras.Input(shape=(28, 28, 1), name="images")
        self.model = keras.Model(inputs, layer(inputs))

    def __call__(self, images):
        """images=[N, 28, 28, 1] -> {"denoised": tensor}, through `predict` like a per-request call."""
        import tensorflow as tf

        output = self.model.predict(images, verbose=0)
        return {"denoised": tf.constant(output["denoised"] if isinstance(output, dict) else output)}


def naive_server(model: ServedModel, port: int):
    """(c): the same app and answers, but Keras `model.predict` per request under Flask's own server."""
    from werkzeug.serving import make_server

    from denoiser.serving import create_app

    naive = dataclasses.replace(model, denoise_fn=PredictCall(model.path), lite=None,
                                runtime={"path": "keras-predict", "reason": "the naive baseline"})
    app = create_app(Settings.from_env().with_overrides({"load_models": False, "log_level": "WARNING"}))
    app.extensions["denoiser.registry"] = Registry({model.name: naive}, model.name)
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = make_server("127.0.0.1", port, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def default_image(model_path: Path) -> bytes:
    """The first test digit of the model's examples.json (a 28x28 PNG)."""
    examples = json.loads((model_path / "examples.json").read_text())["examples"]
    return base64.b64decode(examples[0]["image"].split(",", 1)[1])


LABELS = {
    "gunicorn_json": "(a) gunicorn POST /denoise, JSON answer",
    "gunicorn_png": "(a) gunicorn, Accept: image/png",
    "gunicorn_png_repeat": "(a) PNG, the same bytes again (cache hit)",
    "gunicorn_json_repeat": "(a) JSON, the same bytes again (cache hit)",
    "in_process": "(b) in-process signature call",
    "naive_json": "(c) naive model.predict, JSON answer",
    "naive_png": "(c) naive model.predict, PNG answer",
    "bare_tf": "(d) bare SavedModel signature call",
    "bare_tf_one_thread": "(d1) bare SavedModel call, one TF thread",
    "bare_tflite": "(e) bare TFLite/XNNPACK call",
}

METERED = ("gunicorn_png", "gunicorn_json", "gunicorn_png_repeat")  # rows whose server CPU time is also read


class CpuMetered:
    """A bench call (a `Poster`) whose timed requests are also metered in the server workers' CPU time."""

    def __init__(self, call: Poster, processes: list):
        self.call, self.processes = call, processes
        self.seconds, self.requests = 0.0, 0

    def close(self) -> None:
        """Close the wrapped call's connection."""
        self.call.close()

    def timed(self, repeats: int, warmup: int) -> list[float]:
        """Milliseconds per request, as `timed`; the workers' CPU time over the timed requests is added up."""
        timed(self.call, 0, warmup)
        samples, seconds = cpu_metered(self.processes, lambda: timed(self.call, repeats, 0))
        self.seconds += seconds
        self.requests += repeats
        return samples

    def per_request_ms(self) -> float | None:
        """The server's CPU milliseconds per metered request; None before any."""
        return 1000 * self.seconds / self.requests if self.requests else None


def metered(results: dict) -> dict[str, float]:
    """`make bench`'s server CPU ms per request, by row, for the rows that could be metered."""
    return {key: value for key, value in results.get("server_cpu_ms", {}).items() if value}


def model_call_ms(results: dict) -> float:
    """`make bench`'s model call alone, as the API serves it: row (e), TFLite, or row (d) without it."""
    return results.get("bare_tflite", results["bare_tf"])["median"]


def cpu_report_lines(results: dict) -> list[str]:
    """`make bench`'s last line: the workers' CPU time per request, what of it is not the model, the rate it allows."""
    cpu = metered(results)
    if "gunicorn_png" not in cpu:
        return ["server CPU per request: not metered"]
    png, cpus = cpu["gunicorn_png"], results["setup"]["cpus"]
    model = model_call_ms(results)
    others = ", ".join(f"{label} {cpu[key]:.2f} ms" for key, label in
                       (("gunicorn_json", "JSON"), ("gunicorn_png_repeat", "PNG, the same bytes again")) if key in cpu)
    return [f"server CPU per request (the workers' user + system time over the same requests, psutil): PNG "
            f"{png:.2f} ms, of which not the model (minus row {'(e)' if 'bare_tflite' in results else '(d)'}) "
            f"{png - model:.2f} ms; {others}; {cpus} CPUs / {png:.2f} ms = at most {1000 * cpus / png:.0f} PNG "
            "requests/s"]


def bare_calls(model) -> dict:
    """(d) and (e): the model alone on one noisy test-like image, through TF and through TFLite."""
    digit = np.clip(np.random.default_rng(0).random((1, 28, 28, 1), dtype=np.float32) ** 6, 0, 1)
    calls = {"bare_tf": lambda: model._savedmodel("denoise", images=digit)}
    if model.lite is not None:
        calls["bare_tflite"] = lambda: model.lite.run("denoise", images=digit)
    return calls


def interleaved(calls: dict, counts: dict[str, int], rounds: int, warmup: int) -> dict[str, list[float]]:
    """Time every call in turn, `rounds` times over, so that drift in the machine's load hits all alike."""
    def time_it(call, repeats: int, warmup: int) -> list[float]:
        return call.timed(repeats, warmup) if hasattr(call, "timed") else timed(call, repeats, warmup)

    for call in calls.values():
        time_it(call, 0, warmup)
    samples: dict[str, list[float]] = {key: [] for key in calls}
    for _ in range(rounds):
        for key, call in calls.items():
            samples[key] += time_it(call, max(1, counts[key] // rounds), 0)
    return samples


def chosen_model_path(args: argparse.Namespace) -> Path:
    """models/<--model>/<--version, or the newest>; exits with a message when there is none."""
    versions = discover(args.model_dir)
    if args.model not in versions:
        raise SystemExit(f"no model {args.model!r} under {args.model_dir}; run `make train` first")
    version = args.version or versions[args.model][-1]
    if version not in versions[args.model]:
        raise SystemExit(f"model {args.model} has no version {version}; found {versions[args.model]}")
    return args.model_dir / args.model / str(version)


def request_image(args: argparse.Namespace, model_path: Path) -> bytes:
    """The bytes each request sends: --image, else the model's first example digit."""
    return Path(args.image).read_bytes() if args.image else default_image(model_path)


def run(args: argparse.Namespace) -> dict:
    """Measure every path, (a) to (e), side by side; returns the summaries and ratios."""
    model_path = chosen_model_path(args)
    version, versions = int(model_path.name), discover(args.model_dir)
    image = request_image(args, model_path)
    form = {"model": args.model, "seed": "0"}

    if args.tf_threads:  # else TensorFlow's defaults, for (c) and (d)
        import tensorflow as tf

        tf.config.threading.set_intra_op_parallelism_threads(args.tf_threads)
        tf.config.threading.set_inter_op_parallelism_threads(args.tf_threads)
    model = load_model(args.model, version, versions[args.model], model_path)
    gunicorn_port, naive_port = free_port(), free_port()
    process = start_gunicorn(args.model_dir, gunicorn_port, Path(tempfile.mkdtemp()) / "gunicorn.log",
                             {"DENOISER_MODEL_VERSION": f"{args.model}={version}"})
    server = naive_server(model, naive_port)
    posters = {f"{name}_{kind}": Poster(port, "/denoise", form, image, accept)
               for name, port in (("gunicorn", gunicorn_port), ("naive", naive_port))
               for kind, accept in (("json", "application/json"), ("png", "image/png"))}
    for kind, accept in (("png", "image/png"), ("json", "application/json")):
        posters[f"gunicorn_{kind}_repeat"] = Poster(gunicorn_port, "/denoise", form, image, accept, unique=False)
    served_by = worker_processes(process.pid)
    for key in METERED:  # the workers' CPU time over these rows' requests, too
        posters[key] = CpuMetered(posters[key], served_by)
    calls = {**posters, "in_process": in_process(model, image), **bare_calls(model)}
    if args.tf_threads != 1:  # (d) has other threads than a worker: (d1) as a worker has them
        from benchmarks.one_thread import OneThreadBareCall

        calls["bare_tf_one_thread"] = OneThreadBareCall(model_path)
    counts = {key: args.naive_requests if key.startswith("naive") else args.requests for key in calls}
    try:
        samples = interleaved(calls, counts, args.rounds, args.warmup)
    finally:
        for poster in posters.values():
            poster.close()
        if "bare_tf_one_thread" in calls:
            calls["bare_tf_one_thread"].close()
        server.shutdown()
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)

    results: dict[str, dict] = {key: summarise(values) for key, values in samples.items()}
    median = {key: results[key]["median"] for key in samples}
    results["ratios"] = {
        "gunicorn_json_over_in_process": median["gunicorn_json"] / median["in_process"],
        "gunicorn_png_over_in_process": median["gunicorn_png"] / median["in_process"],
        "naive_over_gunicorn_json": median["naive_json"] / median["gunicorn_json"],
        "naive_over_gunicorn_png": median["naive_png"] / median["gunicorn_png"],
        "gunicorn_png_over_bare_tf": median["gunicorn_png"] / median["bare_tf"],
        "repeat_png_over_bare_tf": median["gunicorn_png_repeat"] / median["bare_tf"],
        "naive_png_over_repeat_png": median["naive_png"] / median["gunicorn_png_repeat"],
        "naive_json_over_repeat_json": median["naive_json"] / median["gunicorn_json_repeat"],
    }
    if "bare_tflite" in median:
        results["ratios"]["bare_tf_over_tflite"] = median["bare_tf"] / median["bare_tflite"]
    if "bare_tf_one_thread" in median:
        one_thread = median["bare_tf_one_thread"]
        results["ratios"]["gunicorn_png_over_bare_tf_one_thread"] = median["gunicorn_png"] / one_thread
    results["server_cpu_ms"] = {key: posters[key].per_request_ms() for key in METERED}
    results["runtime"] = model.runtime
    results["trust"] = trust_costs(args.model_dir, model, image)
    results["setup"] = {"model": f"{args.model}/{version}", "image_bytes": len(image), "rounds": args.rounds,
                        "cpus": os.cpu_count(), "load_average": os.getloadavg()[0], "tf_threads": args.tf_threads}
    return results


def report(results: dict) -> str:
    """The results as a small text table with the targets."""
    setup, ratios = results["setup"], results["ratios"]
    median = results["gunicorn_json"]["median"]
    threads = setup.get("tf_threads") or 0
    threading = "TensorFlow's default threads" if not threads else f"{threads} TensorFlow thread(s)"
    lines = [f"model {setup['model']}, one {setup['image_bytes']}-byte PNG per request, sequential, "
             f"{setup['rounds']} interleaved rounds; {setup['cpus']} CPUs, load average {setup['load_average']:.1f}; "
             f"(c) and (d) with {threading}",
             f"{'path':<42}{'median ms':>10}{'p95 ms':>10}{'n':>6}"]
    for key, label in LABELS.items():
        if key in results:
            row = results[key]
            lines.append(f"{label:<42}{row['median']:>10.2f}{row['p95']:>10.2f}{row['n']:>6}")
    lines += [
        f"served through: {results['runtime']['path']}; /denoise PNG / bare TF signature "
        f"{ratios['gunicorn_png_over_bare_tf']:.2f}x (target <= 1.2x)"
        + (f", / (d1) {ratios['gunicorn_png_over_bare_tf_one_thread']:.2f}x"
           if "gunicorn_png_over_bare_tf_one_thread" in ratios else "")
        + (f"; bare TF / TFLite {ratios['bare_tf_over_tflite']:.2f}x" if "bare_tf_over_tflite" in ratios else ""),
        f"gunicorn / in-process: JSON {ratios['gunicorn_json_over_in_process']:.2f}x, "
        f"PNG {ratios['gunicorn_png_over_in_process']:.2f}x (target <= 3x)",
        f"naive / gunicorn, same answer: JSON {ratios['naive_over_gunicorn_json']:.1f}x, "
        f"PNG {ratios['naive_over_gunicorn_png']:.1f}x (target >= 10x; serving-cost issue: PNG >= 20x)",
        f"the same bytes again (preprocessing cached): PNG {ratios['repeat_png_over_bare_tf']:.2f}x the bare TF call, "
        f"{ratios['naive_png_over_repeat_png']:.1f}x faster than the naive server; JSON "
        f"{ratios['naive_json_over_repeat_json']:.1f}x",
        f"gunicorn JSON median {median:.2f} ms (target < 10 ms): {'met' if median < 10 else 'NOT met'}",
    ]
    lines += cpu_report_lines(results)
    lines += trust_report_lines(results.get("trust"))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    """CLI entry point: `denoiser bench [--requests N] [--image digit.png]`."""
    parser = argparse.ArgumentParser(prog="denoiser bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--model-dir", type=Path, default=Settings.from_env().model_dir)
    parser.add_argument("--model", default="mnist")
    parser.add_argument("--version", type=int, help="the model version to serve (default: the highest)")
    parser.add_argument("--image", help="a PNG/JPEG/... to send (default: the model's first example digit)")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--naive-requests", type=int, default=60)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=10, help="interleaved rounds over the paths")
    parser.add_argument("--tf-threads", type=int, default=0,
                        help="TensorFlow threads in this process, for (c) and (d) (default 0: TensorFlow's own "
                             "choice, as the seed-style server and a user's own call have it; 1 as in a worker)")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--figure", type=Path,
                        help="also draw the results into this PNG: latency per path, server CPU per request")
    parser.add_argument("--preprocess", action="store_true",
                        help="only time decode + preprocessing of a 28x28 PNG, a drawing and a 12 MP photo")
    parser.add_argument("--compare", action="store_true",
                        help="only time POST /compare on the gallery digits and rank its methods")
    parser.add_argument("--methods", default=None, help="with --compare: the methods option (e.g. all)")
    parser.add_argument("--load", action="store_true",
                        help="only throughput under 1, 8 and 32 concurrent clients, per gunicorn layout")
    parser.add_argument("--layouts", default=None,
                        help="with --load: workers x threads or x gevent, e.g. 2xgevent,2x2 (default: seven)")
    parser.add_argument("--seconds", type=float,
                        help="with --load: seconds per client count (default 10); with --sustained: the whole run "
                             "(default 90)")
    parser.add_argument("--sustained", action="store_true",
                        help="only 8 clients on the default layout for --seconds, in 10 s windows (worker restarts)")
    parser.add_argument("--profile", action="store_true",
                        help="only profile /denoise under gunicorn (py-spy): time per stage of the request")
    parser.add_argument("--accept", default="image/png", help="with --profile: the answer asked for")
    args = parser.parse_args(argv)
    if args.profile:
        from benchmarks.profiling import profile_report, profile_timing

        image = request_image(args, chosen_model_path(args))
        results = profile_timing(args.model_dir, image, args.requests, args.warmup, args.accept)
        print(profile_report(results))
    elif args.sustained:
        from benchmarks.load import sustained_report, sustained_timing

        image = request_image(args, chosen_model_path(args))
        seconds = args.seconds or 90.0
        results = sustained_timing(args.model_dir, image, seconds, window=min(10.0, seconds))
        print(sustained_report(results))
    elif args.load:
        from benchmarks.load import LAYOUTS, load_report, load_timing, parse_layouts

        layouts = parse_layouts(args.layouts) if args.layouts else LAYOUTS
        image = request_image(args, chosen_model_path(args))
        results = load_timing(args.model_dir, image, layouts, seconds=args.seconds or 10.0)
        print(load_report(results))
    elif args.compare:
        from benchmarks.compare import compare_report, compare_timing

        results = compare_timing(args.model_dir, methods=args.methods)
        print(compare_report(results))
    elif args.preprocess:
        from benchmarks.preprocess import preprocess_inputs, preprocess_report, preprocess_timing

        results = preprocess_timing(preprocess_inputs(chosen_model_path(args)))
        print(preprocess_report(results))
    else:
        results = run(args)
        print(report(results))
        if args.figure:
            from benchmarks.figure import bench_figure

            print(f"figure: {bench_figure(results, args.figure)}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
