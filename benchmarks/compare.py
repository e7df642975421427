"""`denoiser bench --compare`: what one POST /compare costs, and how often the default model wins.

Runs the real app in-process (Flask's test client, one TensorFlow thread as in a gunicorn worker) on the
default model's gallery digits (test images), each at gaussian 0.5 with several noise seeds: the answer's
total time (median, p95), each method's median time, and each method's mean rank and share of first places.
"""

from __future__ import annotations

import os
import statistics
import time
from collections import defaultdict
from pathlib import Path


def compare_timing(model_dir: Path, seeds: int = 3, methods: str | None = None, level: float = 0.5) -> dict:
    """Post every gallery digit of the default model to /compare with `seeds` noise seeds; figures as a dict."""
    from denoiser.serving import create_app

    app = create_app({"TESTING": True, "MODEL_DIR": model_dir, "STATIC_DIR": model_dir / "no-such-dist",
                      "LOG_LEVEL": "WARNING", "TF_THREADS": 1})
    client = app.test_client()
    registry = app.extensions["denoiser.registry"]
    examples = registry.get(None).examples["examples"]
    totals, per_method, ranks = [], defaultdict(list), defaultdict(list)
    client.post("/compare", json={"image": examples[0]["image"], "seed": 0})  # warm every path once
    for seed in range(seeds):
        for example in examples:
            body = {"image": example["image"], "seed": seed, "level": level}
            if methods:
                body["methods"] = methods
            started = time.perf_counter()
            answer = client.post("/compare", json=body).get_json()
            totals.append((time.perf_counter() - started) * 1000)
            for rank, result in enumerate(answer["results"], start=1):
                per_method[result["method"]].append(result["ms"])
                ranks[result["method"]].append(rank)
    ordered = sorted(ranks, key=lambda name: statistics.mean(ranks[name]))
    return {
        "model_dir": str(model_dir), "default": registry.default, "requests": len(totals), "level": level,
        "methods": len(per_method), "total_ms": {"median": statistics.median(totals),
                                                  "p95": sorted(totals)[int(0.95 * (len(totals) - 1))]},
        "per_method": [{"method": name, "median_ms": statistics.median(per_method[name]),
                        "mean_rank": statistics.mean(ranks[name]),
                        "first": sum(rank == 1 for rank in ranks[name]) / len(ranks[name])} for name in ordered],
        "cpus": os.cpu_count(), "load_average": os.getloadavg()[0],
    }


def compare_report(results: dict) -> str:
    """The figures as a small text table."""
    lines = [f"POST /compare, {results['requests']} requests (gallery digits x seeds, gaussian {results['level']:g}), "
             f"{results['methods']} methods; in-process, 1 TF thread; {results['cpus']} CPUs, load average "
             f"{results['load_average']:.1f}",
             f"whole answer: median {results['total_ms']['median']:.0f} ms, p95 {results['total_ms']['p95']:.0f} ms",
             f"{'method':<42}{'median ms':>10}{'mean rank':>10}{'first':>8}"]
    for row in results["per_method"]:
        lines.append(f"{row['method']:<42}{row['median_ms']:>10.1f}{row['mean_rank']:>10.2f}{row['first']:>8.0%}")
    return "\n".join(lines)

