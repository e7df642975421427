"""`make bench`'s picture: where a PNG request's server CPU goes, and the latency panel alone without it."""

from __future__ import annotations

import pytest
from PIL import Image

from benchmarks.figure import bench_figure, cpu_breakdown


def bench_results(server_cpu: dict | None, tflite: bool = True) -> dict:
    """A `bench.run()` result with made-up medians (ms)."""
    rows = {"naive_png": 55.0, "bare_tf": 2.3, "bare_tf_one_thread": 1.2, "gunicorn_json": 3.7, "gunicorn_png": 2.7,
            "gunicorn_png_repeat": 1.7}
    if tflite:
        rows["bare_tflite"] = 0.5
    results = {key: {"median": value, "p95": value * 1.2, "n": 10} for key, value in rows.items()}
    results["setup"] = {"model": "mnist/5", "image_bytes": 296, "cpus": 2}
    if server_cpu is not None:
        results["server_cpu_ms"] = server_cpu
    return results


def test_cpu_breakdown_splits_new_bytes_into_model_preprocessing_and_the_rest():
    parts = cpu_breakdown(bench_results({"gunicorn_png": 2.7, "gunicorn_png_repeat": 1.7, "gunicorn_json": 3.9}))
    new, again = parts["new bytes"], parts["same bytes again"]
    # the model is the bare TFLite call; what the cache saves is decode + preprocessing; the rest is common
    assert new == pytest.approx({"model": 0.5, "decode + preprocessing": 1.0, "rest": 1.2})
    assert again == pytest.approx({"model": 0.5, "decode + preprocessing": 0.0, "rest": 1.2})
    assert sum(new.values()) == pytest.approx(2.7) and sum(again.values()) == pytest.approx(1.7)


def test_cpu_breakdown_uses_the_savedmodel_call_without_tflite_and_needs_both_png_rows():
    without_lite = cpu_breakdown(bench_results({"gunicorn_png": 3.5, "gunicorn_png_repeat": 2.5}, tflite=False))
    assert without_lite["new bytes"]["model"] == pytest.approx(2.3)
    assert cpu_breakdown(bench_results(None)) is None  # /proc without schedstat: nothing metered
    assert cpu_breakdown(bench_results({"gunicorn_png": 2.7, "gunicorn_png_repeat": None})) is None


def test_the_figure_has_a_cpu_panel_only_when_the_cpu_was_metered(tmp_path):
    both = bench_figure(bench_results({"gunicorn_png": 2.7, "gunicorn_png_repeat": 1.7}), tmp_path / "a" / "b.png")
    alone = bench_figure(bench_results(None), tmp_path / "alone.png")
    with Image.open(both) as wide, Image.open(alone) as narrow:
        assert wide.format == narrow.format == "PNG"
        assert wide.width > 1.5 * narrow.width and wide.height == narrow.height
