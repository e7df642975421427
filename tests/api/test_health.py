"""Health, metadata, docs and metrics endpoints."""

from __future__ import annotations

import json


def test_healthz_and_readyz(client, app):
    assert client.get("/healthz").get_json() == {"status": "ok"}
    ready = client.get("/readyz").get_json()
    assert ready == {"status": "ready", "models": sorted(app.extensions["denoiser.registry"].models)}


def test_model_card(client, model_dir):
    card = client.get("/model").get_json()
    assert card["name"] == "mnist"
    on_disk = json.loads((model_dir / "mnist" / str(card["version"]) / "metadata.json").read_text())
    for key in ("dataset", "arch", "latent_dim", "params", "class_names"):
        assert card[key] == on_disk[key]
    other = client.get("/model?model=fashion-mnist")
    assert other.status_code in (200, 404)
    if other.status_code == 200:
        assert other.get_json()["dataset"] == "fashion-mnist"


def test_models_listing(client, app):
    body = client.get("/models").get_json()
    assert body["default"] == "mnist"
    names = [m["name"] for m in body["models"]]
    assert names == sorted(app.extensions["denoiser.registry"].models)
    for item in body["models"]:
        assert item["version"] in item["versions"]
        assert item["metadata"]["name"] == item["name"]


def test_examples_and_latent_map(client):
    examples = client.get("/models/mnist/examples").get_json()["examples"]
    assert len(examples) == 20
    assert {e["label"] for e in examples} == set(range(10))
    assert all(e["image"].startswith("data:image/png;base64,") for e in examples)
    latent_map = client.get("/models/mnist/latent-map").get_json()
    assert latent_map["format"] == 2 and latent_map["decodable"] is False
    assert len(latent_map["mean_latent"]) == len(latent_map["std_latent"]) == latent_map["latent_dim"]
    assert len(latent_map["points"]) == len(latent_map["test_index"]) > 100 and len(latent_map["points"][0]) == 3
    assert not {"features", "codes", "projection"} & set(latent_map)  # serving-only numbers stay on the server


def test_unknown_model_resources(client):
    for path in ("/models/nope/examples", "/models/nope/latent-map", "/model?model=nope",
                 "/models/..%2F..%2Fetc/examples"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response.get_json()["error"]["code"] in ("model_not_found", "not_found")


def test_openapi_document(client):
    spec = client.get("/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    for path in ("/denoise", "/encode", "/healthz", "/readyz", "/model", "/models", "/models/{name}/examples",
                 "/models/{name}/latent-map", "/models/{name}/latent-map/sprite.png", "/decode", "/metrics",
                 "/openapi.json", "/docs"):
        assert path in spec["paths"], path
    codes = spec["components"]["schemas"]["Error"]["properties"]["error"]["properties"]["code"]["enum"]
    assert {"blank_image", "too_many_images", "image_too_large", "model_not_found", "not_ready", "cannot_decode",
            "invalid_latent"} <= set(codes)
    assert "image/png" in spec["paths"]["/denoise"]["post"]["responses"]["200"]["content"]


def test_docs_page(client):
    response = client.get("/docs")
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert "/denoise" in page and "/openapi.json" in page and "blank_image" in page


def test_metrics_count_requests(client):
    client.get("/healthz")
    text = client.get("/metrics").get_data(as_text=True)
    lines = [line for line in text.splitlines()
             if line.startswith('denoiser_http_requests_total{method="GET",route="/healthz",status="200"}')]
    assert lines and float(lines[0].split()[-1]) >= 1
    assert "denoiser_model_call_duration_seconds" in text
