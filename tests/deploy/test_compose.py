"""docker-compose.yml: accepted by `docker-compose config` (with and without profiles) and wired as
docs/deployment.md describes. Needs only the compose CLI, not a Docker engine."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest
import yaml


def ports(service: dict) -> list[dict]:
    """A service's published ports as dicts, whether the CLI printed the long or the short syntax."""
    found = []
    for port in service.get("ports", []):
        if isinstance(port, str):  # docker-compose v1: "[host_ip:]published:target[/proto]"
            *host, published, target = port.split("/")[0].split(":")
            port = {"host_ip": host[0] if host else None, "published": published, "target": target}
        found.append(port)
    return found


def compose_config(kit, *args: str, env: dict[str, str] | None = None) -> dict:
    """Run `docker-compose [args] config` and return the resolved configuration."""
    binary = kit.require_binary("docker-compose")
    files = [] if "-f" in args else ["-f", str(kit.COMPOSE_FILE)]
    clean_env = {k: v for k, v in os.environ.items() if not k.startswith(("COMPOSE_", "DOCKER_"))}
    # Variables the file reads: drop them so that the defaults are what gets checked.
    for name in ("API_PORT", "WEB_PORT", "WEB_CONCURRENCY", "GUNICORN_THREADS", "GUNICORN_WORKER_CLASS",
                 "DENOISER_CORS_ORIGINS",
                 "DENOISER_MAX_UPLOAD_BYTES", "DENOISER_MODEL_VERSION", "CLIENT_MAX_BODY_SIZE", "MODELS_DIR",
                 "DATA_DIR", "TRAIN_UID", "TRAIN_GID", "TFSERVING_IMAGE", "GUNICORN_TIMEOUT",
                 "PROXY_READ_TIMEOUT", "DENOISER_TF_THREADS", "DENOISER_LOG_LEVEL"):
        clean_env.pop(name, None)
    clean_env.update(env or {})
    result = subprocess.run([binary, *files, *args, "config"], capture_output=True,
                            text=True, timeout=60, cwd=kit.ROOT, env=clean_env)
    assert result.returncode == 0, f"docker-compose config failed:\n{result.stderr}"
    return yaml.safe_load(result.stdout)


@pytest.fixture(scope="module")
def config(kit) -> dict:
    return compose_config(kit)


def test_config_accepts_the_file_without_profiles(config):
    assert {"api", "web"} <= set(config["services"])
    assert "profiles" not in config["services"]["api"]
    assert "profiles" not in config["services"]["web"]


@pytest.mark.parametrize("profiles", [["train"], ["tfserving"], ["train", "tfserving"]])
def test_config_accepts_the_file_with_profiles(kit, profiles):
    args = [arg for profile in profiles for arg in ("--profile", profile)]
    config = compose_config(kit, *args)
    for profile in profiles:
        service = config["services"][profile]
        assert service["profiles"] == [profile]


def test_api_service(config, kit):
    api = config["services"]["api"]
    assert api["build"]["target"] == "api"
    models = [v for v in api["volumes"] if v["target"] == "/app/models"]
    assert models and models[0]["read_only"] is True and models[0]["source"] == str(kit.ROOT / "models")
    assert api["restart"] == "unless-stopped"
    assert "/readyz" in " ".join(api["healthcheck"]["test"])
    for name in ("PORT", "WEB_CONCURRENCY", "GUNICORN_WORKER_CLASS", "GUNICORN_THREADS", "DENOISER_MODEL_DIR",
                 "DENOISER_CORS_ORIGINS", "DENOISER_MAX_UPLOAD_BYTES"):
        assert name in api["environment"]
    assert api["environment"]["DENOISER_MODEL_DIR"] == "/app/models"


def test_only_nginx_faces_the_network(config):
    # gunicorn alone is not safe against slow clients: the api publishes nothing, nginx reaches it.
    assert not config["services"]["api"].get("ports")
    assert [str(p) for p in config["services"]["api"]["expose"]] == ["8000"]
    assert [int(p["target"]) for p in ports(config["services"]["web"])] == [80]


def test_the_debug_override_publishes_the_api_on_loopback_only(kit):
    config = compose_config(kit, "-f", str(kit.COMPOSE_FILE), "-f", str(kit.ROOT / "deploy" / "compose.api-port.yml"))
    (port,) = ports(config["services"]["api"])
    assert port["host_ip"] == "127.0.0.1" and int(port["published"]) == 8000 and int(port["target"]) == 8000


def test_tf_threads_default_is_gunicorn_confs(config, kit):
    # backend/gunicorn.conf.py only sets its default (1) when the variable is unset; compose always sets
    # it, so it must default to the same value.
    source = (kit.ROOT / "backend" / "gunicorn.conf.py").read_text()
    match = re.search(r'os\.environ\.setdefault\("DENOISER_TF_THREADS", "(\d+)"\)', source)
    assert match, "gunicorn.conf.py sets a DENOISER_TF_THREADS default"
    assert str(config["services"]["api"]["environment"]["DENOISER_TF_THREADS"]) == match.group(1)


def test_web_service_waits_for_a_healthy_api(config):
    web = config["services"]["web"]
    assert web["build"]["target"] == "web"
    assert web["depends_on"]["api"]["condition"] == "service_healthy"
    assert int(web["ports"][0]["published"]) == 8080
    assert web["environment"]["API_UPSTREAM"] == "api:8000"
    assert web["healthcheck"]["test"] and web["restart"] == "unless-stopped"


def entrypoint_runs(service: dict, command: str) -> None:
    """The service's entrypoint checks that ./models is writable, then execs `denoiser <command>`."""
    entrypoint = service["entrypoint"]
    assert entrypoint[:2] == ["sh", "-c"] and entrypoint[3] == "denoiser"
    assert "test -w /app/models" in entrypoint[2] and 'exec denoiser ' + command + ' "$$@"' in entrypoint[2]


def test_train_service_runs_the_training_cli_into_models(config, kit):
    train = config["services"]["train"]
    entrypoint_runs(train, "train")
    command = train["command"]
    assert command[command.index("--output-dir") + 1] == "/app/models"
    assert command[command.index("--data-dir") + 1] == "/data"
    models = [v for v in train["volumes"] if v["target"] == "/app/models"]
    assert models and not models[0].get("read_only"), "training writes the new version into ./models"
    data = [v for v in train["volumes"] if v["target"] == "/data"]
    shared = (kit.ROOT / ".." / "shared" / "datasets").resolve()  # ../shared may be a symlink
    assert Path(data[0]["source"]).resolve() == shared, "make train's DATA_DIR"


def test_the_train_entrypoint_refuses_an_unwritable_models_dir(config, kit):
    # As an unprivileged uid (nobody), with / standing in for a ./models it cannot write.
    script = config["services"]["train"]["entrypoint"][2].replace("$$", "$").replace("/app/models", "/")
    command = ["sh", "-c", script, "denoiser", "--help"]
    if os.geteuid() == 0:
        command = [kit.require_binary("setpriv"), "--reuid=65534", "--regid=65534", "--clear-groups", *command]
    elif os.access("/", os.W_OK):
        pytest.skip("this user can write /")
    result = subprocess.run(command, capture_output=True, text=True, timeout=30, env={"PATH": "/usr/bin:/bin"})
    assert result.returncode == 1 and "make compose-train" in result.stderr, result


def test_evaluate_service_writes_the_companions_next_to_the_model(config):
    evaluate = config["services"]["evaluate"]
    assert evaluate["profiles"] == ["train"]
    entrypoint_runs(evaluate, "evaluate")
    models = [v for v in evaluate["volumes"] if v["target"] == "/app/models"]
    assert models and not models[0].get("read_only")


def test_train_flags_exist_in_the_cli(config, kit):
    source = (kit.ROOT / "backend" / "denoiser" / "training" / "train.py").read_text()
    command = config["services"]["train"]["command"]
    for flag in (arg for arg in command if arg.startswith("--")):
        assert f'"{flag}"' in source, f"denoiser train has no {flag} flag"


def test_tfserving_profile_serves_the_models_listed_in_models_config(config, kit):
    service = config["services"]["tfserving"]
    assert service["image"].startswith("tensorflow/serving:")
    assert {int(p["target"]) for p in ports(service)} == {8500, 8501}
    assert {p.get("host_ip") for p in ports(service)} == {"127.0.0.1"}, "only nginx faces the network"
    flags = " ".join(service["command"])
    assert "--model_config_file=/etc/tfserving/models.config" in flags
    mounts = {v["target"]: v for v in service["volumes"]}
    assert mounts["/models"]["read_only"] is True
    config_file = kit.ROOT / "deploy" / "tfserving" / "models.config"
    assert mounts["/etc/tfserving/models.config"]["source"] == str(config_file)
    text = config_file.read_text()
    for name in ("mnist", "fashion-mnist"):
        assert f'name: "{name}"' in text and f'base_path: "/models/{name}"' in text


def test_variables_override_the_defaults(kit):
    overrides = {"WEB_PORT": "9090", "WEB_CONCURRENCY": "4", "MODELS_DIR": "/srv/models"}
    config = compose_config(kit, env=overrides)
    assert int(config["services"]["web"]["ports"][0]["published"]) == 9090
    assert str(config["services"]["api"]["environment"]["WEB_CONCURRENCY"]) == "4"
    assert config["services"]["api"]["volumes"][0]["source"] == "/srv/models"
