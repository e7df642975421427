"""What /denoise and /compare say an image reads as, whether denoising changed its class, and the opt-in
uncertainty map (issue 33)."""

from __future__ import annotations

import base64

import numpy as np
import pytest
from PIL import Image

from denoiser.imaging import noise, to_model_input


def examples_of(app, model: str) -> list[dict]:
    """The model's gallery: real test images with their labels (as many as one request may carry)."""
    per_request = app.extensions["denoiser.settings"].max_batch
    return app.extensions["denoiser.registry"].get(model).examples["examples"][:per_request]


def denoise(client, **body):
    response = client.post("/denoise", json=body)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def needs_classifier(app, dataset: str) -> None:
    if app.extensions["denoiser.registry"].reader_of(dataset) is None:
        pytest.skip(f"no {dataset} classifier under the model dir")


@pytest.mark.parametrize("model", ["mnist", "fashion-mnist"])
def test_clean_test_images_read_as_their_label(client, app, model):
    dataset = app.extensions["denoiser.registry"].get(model).dataset
    needs_classifier(app, dataset)
    examples = examples_of(app, model)
    body = denoise(client, image=[example["image"] for example in examples], model=model, preprocess="resize")
    readings = [result["reading"] for result in body["results"]]
    right = [r["input"]["label"] == e["label"] and r["input"]["class_name"] == e["class_name"]
             for r, e in zip(readings, examples)]
    assert np.mean(right) >= 0.9, readings
    assert all(r["classifier"]["name"] == f"{dataset}-classifier" for r in readings)
    for r in readings:  # no noise added: the noisy image is the input, and nothing is unsure about clean digits
        assert r["noisy"] == r["input"]
        assert 0 <= r["risk"] <= 1 and r["risk"] == pytest.approx(1 - r["denoised"]["probability"], abs=1e-4)
    assert np.mean([not r["changed"] for r in readings]) >= 0.9


def test_changed_says_why_under_heavy_noise(client, app):
    needs_classifier(app, "mnist")
    examples = examples_of(app, "mnist")
    seen = set()
    for seed in range(4):
        body = denoise(client, image=[e["image"] for e in examples], noise="gaussian", level=0.9, seed=seed,
                       preprocess="resize")
        for result in body["results"]:
            r = result["reading"]
            differs = r["denoised"]["label"] != r["input"]["label"]
            unsure = r["denoised"]["probability"] < 0.7
            assert r["changed"] == (differs or unsure)
            assert r["why"] == ("class" if differs else "unsure" if unsure else None)
            seen.add(r["why"])
    assert None in seen  # most digits survive even sigma 0.9


def test_the_reading_of_the_noisy_image_is_its_own(client, app, example):
    needs_classifier(app, "mnist")
    image = base64.b64encode(example[0]).decode()
    body = denoise(client, image=image, noise="gaussian", level=0.9, seed=5)
    clean = denoise(client, image=image)
    assert body["reading"]["input"] == clean["reading"]["input"]
    assert body["reading"]["noisy"]["probability"] < body["reading"]["input"]["probability"]


def test_an_already_noisy_upload_is_read_without_a_reference(client, app, example, images):
    """A file that carries its own noise: no clean input, so `changed` only when the reading is unsure or the
    upload itself reads surely as another class."""
    needs_classifier(app, "mnist")
    clean = images.decode_data_url(denoise(client, image=base64.b64encode(example[0]).decode())["input"]) / 255.0
    noisy = noise.add_noise(to_model_input(clean[None]), "gaussian", 0.6, 3)[0, ..., 0]
    png = images.encode(Image.fromarray((noisy * 255).astype(np.uint8)))
    body = denoise(client, image=base64.b64encode(png).decode())
    r = body["reading"]
    assert body["noise"]["type"] == "none" and r["noisy"] == r["input"]
    if r["why"] == "class":
        assert r["input"]["probability"] >= 0.9
    assert r["denoised"]["label"] == example[1] or r["changed"]


def test_models_without_a_classifier_have_no_reading(tmp_path, model_dir):
    from denoiser.serving import create_app

    (tmp_path / "mnist").mkdir()
    (tmp_path / "mnist" / "5").symlink_to(model_dir / "mnist" / "5")
    app = create_app({"TESTING": True, "MODEL_DIR": tmp_path, "LOG_LEVEL": "WARNING"})
    body = denoise(app.test_client(), instances=[np.zeros((28, 28)).tolist()], noise="gaussian", seed=1)
    assert body["reading"] is None and body["uncertainty"] is None


def test_classifiers_are_not_served_as_denoisers(client):
    names = [model["name"] for model in client.get("/models").get_json()["models"]]
    assert "mnist" in names and not any(name.endswith("-classifier") for name in names)
    response = client.post("/denoise", json={"instances": [np.zeros((28, 28)).tolist()], "model": "mnist-classifier"})
    assert response.status_code == 404


def test_uncertainty_map_is_opt_in_and_reproducible(client, example, images):
    image = base64.b64encode(example[0]).decode()
    assert denoise(client, image=image, noise="gaussian", level=0.7, seed=2)["uncertainty"] is None
    first = denoise(client, image=image, noise="gaussian", level=0.7, seed=2, uncertainty=True)["uncertainty"]
    again = denoise(client, image=image, noise="gaussian", level=0.7, seed=2, uncertainty="true")["uncertainty"]
    assert first == again and first["passes"] == 8 and first["mean"] > 0
    spread = images.decode_data_url(first["map"])
    assert spread.shape == (28, 28) and spread.max() > 0
    # the model is least sure around the strokes, not in the empty corners
    assert spread[:4, :4].mean() < spread[8:20, 8:20].mean()


def test_uncertainty_option_must_be_a_boolean(client, example):
    response = client.post("/denoise", json={"image": base64.b64encode(example[0]).decode(), "uncertainty": "maybe"})
    assert response.status_code == 400
    assert response.get_json()["error"] == {"code": "invalid_option", "message": "`uncertainty` must be true or false"}


def test_compare_reads_every_method(client, app, example):
    needs_classifier(app, "mnist")
    response = client.post("/compare", json={"image": base64.b64encode(example[0]).decode(), "noise": "gaussian",
                                             "level": 0.7, "seed": 4})
    body = response.get_json()
    assert response.status_code == 200, body
    inputs = {result["reading"]["input"]["label"] for result in body["results"]}
    assert inputs == {example[1]}
    for result in body["results"]:
        r = result["reading"]
        assert r["changed"] == (r["denoised"]["label"] != r["input"]["label"] or r["denoised"]["probability"] < 0.7)


def test_a_broken_classifier_fast_path_still_reads(tmp_path, model_dir):
    """A corrupt model.tflite beside the classifier costs only the fast path: the SavedModel reads instead."""
    import shutil

    from denoiser.serving import create_app

    (tmp_path / "mnist").mkdir()
    (tmp_path / "mnist" / "5").symlink_to(model_dir / "mnist" / "5")
    name, version = "mnist-classifier", max(int(p.name) for p in (model_dir / "mnist-classifier").iterdir())
    shutil.copytree(model_dir / name / str(version), tmp_path / name / "1")
    (tmp_path / name / "1" / "model.tflite").write_bytes(b"not a flatbuffer")
    app = create_app({"TESTING": True, "MODEL_DIR": tmp_path, "LOG_LEVEL": "WARNING"})
    assert app.extensions["denoiser.registry"].reader_of("mnist").lite is None
    body = denoise(app.test_client(), instances=[np.zeros((28, 28)).tolist()], noise="gaussian", seed=1)
    assert body["reading"]["classifier"] == {"name": name, "version": 1}
