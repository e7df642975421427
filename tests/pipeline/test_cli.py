"""The `denoiser` command line: every job behind one command with its own help, and `denoiser serve`
starting the API that `make serve` and `make run` rely on."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from denoiser import cli

ROOT = Path(__file__).resolve().parents[2]


def test_help_lists_every_command(capsys):
    assert cli.main(["--help"]) == 0
    listed = capsys.readouterr().out
    for command in cli.COMMANDS:
        assert f"  {command} " in listed


@pytest.mark.parametrize("command", [name for name in cli.COMMANDS if name != "serve"])
def test_each_command_has_its_own_help(command, capsys):
    with pytest.raises(SystemExit) as stopped:
        cli.main([command, "--help"])
    assert stopped.value.code == 0
    assert f"usage: denoiser {command}" in capsys.readouterr().out


def test_an_unknown_command_says_so():
    assert cli.main(["trian"]) == 2


@pytest.mark.slow
def test_serve_starts_the_api(model_dir, tmp_path):
    from benchmarks.server import free_port

    port = free_port()
    models = tmp_path / "models"  # the default model alone: what is tested is the command, not the loading
    models.mkdir()
    (models / "mnist").symlink_to(model_dir / "mnist")
    env = {**os.environ, "PORT": str(port), "WEB_CONCURRENCY": "1", "DENOISER_MODEL_DIR": str(models)}
    script = Path(sys.executable).with_name("denoiser")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "denoiser.cli"]
    process = subprocess.Popen([*command, "serve"], env=env, cwd=tmp_path, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2) as answer:
                    assert answer.status == 200
                    return
            except OSError:
                assert process.poll() is None, "denoiser serve exited"
                time.sleep(1)
        pytest.fail("denoiser serve did not become ready in 120 s")
    finally:
        process.terminate()
        process.wait(timeout=30)
