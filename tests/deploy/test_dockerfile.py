"""The Dockerfile without a Docker engine: hadolint-clean, and the web image's healthcheck probes the address
nginx listens on. Everything else about the images (they build, run as non-root, pass their healthchecks,
serve the models, the SPA and the locked packages) is tested on the images themselves: tests/containers/."""

from __future__ import annotations

import json
import subprocess

import pytest


def test_hadolint_passes(kit):
    hadolint = kit.require_binary("hadolint")
    result = subprocess.run([hadolint, "--no-color", str(kit.DOCKERFILE)], capture_output=True, text=True,
                            timeout=60, cwd=kit.ROOT)
    assert result.returncode == 0, f"hadolint found problems:\n{result.stdout}{result.stderr}"


@pytest.mark.parametrize(("nginx_port", "url"), [("80", "http://127.0.0.1:80/"),
                                                 ("8125", "http://127.0.0.1:8125/"),
                                                 ("127.0.0.1:8125", "http://127.0.0.1:8125/"),
                                                 ("0.0.0.0:8080", "http://0.0.0.0:8080/")])
def test_web_healthcheck_probes_what_nginx_listens_on(stages, tmp_path, nginx_port, url):
    # NGINX_PORT is a bare port or host:port (the template's `listen ${NGINX_PORT}`); the healthcheck's
    # command, run with a fake wget that records the URL it fetches.
    healthcheck = stages["web"].all("HEALTHCHECK")[-1]
    command = json.loads(healthcheck[healthcheck.index("CMD") + 3:].strip())
    (tmp_path / "wget").write_text(f'#!/bin/sh\necho "$@" > {tmp_path}/args\n')
    (tmp_path / "wget").chmod(0o755)
    env = {"PATH": f"{tmp_path}:/usr/bin:/bin", "NGINX_PORT": nginx_port}
    result = subprocess.run(command, capture_output=True, text=True, timeout=30, env=env)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "args").read_text().split()[-1] == url
