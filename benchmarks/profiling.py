"""`denoiser bench --profile`: where a one-image /denoise request spends its time, under gunicorn.

A gunicorn with one worker of the served class (gevent; `make serve` starts two) profiles, with cProfile, the
requests that carry `X-Denoiser-Profile: 1` (gunicorn.conf.py's request hooks, denoiser.serving.request_profile);
warm-up and unprofiled requests go to the same worker. Reported per request: the time in each stage of
the request path (multipart parsing, decode, preprocessing and its parts, noise, model call, PNG or JSON
encoding, request hooks), what is left (Flask, routing, headers, gunicorn writing the answer), the
busiest functions, and the unprofiled latency for scale (cProfile slows Python code down, not C code).
"""

from __future__ import annotations

import pstats
import signal
import tempfile
from pathlib import Path

from denoiser.serving.request_profile import PROFILE_DIR_ENV, PROFILE_HEADER

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
VIEW = ("denoiser/serving/inference.py", "denoise")


def _find(stats: dict, suffix: str, name: str) -> list:
    return [key for key in stats if key[0].endswith(suffix) and key[2] == name]


def stage_times(stats: pstats.Stats) -> dict:
    """Per-request milliseconds of every stage (cumulative time of its function), the rest, and the total."""
    table = stats.stats  # type: ignore[attr-defined]
    views = _find(table, *VIEW)
    requests = sum(table[key][1] for key in views)
    if not requests:
        raise RuntimeError("no /denoise request was profiled")
    total = sum(entry[2] for entry in table.values())
    stages = {}
    for label, suffix, name, depth in STAGES:
        seconds = sum(table[key][3] for key in _find(table, suffix, name))
        stages[label] = {"ms": 1000 * seconds / requests, "depth": depth}
    top_level = sum(stage["ms"] for stage in stages.values() if stage["depth"] == 0)
    stages["the rest: Flask, routing, headers, writing"] = {"ms": 1000 * total / requests - top_level, "depth": 0}
    return {"requests": requests, "total_ms": 1000 * total / requests, "stages": stages}


def busiest(stats: pstats.Stats, count: int = 15) -> list[dict]:
    """The functions with the most own time, per request."""
    table = stats.stats  # type: ignore[attr-defined]
    requests = sum(table[key][1] for key in _find(table, *VIEW))
    rows = sorted(table.items(), key=lambda item: item[1][2], reverse=True)[:count]
    return [{"function": f"{Path(file).name}:{line}({name})", "calls": calls / requests,
             "own_ms": 1000 * own / requests, "cumulative_ms": 1000 * cumulative / requests}
            for (file, line, name), (_, calls, own, cumulative, _) in rows]


def profile_timing(model_dir: Path, image: bytes, requests: int = 300, warmup: int = 30,
                   accept: str = "image/png") -> dict:
    """Profile `requests` one-image /denoise requests on a one-worker gunicorn; also time them unprofiled."""
    from benchmarks.client import Poster
    from benchmarks.latency import free_port, start_gunicorn, summarise, timed

    port = free_port()
    with tempfile.TemporaryDirectory() as scratch:
        profile_dir = Path(scratch) / "profiles"
        profile_dir.mkdir()
        server = start_gunicorn(model_dir, port, Path(scratch) / "gunicorn.log",
                                {"WEB_CONCURRENCY": "1", "GUNICORN_WORKER_CLASS": "gevent",
                                 PROFILE_DIR_ENV: str(profile_dir)})
        form = {"model": "mnist", "seed": "0"}
        plain = Poster(port, "/denoise", form, image, accept)
        profiled = Poster(port, "/denoise", form, image, accept, {PROFILE_HEADER: "1"})
        try:
            unprofiled = timed(plain, requests, warmup)
            timed(profiled, requests, 0)
        finally:
            plain.close()
            profiled.close()
            server.send_signal(signal.SIGTERM)
            server.wait(60)
        (dump,) = profile_dir.glob("worker-*.pstats")
        stats = pstats.Stats(str(dump))
    return {"accept": accept, "image_bytes": len(image), "unprofiled": summarise(unprofiled),
            **stage_times(stats), "busiest": busiest(stats)}


def profile_report(results: dict) -> str:
    """The stages as a table with each one's share of the profiled request, then the busiest functions."""
    total = results["total_ms"]
    lines = [f"POST /denoise, one {results['image_bytes']}-byte image, Accept: {results['accept']}; one gunicorn "
             f"gevent worker; {results['requests']} profiled requests",
             f"unprofiled median {results['unprofiled']['median']:.2f} ms; profiled {total:.2f} ms per request "
             "(cProfile's overhead inflates Python-heavy stages)",
             f"{'stage':<46}{'ms':>8}{'share':>8}"]
    for label, stage in results["stages"].items():
        if stage["ms"] < 0.005 and stage["depth"] == 0 and not label.startswith("the rest"):
            continue
        indent = "  " * stage["depth"]
        lines.append(f"{indent + label:<46}{stage['ms']:>8.3f}{stage['ms'] / total:>8.0%}")
    model = results["stages"]["model call"]["ms"]
    lines.append(f"not the model: {total - model:.2f} ms of {total:.2f} ms")
    lines += ["", f"{'busiest functions (own time)':<60}{'calls':>7}{'own ms':>9}{'cum ms':>9}"]
    lines += [f"{row['function'][:60]:<60}{row['calls']:>7.1f}{row['own_ms']:>9.3f}{row['cumulative_ms']:>9.3f}"
              for row in results["busiest"]]
    return "\n".join(lines)

