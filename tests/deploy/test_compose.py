"""docker-compose.yml: accepted by `docker-compose config` (with and without profiles) and wired as
docs/deployment.md describes. Needs only the compose CLI, not a Docker engine."""

from __future__ import annotations

import os
import subprocess

import pytest
import yaml


def compose_config(kit, *args: str, env: dict[str, str] | None = None) -> dict:
    """Run `docker-compose [args] config` and return the resolved configuration."""
    binary = kit.require_binary("docker-compose")
    clean_env = {k: v for k, v in os.environ.items() if not k.startswith(("COMPOSE_", "DOCKER_"))}
    # Variables the file reads: drop them so that the defaults are what gets checked.
    for name in ("API_PORT", "WEB_PORT", "WEB_CONCURRENCY", "GUNICORN_THREADS", "DENOISER_CORS_ORIGINS",
                 "DENOISER_MAX_UPLOAD_BYTES", "DENOISER_MODEL_VERSION", "CLIENT_MAX_BODY_SIZE", "MODELS_DIR",
                 "DATA_DIR", "TRAIN_UID", "TRAIN_GID", "TFSERVING_IMAGE", "GUNICORN_TIMEOUT",
                 "PROXY_READ_TIMEOUT", "DENOISER_TF_THREADS", "DENOISER_LOG_LEVEL"):
        clean_env.pop(name, None)
    clean_env.update(env or {})
    result = subprocess.run([binary, "-f", str(kit.COMPOSE_FILE), *args, "config"], capture_output=True,
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
    assert {"published": 8000, "target": 8000} in [
        {k: int(v) for k, v in port.items() if k in ("published", "target")} for port in api["ports"]]
    models = [v for v in api["volumes"] if v["target"] == "/app/models"]
    assert models and models[0]["read_only"] is True and models[0]["source"] == str(kit.ROOT / "models")
    assert api["restart"] == "unless-stopped"
    assert "/readyz" in " ".join(api["healthcheck"]["test"])
    for name in ("PORT", "WEB_CONCURRENCY", "GUNICORN_THREADS", "DENOISER_MODEL_DIR",
                 "DENOISER_CORS_ORIGINS", "DENOISER_MAX_UPLOAD_BYTES"):
        assert name in api["environment"]
    assert api["environment"]["DENOISER_MODEL_DIR"] == "/app/models"


def test_web_service_waits_for_a_healthy_api(config):
    web = config["services"]["web"]
    assert web["build"]["target"] == "web"
    assert web["depends_on"]["api"]["condition"] == "service_healthy"
    assert int(web["ports"][0]["published"]) == 8080
    assert web["environment"]["API_UPSTREAM"] == "api:8000"
    assert web["healthcheck"]["test"] and web["restart"] == "unless-stopped"


def test_train_service_runs_the_training_cli_into_models(config, kit):
    train = config["services"]["train"]
    assert train["entrypoint"] == ["python", "-m", "denoiser.train"]
    command = train["command"]
    assert command[command.index("--output-dir") + 1] == "/app/models"
    assert command[command.index("--data-dir") + 1] == "/data"
    models = [v for v in train["volumes"] if v["target"] == "/app/models"]
    assert models and not models[0].get("read_only"), "training writes the new version into ./models"


def test_evaluate_service_writes_the_companions_next_to_the_model(config):
    evaluate = config["services"]["evaluate"]
    assert evaluate["profiles"] == ["train"]
    assert evaluate["entrypoint"] == ["python", "-m", "denoiser.evaluate"]
    models = [v for v in evaluate["volumes"] if v["target"] == "/app/models"]
    assert models and not models[0].get("read_only")


def test_train_flags_exist_in_the_cli(config, kit):
    source = (kit.ROOT / "backend" / "denoiser" / "train.py").read_text()
    command = config["services"]["train"]["command"]
    for flag in (arg for arg in command if arg.startswith("--")):
        assert f'"{flag}"' in source, f"python -m denoiser.train has no {flag} flag"


def test_tfserving_profile_serves_the_models_listed_in_models_config(config, kit):
    service = config["services"]["tfserving"]
    assert service["image"].startswith("tensorflow/serving:")
    assert {int(p["target"]) for p in service["ports"]} == {8500, 8501}
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
