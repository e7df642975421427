"""`make bench` end to end on a few requests: every path answers and the report carries the ratios."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest


@pytest.mark.e2e
def test_bench_measures_all_paths_side_by_side(model_dir, tmp_path):
    out = tmp_path / "bench.json"
    command = [sys.executable, "-m", "denoiser.bench", "--model-dir", str(model_dir), "--requests", "6",
               "--naive-requests", "4", "--rounds", "2", "--warmup", "2", "--json", str(out)]
    completed = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert completed.returncode == 0, completed.stderr[-2000:]
    results = json.loads(out.read_text())
    for key in ("gunicorn_json", "gunicorn_png", "in_process", "naive_json", "naive_png", "bare_tf", "bare_tflite"):
        assert results[key]["n"] >= 4 and results[key]["median"] > 0
    assert results["runtime"]["path"] == "tflite"  # the committed default model has a fast path (make models-lite)
    assert ratios_match(results, "gunicorn_png_over_bare_tf", "gunicorn_png", "bare_tf")
    assert ratios_match(results, "bare_tf_over_tflite", "bare_tf", "bare_tflite")
    ratios = results["ratios"]
    assert ratios["naive_over_gunicorn_png"] == pytest.approx(
        results["naive_png"]["median"] / results["gunicorn_png"]["median"])
    assert "naive / gunicorn, same answer" in completed.stdout


def ratios_match(results: dict, ratio: str, numerator: str, denominator: str) -> bool:
    return results["ratios"][ratio] == pytest.approx(results[numerator]["median"] / results[denominator]["median"])


def test_bench_times_decode_and_preprocessing_of_a_12_mp_photo():
    from denoiser import bench

    results = bench.preprocess_timing(repeats=2, warmup=1)
    assert results["size"] == [4000, 3000] and max(results["working_size"]) <= 1024
    assert results["total"]["n"] == 2 and results["decode"]["median"] > 0
    assert "decode + preprocess" in bench.preprocess_report(results)
