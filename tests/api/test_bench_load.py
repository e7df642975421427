"""`denoiser bench --load` end to end on one short layout, and its layout syntax."""

from __future__ import annotations

import pytest
from bench_runs import run_bench

from benchmarks.load import layout_env, parse_layouts


def test_layouts_parse_into_workers_and_threads_or_gevent():
    assert parse_layouts("2xgevent, 2x2,4x1") == ((2, "gevent"), (2, 2), (4, 1))
    assert layout_env(2, "gevent")["GUNICORN_WORKER_CLASS"] == "gevent"
    assert layout_env(2, 4) == {"WEB_CONCURRENCY": "2", "GUNICORN_WORKER_CLASS": "gthread", "GUNICORN_THREADS": "4",
                                "DENOISER_TF_THREADS": "1"}
    assert layout_env(4, 1)["GUNICORN_WORKER_CLASS"] == "sync"


@pytest.mark.e2e
def test_load_bench_reports_throughput_latency_and_server_cpu_per_client_count(model_dir, tmp_path):
    results, printed = run_bench(model_dir, tmp_path / "load.json", "--load", "--layouts", "1xgevent", "--seconds", "1")
    rows = results["rows"]
    assert [row["clients"] for row in rows] == [1, 8, 32]
    for row in rows:
        assert row["errors"] == 0 and row["requests"] > 0
        assert row["requests_per_second"] == pytest.approx(row["requests"] / row["seconds"], abs=0.1)
        assert row["p50_ms"] <= row["p99_ms"]
        assert len(row["worker_peak_rss_mb"]) == 1
        # one worker serves every request: its CPU time per request is at most a request's time on the
        # server's cores, however many clients wait
        assert 0 < row["server_cpu_ms"] < 2 * 1000 / row["requests_per_second"]
    assert "CPU ms/req" in printed and "best at 8 clients: 1 workers x gevent" in printed


@pytest.mark.e2e
def test_sustained_bench_counts_windows_and_worker_restarts_on_the_default_layout(model_dir, tmp_path):
    results, printed = run_bench(model_dir, tmp_path / "sustained.json", "--sustained", "--seconds", "4")
    assert results["clients"] == 8 and results["seconds"] == 4 and len(results["windows"]) == 1
    assert results["errors"] == 0 and results["requests"] > 0
    assert results["requests_per_second"] == pytest.approx(results["requests"] / 4, abs=0.1)
    assert results["worker_restarts"] == 0  # the default settings never recycle a worker under load
    assert "8 clients for 4 s on the default layout" in printed
