"""`denoiser bench --figure latency.png`: `make bench`'s results as a picture.

Left, the median time of each path, one image per request, on a log scale (the naive server is ~20x the
served one); right, where the server's own CPU time per PNG request goes, for bytes the API has not seen
and for the same bytes again: the model call (row (e), or (d) without TFLite), decoding and preprocessing
(what the cache saves: new bytes less the same bytes again), and the rest of the request path (HTTP,
Flask, multipart, noise, PNG encode, logs and metrics). The right panel is left out where the CPU time
could not be metered.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from benchmarks.latency import metered, model_call_ms  # noqa: E402

# (results key, label), top to bottom
LATENCY_ROWS = (
    ("naive_png", "naive server (model.predict), PNG"),
    ("bare_tf", "bare SavedModel call (d)"),
    ("bare_tf_one_thread", "bare SavedModel call, 1 thread (d1)"),
    ("gunicorn_json", "POST /denoise, JSON answer"),
    ("gunicorn_png", "POST /denoise, PNG answer"),
    ("gunicorn_png_repeat", "POST /denoise, PNG, same bytes again"),
    ("bare_tflite", "bare TFLite/XNNPACK call (e)"),
)
SERVED = {"gunicorn_json", "gunicorn_png", "gunicorn_png_repeat"}


def cpu_breakdown(results: dict) -> dict[str, dict[str, float]] | None:
    """Per PNG case ("new bytes", "same bytes again"), ms of server CPU in the model, decode + preprocessing
    and the rest of the request path; None when the CPU time was not metered."""
    cpu = metered(results)
    if "gunicorn_png" not in cpu or "gunicorn_png_repeat" not in cpu:
        return None
    model = model_call_ms(results)
    new, again = cpu["gunicorn_png"], cpu["gunicorn_png_repeat"]
    rest = max(again - model, 0.0)
    return {"new bytes": {"model": model, "decode + preprocessing": max(new - again, 0.0), "rest": rest},
            "same bytes again": {"model": model, "decode + preprocessing": 0.0, "rest": rest}}


def bench_figure(results: dict, path: Path) -> Path:
    """Draw `run()`'s results into `path` (PNG); returns the path."""
    breakdown = cpu_breakdown(results)
    fig, axes = plt.subplots(1, 2 if breakdown else 1, figsize=(11, 3.8) if breakdown else (6.5, 3.8),
                             gridspec_kw={"width_ratios": [1.35, 1]} if breakdown else None, squeeze=False)
    _latency_panel(axes[0, 0], results)
    if breakdown:
        _cpu_panel(axes[0, 1], breakdown)
    setup = results["setup"]
    fig.suptitle(f"make bench: {setup['model']}, one {setup['image_bytes']}-byte PNG per request, "
                 f"{setup['cpus']} CPUs", fontsize=10)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def _latency_panel(axis, results: dict) -> None:
    rows = [(key, label) for key, label in LATENCY_ROWS if key in results]
    medians = [results[key]["median"] for key, _ in rows]
    colours = ["#4c72b0" if key in SERVED else "#8c8c8c" for key, _ in rows]
    positions = range(len(rows))
    axis.barh(positions, medians, color=colours)
    for position, value in zip(positions, medians):
        axis.text(value * 1.06, position, f"{value:.2f} ms", va="center", fontsize=8)
    axis.set_yticks(list(positions), [label for _, label in rows], fontsize=8)
    axis.invert_yaxis()
    axis.set_xscale("log")
    axis.set_xlim(min(medians) / 2, max(medians) * 3)
    axis.set_xlabel("median ms per request (log scale; blue: the served API)", fontsize=8)
    axis.grid(axis="x", alpha=0.3)


def _cpu_panel(axis, breakdown: dict[str, dict[str, float]]) -> None:
    colours = {"model": "#55a868", "decode + preprocessing": "#dd8452", "rest": "#8172b2"}
    cases = list(breakdown)
    for position, case in enumerate(cases):
        left = 0.0
        for part, value in breakdown[case].items():
            if value > 0:
                axis.barh(position, value, left=left, color=colours[part], label=part if position == 0 else None)
                if value >= 0.25:
                    axis.text(left + value / 2, position, f"{value:.2f}", ha="center", va="center", fontsize=8,
                              color="white")
            left += value
        axis.text(left + 0.05, position, f"{left:.2f} ms", va="center", fontsize=8)
    axis.set_yticks(range(len(cases)), [f"PNG request,\n{case}" for case in cases], fontsize=8)
    axis.invert_yaxis()
    axis.set_xlim(0, max(sum(parts.values()) for parts in breakdown.values()) * 1.3)
    axis.set_xlabel("server CPU ms per request (the workers' on-CPU time)", fontsize=8)
    axis.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=3, frameon=False)
    axis.grid(axis="x", alpha=0.3)
