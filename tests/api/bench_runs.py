"""Run `denoiser bench` as a user would, for the benches' end-to-end tests."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path


def run_bench(model_dir: Path, out: Path, *options: str) -> tuple[dict, str]:
    """The bench with `options` and `--json out`; (its JSON results, what it printed). Fails on a non-zero exit."""
    command = [sys.executable, "-m", "benchmarks.latency", "--model-dir", str(model_dir), *options, "--json", str(out)]
    completed = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert completed.returncode == 0, completed.stderr[-2000:]
    return json.loads(out.read_text()), completed.stdout
