"""`denoiser bench --profile`: where a one-image /denoise request spends its time, under gunicorn.

A gunicorn with one worker of the served class (gevent; `make serve` starts two) is sampled from outside by
py-spy (`py-spy record --format raw`, 1000 samples a second, Python frames only) while one client posts the
image; nothing in the server is changed for it. A sample counts for the request when gunicorn's connection
handler is on its stack; each stage of the request path (multipart parsing, decode, preprocessing and its
parts, noise, model call, PNG or JSON encoding, request hooks) is the share of those samples with the stage's
function on the stack, scaled to the worker's CPU time per request (psutil, over the same requests);
what is left is Flask, routing, headers, gunicorn parsing the request and writing the answer. Also reported:
the functions most often on top of the stack (time in C code counts for the Python function that called it)
and the latency of the same requests unsampled, for scale. py-spy needs ptrace rights over the worker (root,
or the same user with ptrace allowed).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

from benchmarks.server import Poster, cpu_metered, free_port, start_gunicorn, worker_processes

# (label, file suffix, function name, depth): depth-0 stages add up with "the rest" to the whole request
STAGES = (
    ("multipart parsing", "denoiser/serving/formdata.py", "_parse_multipart", 0),
    ("image decode", "denoiser/imaging/decode.py", "open_image_sized", 0),
    ("preprocessing", "denoiser/imaging/prepare.py", "prepare_image", 0),
    ("noise estimate", "denoiser/imaging/prepare.py", "is_noisy", 1),
    ("find the ink", "denoiser/imaging/ink.py", "find_ink", 1),
    ("stroke width", "denoiser/imaging/strokes.py", "normalise", 1),
    ("fit to 80 px", "denoiser/imaging/strokes.py", "fit_digit", 1),
    ("20x20 resize", "denoiser/imaging/prepare.py", "_resize", 1),
    ("centre", "denoiser/imaging/prepare.py", "_centre", 1),
    ("noisy path", "denoiser/imaging/prepare.py", "noisy_digit", 1),
    ("noise", "denoiser/imaging/noise.py", "add_noise", 0),
    ("model call", "denoiser/serving/registry.py", "denoise", 0),
    ("typicality (JSON only; the VAE's calls)", "denoiser/serving/inference.py", "_typicality", 0),
    ("PNG encodes", "denoiser/imaging/pixels.py", "encode_png", 0),
    ("noise estimates of the answer", "denoiser/serving/inference.py", "noise_estimates", 0),
    ("metrics (JSON only)", "denoiser/serving/inference.py", "image_scores", 0),
    ("JSON body", "flask/json/provider.py", "response", 0),
    ("request hooks: id", "denoiser/serving/observability.py", "_begin", 0),
    ("request hooks: log + metrics", "denoiser/serving/observability.py", "_finish", 0),
    ("security headers", "denoiser/serving/security.py", "_add_headers", 0),
)
REQUEST = ("gunicorn/workers/base_async.py", "handle")  # gunicorn's handler of a connection's requests
RATE = 1000  # samples a second


def parse_frame(frame: str) -> tuple[str, str]:
    """py-spy's "name (file:line)" -> (file, name)."""
    name, _, where = frame.rpartition(" (")
    return where.rsplit(":", 1)[0], name


def read_stacks(text: str) -> list[tuple[list[tuple[str, str]], int]]:
    """py-spy's raw (folded) output: one "frame;frame;... count" line per distinct stack, root first."""
    stacks = []
    for line in text.splitlines():
        stack, _, count = line.rpartition(" ")
        if stack and count.isdigit():
            stacks.append(([parse_frame(frame) for frame in stack.split(";")], int(count)))
    return stacks


def on_stack(frames: list[tuple[str, str]], suffix: str, name: str) -> bool:
    """Whether the function `name` (py-spy names methods `Class.name`) of a file ending in `suffix` is on the stack."""
    return any(file.endswith(suffix) and (function == name or function.endswith(f".{name}"))
               for file, function in frames)


def stage_times(stacks: list[tuple[list[tuple[str, str]], int]], request_ms: float) -> dict:
    """Milliseconds per request of every stage: its share of the request's samples times `request_ms`."""
    in_request = [(frames, count) for frames, count in stacks if on_stack(frames, *REQUEST)]
    samples = sum(count for _, count in in_request)
    if not samples:
        raise RuntimeError("py-spy saw no request being served")
    stages = {}
    for label, suffix, name, depth in STAGES:
        share = sum(count for frames, count in in_request if on_stack(frames, suffix, name)) / samples
        stages[label] = {"ms": share * request_ms, "depth": depth}
    top_level = sum(stage["ms"] for stage in stages.values() if stage["depth"] == 0)
    stages["the rest: Flask, routing, headers, gunicorn"] = {"ms": request_ms - top_level, "depth": 0}
    return {"samples": samples, "total_ms": request_ms, "stages": stages}


def busiest(stacks: list[tuple[list[tuple[str, str]], int]], request_ms: float, count: int = 15) -> list[dict]:
    """The functions most often on top of a request's stack, in ms per request."""
    in_request = [(frames, samples) for frames, samples in stacks if on_stack(frames, *REQUEST)]
    total = sum(samples for _, samples in in_request)
    top = Counter()
    for frames, samples in in_request:
        file, name = frames[-1]
        top[f"{Path(file).name}({name})"] += samples
    return [{"function": function, "own_ms": request_ms * samples / total}
            for function, samples in top.most_common(count)]


def py_spy() -> str:
    """The py-spy binary beside this Python, or on PATH."""
    found = shutil.which("py-spy", path=f"{Path(sys.executable).parent}:{os.environ.get('PATH', '')}")
    if found is None:
        raise SystemExit("py-spy is not installed: pip install py-spy (the dev extra has it)")
    return found


def profile_timing(model_dir: Path, image: bytes, requests: int = 300, warmup: int = 30,
                   accept: str = "image/png") -> dict:
    """Time `requests` one-image /denoise requests on a one-worker gunicorn (latency, the worker's CPU time),
    then sample `requests` more with py-spy."""
    from benchmarks.latency import summarise, timed

    port = free_port()
    with tempfile.TemporaryDirectory() as scratch:
        server = start_gunicorn(model_dir, port, Path(scratch) / "gunicorn.log",
                                {"WEB_CONCURRENCY": "1", "GUNICORN_WORKER_CLASS": "gevent"})
        post = Poster(port, "/denoise", {"model": "mnist", "seed": "0"}, image, accept)
        output = Path(scratch) / "stacks.txt"
        try:
            (worker,) = worker_processes(server.pid)
            timed(post, 0, warmup)
            unsampled, cpu = cpu_metered([worker], lambda: timed(post, requests, 0))
            sampler = subprocess.Popen([py_spy(), "record", "--pid", str(worker.pid), "--rate", str(RATE),
                                        "--format", "raw", "--function", "--full-filenames", "--output", str(output)],
                                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            try:
                timed(post, requests, 0)
            finally:
                sampler.send_signal(signal.SIGINT)  # py-spy writes what it has sampled and exits
                _, errors = sampler.communicate(timeout=60)
            if not output.exists():
                raise RuntimeError(f"py-spy wrote nothing: {errors[-2000:]}")
            stacks = read_stacks(output.read_text())
        finally:
            post.close()
            server.send_signal(signal.SIGTERM)
            server.wait(60)
    request_ms = 1000 * cpu / requests
    return {"accept": accept, "image_bytes": len(image), "requests": requests, "unsampled": summarise(unsampled),
            **stage_times(stacks, request_ms), "busiest": busiest(stacks, request_ms)}


def profile_report(results: dict) -> str:
    """The stages as a table with each one's share of the request, then the busiest functions."""
    total = results["total_ms"]
    lines = [f"POST /denoise, one {results['image_bytes']}-byte image, Accept: {results['accept']}; one gunicorn "
             f"gevent worker; {results['requests']} requests sampled by py-spy ({results['samples']} samples)",
             f"unsampled median latency {results['unsampled']['median']:.2f} ms; the worker's CPU time "
             f"{total:.2f} ms per request, split by the samples' shares",
             f"{'stage':<46}{'ms':>8}{'share':>8}"]
    for label, stage in results["stages"].items():
        if stage["ms"] < 0.005 and stage["depth"] == 0 and not label.startswith("the rest"):
            continue
        indent = "  " * stage["depth"]
        lines.append(f"{indent + label:<46}{stage['ms']:>8.3f}{stage['ms'] / total:>8.0%}")
    model = results["stages"]["model call"]["ms"]
    lines.append(f"not the model: {total - model:.2f} ms of {total:.2f} ms")
    lines += ["", f"{'on top of the stack (own time)':<60}{'own ms':>9}"]
    lines += [f"{row['function'][:60]:<60}{row['own_ms']:>9.3f}" for row in results["busiest"]]
    return "\n".join(lines)
