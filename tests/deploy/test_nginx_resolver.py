"""deploy/nginx/15-api-resolver.envsh: the one DNS server nginx asks for the api service, whatever the engine's
resolv.conf holds, and the stand-in entrypoint that sources it as the official nginx image's entrypoint does
(no containers needed; tests/containers/ checks that the stack's nginx finds the api on every lookup)."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

PODMAN_RESOLV_CONF = "search dns.podman\nnameserver 10.89.0.1\nnameserver 10.255.255.53\n"


def resolver(kit, tmp_path, resolv_conf: str, preset: str | None = None) -> str:
    """NGINX_RESOLVER after sourcing the script in sh against the given resolv.conf."""
    conf = tmp_path / "resolv.conf"
    conf.write_text(resolv_conf)
    env = {"PATH": os.environ["PATH"], "NGINX_RESOLV_CONF": str(conf)}
    if preset is not None:
        env["NGINX_RESOLVER"] = preset
    script = kit.ROOT / "deploy" / "nginx" / "15-api-resolver.envsh"
    out = subprocess.run(["sh", "-c", f'. "{script}"; sh -c \'printf %s "$NGINX_RESOLVER"\''], env=env,
                         capture_output=True, text=True, timeout=10)
    assert out.returncode == 0, out.stderr
    return out.stdout


@pytest.mark.parametrize(("resolv_conf", "expected"), [
    (PODMAN_RESOLV_CONF, "10.89.0.1"),                              # podman: aardvark-dns, then the host's
    ("nameserver 127.0.0.11\noptions ndots:0\n", "127.0.0.11"),       # Docker's embedded DNS
    ("search denoiser.svc.cluster.local svc.cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n",
     "10.96.0.10"),                                                   # Kubernetes
    ("nameserver fd00::1\nnameserver 10.0.0.1\n", "[fd00::1]"),       # IPv6, as nginx writes it
])
def test_the_engines_dns_only(kit, tmp_path, resolv_conf, expected):
    assert resolver(kit, tmp_path, resolv_conf) == expected


def test_a_resolver_given_is_kept(kit, tmp_path):
    assert resolver(kit, tmp_path, PODMAN_RESOLV_CONF, preset="10.0.0.53") == "10.0.0.53"


def test_the_standin_entrypoint_sources_it_before_rendering(kit, tmp_path):
    # The stand-in's entrypoint in a scratch root: /docker-entrypoint.d/*.envsh sourced, then the
    # templates rendered with the variables they exported. The script is copied with its mode, as the
    # Dockerfile's COPY keeps it: like the official image's, the entrypoint skips one that is not executable.
    entrypoint = (kit.ROOT / "deploy" / "standin" / "nginx-entrypoint.sh").read_text()
    scripts, templates, output = tmp_path / "d", tmp_path / "templates", tmp_path / "conf.d"
    scripts.mkdir()
    templates.mkdir()
    shutil.copy2(kit.ROOT / "deploy" / "nginx" / "15-api-resolver.envsh", scripts / "15-api-resolver.envsh")
    (templates / "default.conf.template").write_text("resolver ${NGINX_RESOLVER} valid=2s; $host\n")
    (tmp_path / "resolv.conf").write_text(PODMAN_RESOLV_CONF)
    local = tmp_path / "entrypoint.sh"
    local.write_text(entrypoint.replace("/docker-entrypoint.d", str(scripts)))
    if subprocess.run(["sh", "-c", "command -v envsubst"], capture_output=True).returncode != 0:
        pytest.skip("envsubst (gettext-base) is not installed")
    fake = tmp_path / "bin"  # a fake nginx for the entrypoint's final exec
    fake.mkdir()
    (fake / "nginx").write_text("#!/bin/sh\necho fake nginx \"$@\"\n")
    (fake / "nginx").chmod(0o755)
    env = {"PATH": f"{fake}:{os.environ['PATH']}", "NGINX_RESOLV_CONF": str(tmp_path / "resolv.conf"),
           "NGINX_ENVSUBST_TEMPLATE_DIR": str(templates), "NGINX_ENVSUBST_OUTPUT_DIR": str(output)}
    result = subprocess.run(["sh", str(local), "nginx", "-g", "daemon off;"], env=env, capture_output=True,
                            text=True, timeout=10)
    assert result.returncode == 0 and result.stdout == "fake nginx -g daemon off;\n", result.stderr
    assert (output / "default.conf").read_text() == "resolver 10.89.0.1 valid=2s; $host\n", result.stderr
