"""POST /encode: latent vectors and their projection on the model's latent map."""

from __future__ import annotations

import io

import numpy as np
import pytest


def test_encode_one_image(client, app, example):
    response = client.post("/encode", data={"image": (io.BytesIO(example[0]), "d.png")})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    model = app.extensions["denoiser.registry"].get(None)
    assert body["model"] == {"name": model.name, "version": model.version}
    assert body["latent_dim"] == model.metadata["latent_dim"] == len(body["latent"])
    assert body["latent"] == body["results"][0]["latent"]
    assert body["projection"] == body["results"][0]["projection"]
    assert len(body["projection"]) == 2
    assert {"decode", "preprocess", "model", "total"} <= set(body["timings_ms"])
    assert body["request_id"] == response.headers["X-Request-ID"]


def test_projection_follows_the_latent_map(client, app, example):
    body = client.post("/encode", data={"image": (io.BytesIO(example[0]), "d.png")}).get_json()
    latent_map = client.get("/models/mnist/latent-map").get_json()
    latent = np.asarray(body["latent"])
    expected = (latent - np.asarray(latent_map["mean"])) @ np.asarray(latent_map["components"]).T
    assert np.allclose(body["projection"], expected, atol=1e-3)


def test_projection_lands_near_its_class(client, app):
    """A test digit from examples.json projects closer to its own class's map points than average."""
    examples = client.get("/models/mnist/examples").get_json()["examples"]
    points = np.asarray(client.get("/models/mnist/latent-map").get_json()["points"])
    hits = 0
    for item in examples:
        body = client.post("/encode", json={"image": item["image"], "preprocess": "resize"}).get_json()
        distances = np.linalg.norm(points[:, :2] - np.asarray(body["projection"]), axis=1)
        nearest = points[np.argsort(distances)[:25], 2]
        hits += int(np.mean(nearest == item["label"]) > 0.1)
    assert hits >= len(examples) // 2


def test_encode_batch_json_and_instances(client, example, images):
    batch = client.post("/encode", json={"image": [images.data_url(example[0])] * 3})
    assert len(batch.get_json()["results"]) == 3
    zeros = client.post("/encode", json={"instances": [[[0] * 28] * 28, [[1.0] * 28] * 28]})
    results = zeros.get_json()["results"]
    assert len(results) == 2 and results[0]["latent"] != results[1]["latent"]


@pytest.mark.parametrize("name", ["mnist", "fashion-mnist"])
def test_encode_each_model(client, app, example, name):
    if name not in app.extensions["denoiser.registry"].models:
        pytest.skip(f"{name} is not exported")
    body = client.post("/encode", json={"instances": [[[0.5] * 28] * 28], "model": name}).get_json()
    assert body["model"]["name"] == name
