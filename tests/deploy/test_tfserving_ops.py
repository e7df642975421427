"""The TF Serving profile can load every served model: its pinned Serving release is built on the TensorFlow
the models were exported with and the images install, and every served model has the default signature
TF Serving calls.

TensorFlow Serving X.Y.0 is built against TensorFlow X.Y.0 (its Python API package, tensorflow-serving-api
X.Y.0, requires tensorflow>=X.Y.0): its op registry is the installed TensorFlow's when their X.Y agree, and
that TensorFlow loads every served model (the API does, with plain tf.saved_model.load: tests/api). No image
is pulled: no registry is reachable here."""

from __future__ import annotations

import importlib.metadata
import json
import re
import subprocess

import pytest


def major_minor(version: str) -> tuple[int, int]:
    """(2, 21) for '2.21.0', '2.21.0-gpu', 'v2.21.1'."""
    match = re.search(r"(\d+)\.(\d+)", version)
    assert match, f"not a version: {version!r}"
    return int(match.group(1)), int(match.group(2))


def serving_image(kit) -> str:
    """The tfserving service's image as `docker-compose --profile tfserving config` resolves it."""
    import yaml

    binary = kit.require_binary("docker-compose")
    result = subprocess.run([binary, "-f", str(kit.COMPOSE_FILE), "--profile", "tfserving", "config"],
                            capture_output=True, text=True, timeout=60, cwd=kit.ROOT,
                            env={"PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stderr
    return yaml.safe_load(result.stdout)["services"]["tfserving"]["image"]


def installed_tensorflow() -> str:
    """The TensorFlow of this venv (installed from requirements.lock, as the images are)."""
    for name in ("tensorflow-cpu", "tensorflow"):
        try:
            return importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            continue
    pytest.fail("TensorFlow is not installed")


def test_the_serving_release_is_the_tensorflow_of_the_models(kit, api):
    image = serving_image(kit)
    assert image.startswith("tensorflow/serving:"), image
    pin = major_minor(image.rpartition(":")[2])
    assert pin == major_minor(installed_tensorflow()), "serve with the TensorFlow release the images install"
    status, _, body = kit.fetch(api["url"] + "/models")
    assert status == 200
    for model in json.loads(body)["models"]:
        card = json.loads(kit.fetch(f"{api['url']}/model?model={model['name']}")[2])
        exported = card["library_versions"]["tensorflow"]
        assert major_minor(exported) <= pin, f"{model['name']} was exported by TensorFlow {exported}"


def test_every_served_model_has_the_signature_tf_serving_calls(kit, api):
    # The API's TF Serving metadata route reads the SavedModel's signature defs, as TF Serving's does.
    models = json.loads(kit.fetch(api["url"] + "/models")[2])["models"]
    assert models
    for model in models:
        status, _, body = kit.fetch(f"{api['url']}/v1/models/{model['name']}/metadata")
        assert status == 200, model["name"]
        defs = json.loads(body)["metadata"]["signature_def"]["signature_def"]
        assert "serving_default" in defs, model["name"]
