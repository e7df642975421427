"""POST /compare: every served model of a dataset and its tuned classical baselines on one noisy digit."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from denoiser.models.baselines import METHODS


def post(client, data: bytes, **form):
    """POST /compare with gaussian noise 0.5 added server-side unless `form` names other noise."""
    return client.post("/compare", data={"image": (io.BytesIO(data), "digit.png"), "noise": "gaussian", **form})


@pytest.fixture()
def registry(app):
    return app.extensions["denoiser.registry"]


@pytest.fixture()
def tuned(registry):
    baselines = registry.tuned_baselines(registry.get(None))
    if baselines is None:
        pytest.skip("the default model has no tuned baselines (denoiser tune-baselines)")
    return baselines


def test_every_model_of_the_dataset_and_the_tuned_baselines_answer(client, example, images, registry, tuned):
    response = post(client, example[0], seed="5")
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    default = registry.get(None)
    assert body["model"] == {"name": default.name, "version": default.version}
    assert body["dataset"] == default.dataset and body["noise"]["seed"] == 5
    served = {m.name for m in registry.of_dataset(default.dataset)}
    models = [r for r in body["results"] if r["kind"] == "model"]
    baselines = [r for r in body["results"] if r["kind"] == "baseline"]
    assert {r["model"]["name"] for r in models} == served
    assert len(baselines) == len(tuned.methods(include_slow=False)) + 1 >= 5  # + PCA
    assert [r["id"] for r in body["results"] if r["default"]] == [default.name]
    for result in body["results"]:
        assert set(result) >= {"id", "method", "kind", "model", "arch", "denoised", "metrics", "ms", "default"}
        assert images.decode_data_url(result["denoised"]).shape == (28, 28)
        assert set(result["metrics"]) == {"psnr", "ssim", "mse"} and result["ms"] >= 0
    psnrs = [r["metrics"]["psnr"] for r in body["results"]]
    assert psnrs == sorted(psnrs, reverse=True)
    assert {"decode", "preprocess", "noise", "methods", "encode", "total"} <= set(body["timings_ms"])


def test_the_default_model_sees_the_same_noisy_image_as_denoise(client, example, images):
    compared = post(client, example[0], seed="9", level="0.6").get_json()
    denoised = client.post("/denoise", data={"image": (io.BytesIO(example[0]), "d.png"), "seed": "9",
                                             "noise": "gaussian", "level": "0.6"}).get_json()
    assert compared["noisy"] == denoised["noisy"] and compared["input"] == denoised["input"]
    default = next(r for r in compared["results"] if r["default"])
    assert default["denoised"] == denoised["denoised"]
    assert default["metrics"] == denoised["metrics"]["denoised"]
    assert compared["noise"]["metrics"] == denoised["metrics"]["noisy"]


def test_baselines_run_with_the_parameters_tuned_for_the_nearest_level(client, example, images, tuned):
    body = post(client, example[0], seed="2", noise="salt_pepper", level="0.18", methods="median,pca").get_json()
    assert {r["id"] for r in body["results"]} == {"median", "pca"}
    median = next(r for r in body["results"] if r["id"] == "median")
    expected = tuned.params("median", "salt_pepper", 0.18)
    assert median["params"] == expected and median["method"] == METHODS["median"].describe(expected)
    noisy = images.decode_data_url(body["noisy"]).astype(np.float32)[None, ..., None] / 255.0
    again = METHODS["median"].run(noisy, 0.18, **expected)[0, ..., 0]
    assert np.abs(images.decode_data_url(median["denoised"]) / 255.0 - again).max() <= 1 / 255 + 1e-6
    pca = next(r for r in body["results"] if r["id"] == "pca")
    assert pca["method"] == f"PCA ({tuned.pca.components} components)" and pca["arch"] is None


def test_the_methods_filter_takes_groups_ids_and_json_lists(client, example, images, registry, tuned):
    only_models = post(client, example[0], seed="1", methods="models").get_json()
    assert {r["kind"] for r in only_models["results"]} == {"model"}
    as_json = client.post("/compare", json={"image": images.data_url(example[0]), "seed": 1,
                                            "methods": ["mnist", "total-variation"]})
    assert as_json.status_code == 200, as_json.get_json()
    assert {r["id"] for r in as_json.get_json()["results"]} == {"mnist", "total-variation"}


@pytest.mark.parametrize("methods", ["sharpen", "mnist,nope", "fashion-mnist"])
def test_an_unknown_method_is_a_400_that_lists_the_choices(client, example, methods, tuned):
    response = post(client, example[0], methods=methods)
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "invalid_option" and "median" in error["message"] and "models" in error["message"]


def test_without_noise_results_keep_their_order_and_the_noise_has_no_metrics(client, example, tuned):
    body = post(client, example[0], noise="none").get_json()
    assert body["noise"]["metrics"] is None
    kinds = [r["kind"] for r in body["results"]]
    assert kinds == sorted(kinds, key=lambda k: k != "model")  # models first, as listed
    assert all(r["metrics"]["psnr"] > 15 for r in body["results"] if r["kind"] == "model")


def test_another_dataset_compares_its_own_models(client, registry, images):
    if "fashion-mnist" not in registry.models:
        pytest.skip("fashion-mnist is not exported")
    shirt = images.encode(images.draw_digit(size=(28, 28), centre=(14, 14), scale=8, width=6, ink=255, paper=0))
    body = post(client, shirt, model="fashion-mnist", seed="3").get_json()
    assert body["dataset"] == "fashion-mnist"
    names = {r["model"]["name"] for r in body["results"] if r["kind"] == "model"}
    assert names == {m.name for m in registry.of_dataset("fashion-mnist")} and "mnist" not in names


@pytest.mark.parametrize(("form", "status", "code"), [
    ({"noise": "blur"}, 400, "invalid_option"),
    ({"level": "2"}, 400, "invalid_option"),
    ({"model": "nope"}, 404, "model_not_found"),
])
def test_bad_options(client, example, form, status, code):
    response = post(client, example[0], **form)
    assert response.status_code == status and response.get_json()["error"]["code"] == code


def test_bad_bodies(client, example, images):
    assert client.post("/compare", data={}).status_code == 400
    pair = [(io.BytesIO(example[0]), "a.png"), (io.BytesIO(example[0]), "b.png")]
    two = client.post("/compare", data={"image": pair})
    assert two.status_code == 413 and two.get_json()["error"]["code"] == "too_many_images"
    blank = images.encode(Image.new("L", (28, 28), 0))
    assert post(client, blank).get_json()["error"]["code"] == "blank_image"
    assert client.post("/compare", data=b"x", content_type="text/plain").status_code == 415
    assert client.post("/compare", json={"image": images.data_url(example[0]), "methods": 3}).status_code == 400
