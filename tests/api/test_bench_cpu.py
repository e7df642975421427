"""The benches' reading of the server's CPU time per request (bench_cpu.py)."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from denoiser import bench_cpu

pytestmark = pytest.mark.skipif(not bench_cpu.supported(), reason="this machine's /proc has no schedstat")


def burn(seconds: float) -> None:
    end = time.process_time() + seconds
    while time.process_time() < end:
        pass


def test_cpu_seconds_counts_work_not_waiting():
    before = bench_cpu.cpu_seconds([os.getpid()])
    time.sleep(0.2)
    slept = bench_cpu.cpu_seconds([os.getpid()])
    burn(0.2)
    burnt = bench_cpu.cpu_seconds([os.getpid()])
    assert slept - before < 0.05
    assert 0.18 < burnt - slept < 0.5


def test_child_pids_finds_a_parents_children_only():
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        assert child.pid in bench_cpu.child_pids(os.getpid())
        assert child.pid not in bench_cpu.child_pids(child.pid)
    finally:
        child.kill()
        child.wait()


def test_metered_call_reports_the_cpu_time_of_its_timed_requests_only():
    metered = bench_cpu.CpuMetered(lambda: burn(0.02), [os.getpid()])
    assert metered.per_request_ms() is None
    samples = metered.timed(5, warmup=3)  # the warm-up is not metered
    assert len(samples) == 5
    assert metered.requests == 5
    assert 18 < metered.per_request_ms() < 40


def test_report_line_gives_what_is_not_the_model_and_the_rate_it_allows():
    results = {"server_cpu_ms": {"gunicorn_png": 2.5, "gunicorn_json": 4.0, "gunicorn_png_repeat": None},
               "bare_tflite": {"median": 0.5}, "bare_tf": {"median": 2.0}, "setup": {"cpus": 2}}
    (line,) = bench_cpu.report_lines(results)
    assert "PNG 2.50 ms, of which not the model (minus row (e)) 2.00 ms" in line
    assert "JSON 4.00 ms" in line and "same bytes again" not in line
    assert "at most 800 PNG requests/s" in line
    assert "not metered" in bench_cpu.report_lines({"server_cpu_ms": {}})[0]
