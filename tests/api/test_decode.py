"""POST /decode and the latent map's sprite: drawing what a model thinks lives at a code or a map spot."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from denoiser.evaluation.latent_report import pixel_classifier
from denoiser.training import data

VAE = "mnist-vae"
DATA_DIR = data.REPO_ROOT.parent / "shared" / "datasets"


@pytest.fixture()
def vae(app):
    registry = app.extensions["denoiser.registry"]
    if VAE not in registry.models:
        pytest.skip(f"{VAE} is not exported")
    return registry.models[VAE]


def _pixels(data_url: str, images) -> np.ndarray:
    return np.asarray(images.decode_data_url(data_url))


def test_decode_a_code(client, vae, images):
    response = client.post("/decode", json={"model": VAE, "latent": [0.0] * 16})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["model"] == {"name": VAE, "version": vae.version}
    assert body["image"] == body["results"][0]["image"] and body["latent"] == [0.0] * 16
    assert _pixels(body["image"], images).shape == (28, 28)
    assert response.headers["X-Model"] == f"{VAE}/{vae.version}"


@pytest.mark.skipif(not (DATA_DIR / "mnist").is_dir(), reason="needs ../shared/datasets")
def test_each_class_median_point_decodes_to_its_class(client, vae, images):
    """The map's class medians decode to digits a 10-NN pixel classifier (training images) calls that class."""
    latent_map = client.get(f"/models/{VAE}/latent-map").get_json()
    points = np.asarray(latent_map["points"])
    medians = [np.median(points[points[:, 2] == c, :2], axis=0).tolist() for c in range(10)]
    body = client.post("/decode", json={"model": VAE, "points": medians}).get_json()
    decoded = np.stack([_pixels(r["image"], images) for r in body["results"]]).reshape(10, -1) / 255.0
    judged = pixel_classifier(data.load_dataset("mnist", DATA_DIR)).predict(decoded)
    assert (judged == np.arange(10)).sum() >= 9
    assert all(len(r["latent"]) == 16 for r in body["results"])


def test_decode_answers_the_png_itself(client, vae):
    response = client.post("/decode", json={"model": VAE, "point": [0, 0]}, headers={"Accept": "image/png"})
    assert response.status_code == 200 and response.mimetype == "image/png"
    assert Image.open(io.BytesIO(response.data)).size == (28, 28)


def test_models_without_a_decoder_say_which_can(client, vae):
    response = client.post("/decode", json={"model": "mnist", "latent": [0.0] * 128})
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "cannot_decode" and VAE in error["message"]


@pytest.mark.parametrize(("body", "status"), [
    ({"latent": [0.0] * 15}, 400),
    ({"latent": [0.0] * 15 + ["x"]}, 400),
    ({"latent": [0.0] * 15 + [True]}, 400),
    ({"latent": [0.0] * 15 + [float("nan")]}, 400),
    ({"latents": []}, 400),
    ({"latents": [[0.0] * 16] * 65}, 413),
    ({"point": [1.0]}, 400),
    ({"points": [[0.0, float("inf")]]}, 400),
    ({"point": [0, 0], "latent": [0.0] * 16}, 400),
    ({}, 400),
    ({"latent": [0.0] * 16, "model": 3}, 400),
    ({"latent": [0.0] * 16, "model": "nope"}, 404),
])
def test_bad_decode_requests_are_4xx(client, vae, body, status):
    response = client.post("/decode", json={"model": VAE, **body} if "model" not in body else body)
    assert response.status_code == status, response.get_json()
    assert response.get_json()["error"]["message"]


def test_decode_needs_json(client, vae):
    assert client.post("/decode", data="latent=1", content_type="text/plain").status_code == 415
    assert client.post("/decode", data="[1, 2]", content_type="application/json").status_code == 400


def test_sprite_holds_every_map_digit(client, vae):
    latent_map = client.get(f"/models/{VAE}/latent-map").get_json()
    sprite = latent_map["sprite"]
    assert latent_map["decodable"] is True and sprite["count"] == len(latent_map["points"])
    response = client.get(sprite["url"])
    assert response.status_code == 200 and response.mimetype == "image/png"
    width, height = Image.open(io.BytesIO(response.data)).size
    assert width == sprite["columns"] * sprite["cell"] and height * sprite["columns"] >= sprite["count"] * 28
    assert client.get("/models/nope/latent-map/sprite.png").status_code == 404
