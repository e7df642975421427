"""The benches' reading of the server's CPU time per request (bench_cpu.py)."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from benchmarks import cpu as bench_cpu

pytestmark = pytest.mark.skipif(not bench_cpu.supported(), reason="this machine's /proc has no schedstat")


BURNER = """
import sys, time
for line in sys.stdin:  # each line: burn that many milliseconds of CPU, then answer
    end = time.process_time() + float(line) / 1000
    while time.process_time() < end:
        pass
    print("done", flush=True)
"""


@pytest.fixture
def burner():
    """A child process that burns CPU only when asked: a server whose CPU time the test knows."""
    child = subprocess.Popen([sys.executable, "-c", BURNER], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    def burn(milliseconds: float) -> None:
        child.stdin.write(f"{milliseconds}\n")
        child.stdin.flush()
        assert child.stdout.readline() == "done\n"

    burn(1)  # started and waiting
    yield child.pid, burn
    child.kill()
    child.wait()


def test_cpu_seconds_counts_work_not_waiting(burner):
    pid, burn = burner
    before = bench_cpu.cpu_seconds([pid])
    time.sleep(0.2)
    waited = bench_cpu.cpu_seconds([pid])
    burn(200)
    burnt = bench_cpu.cpu_seconds([pid])
    assert waited - before < 0.02
    assert 0.19 < burnt - waited < 0.4


def test_child_pids_finds_a_parents_children_only():
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        assert child.pid in bench_cpu.child_pids(os.getpid())
        assert child.pid not in bench_cpu.child_pids(child.pid)
    finally:
        child.kill()
        child.wait()


def test_metered_call_reports_the_cpu_time_of_its_timed_requests_only(burner):
    pid, burn = burner
    metered = bench_cpu.CpuMetered(lambda: burn(20), [pid])
    assert metered.per_request_ms() is None
    samples = metered.timed(5, warmup=3)  # the warm-up is not metered
    assert len(samples) == 5
    assert metered.requests == 5
    assert 19 < metered.per_request_ms() < 30


def test_report_line_gives_what_is_not_the_model_and_the_rate_it_allows():
    results = {"server_cpu_ms": {"gunicorn_png": 2.5, "gunicorn_json": 4.0, "gunicorn_png_repeat": None},
               "bare_tflite": {"median": 0.5}, "bare_tf": {"median": 2.0}, "setup": {"cpus": 2}}
    (line,) = bench_cpu.report_lines(results)
    assert "PNG 2.50 ms, of which not the model (minus row (e)) 2.00 ms" in line
    assert "JSON 4.00 ms" in line and "same bytes again" not in line
    assert "at most 800 PNG requests/s" in line
    assert "not metered" in bench_cpu.report_lines({"server_cpu_ms": {}})[0]
