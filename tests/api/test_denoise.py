"""POST /denoise: every input form, every option, both answer types."""

from __future__ import annotations

import base64
import io

import numpy as np
import pytest
from PIL import Image

from denoiser.imaging import metrics, noise, to_model_input


def post_file(client, data: bytes, **form):
    return client.post("/denoise", data={"image": (io.BytesIO(data), "digit.png"), **form})


def test_multipart_answer_shape(client, example, images):
    response = post_file(client, example[0], seed="7", noise="gaussian")
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["model"]["name"] == "mnist" and isinstance(body["model"]["version"], int)
    assert body["noise"] == {"type": "gaussian", "level": 0.5, "seed": 7}
    assert len(body["results"]) == 1
    for key in ("input", "noisy", "denoised", "metrics"):
        assert body[key] == body["results"][0][key]
    for key in ("input", "noisy", "denoised"):
        assert images.decode_data_url(body[key]).shape == (28, 28)
    assert set(body["metrics"]) == {"noisy", "denoised"}
    assert set(body["metrics"]["noisy"]) == {"psnr", "ssim", "mse"}
    assert {"decode", "preprocess", "model", "encode", "total"} <= set(body["timings_ms"])
    assert body["request_id"] == response.headers["X-Request-ID"]


def test_metrics_match_the_images_and_denoising_helps(client, example, images):
    body = post_file(client, example[0], seed="11", preprocess="resize", noise="gaussian").get_json()
    clean = images.decode_data_url(body["input"]) / 255.0
    noisy = images.decode_data_url(body["noisy"]) / 255.0
    denoised = images.decode_data_url(body["denoised"]) / 255.0
    scores = body["metrics"]
    # PNGs are 8-bit, so the figures computed from them agree to within rounding.
    assert scores["noisy"]["psnr"] == pytest.approx(metrics.psnr(clean, noisy), abs=0.1)
    assert scores["denoised"]["ssim"] == pytest.approx(metrics.ssim(clean, denoised), abs=0.01)
    assert scores["denoised"]["mse"] == pytest.approx(np.mean((clean - denoised) ** 2), abs=1e-3)
    assert scores["denoised"]["psnr"] > scores["noisy"]["psnr"] + 3
    assert scores["denoised"]["ssim"] > scores["noisy"]["ssim"]


def test_seed_reproduces_noise_server_side(client, example, images):
    first = post_file(client, example[0], seed="5", noise="gaussian").get_json()
    again = post_file(client, example[0], seed="5", noise="gaussian").get_json()
    other = post_file(client, example[0], seed="6", noise="gaussian").get_json()
    assert first["noisy"] == again["noisy"] and first["denoised"] == again["denoised"]
    assert first["noisy"] != other["noisy"]
    clean = to_model_input(images.decode_data_url(first["input"]))
    expected = noise.add_noise(clean, "gaussian", 0.5, 5)
    assert np.abs(images.decode_data_url(first["noisy"]) / 255.0 - expected[0, ..., 0]).max() <= 1 / 255 + 1e-6


def test_random_seed_is_echoed(client, example):
    seeds = {post_file(client, example[0]).get_json()["noise"]["seed"] for _ in range(3)}
    assert len(seeds) > 1


@pytest.mark.parametrize("kind", ["gaussian", "salt_pepper", "speckle"])
def test_noise_types(client, example, kind, images):
    body = post_file(client, example[0], noise=kind, level="0.3", seed="1").get_json()
    assert body["noise"] == {"type": kind, "level": 0.3, "seed": 1}
    assert body["noisy"] != body["input"]
    assert body["metrics"]["noisy"]["psnr"] < 100


def test_noise_none_has_null_metrics(client, example):
    body = post_file(client, example[0], noise="none").get_json()
    assert body["metrics"] is None and body["results"][0]["metrics"] is None
    assert body["noisy"] == body["input"]


def test_json_base64_and_data_url(client, example, images):
    plain = client.post("/denoise", json={"image": base64.b64encode(example[0]).decode(), "seed": 3})
    url = client.post("/denoise", json={"image": images.data_url(example[0]), "seed": 3})
    assert plain.status_code == url.status_code == 200
    assert plain.get_json()["denoised"] == url.get_json()["denoised"]


def test_instances_floats_and_ints(client, example, images):
    pixels = np.asarray(Image.open(io.BytesIO(example[0])).convert("L"))
    as_ints = client.post("/denoise", json={"instances": [pixels.tolist()], "noise": "none"})
    as_floats = client.post("/denoise", json={"instances": [(pixels / 255.0).tolist()], "noise": "none"})
    assert as_ints.status_code == as_floats.status_code == 200
    assert np.array_equal(images.decode_data_url(as_ints.get_json()["input"]), pixels)
    assert as_ints.get_json()["denoised"] == as_floats.get_json()["denoised"]


def test_several_files_are_one_batch(client, example, images):
    drawing = images.encode(images.draw_digit())
    response = client.post("/denoise", data={"image": [(io.BytesIO(example[0]), "a.png"),
                                                       (io.BytesIO(drawing), "b.png")], "seed": "2"})
    body = response.get_json()
    assert len(body["results"]) == 2
    assert body["results"][0]["input"] != body["results"][1]["input"]
    single = post_file(client, drawing, seed="2").get_json()
    assert single["input"] == body["results"][1]["input"]


def test_png_answer(client, example):
    response = client.post("/denoise", data={"image": (io.BytesIO(example[0]), "d.png"), "seed": "4"},
                           headers={"Accept": "image/png"})
    assert response.status_code == 200 and response.mimetype == "image/png"
    png = Image.open(io.BytesIO(response.data))
    assert png.size == (28, 28) and png.mode == "L"
    as_json = post_file(client, example[0], seed="4").get_json()
    assert as_json["denoised"] == "data:image/png;base64," + base64.b64encode(response.data).decode()
    assert response.headers["X-Noise-Seed"] == "4"


def test_model_option_picks_a_model(client, app, example):
    registry = app.extensions["denoiser.registry"]
    for name, served in registry.models.items():
        body = post_file(client, example[0], model=name, seed="1").get_json()
        assert body["model"] == {"name": name, "version": served.version}


def test_request_id_is_echoed(client, example):
    response = post_file(client, example[0], seed="1")
    generated = response.headers["X-Request-ID"]
    assert len(generated) >= 16
    mine = client.get("/healthz", headers={"X-Request-ID": "abc-123"})
    assert mine.headers["X-Request-ID"] == "abc-123"
    bad = client.get("/healthz", headers={"X-Request-ID": "no spaces <allowed>"})
    assert bad.headers["X-Request-ID"] != "no spaces <allowed>"


def test_dark_on_light_drawing_becomes_mnist_form(client, images):
    from scipy import ndimage

    body = post_file(client, images.encode(images.draw_digit()), noise="none").get_json()
    digit = images.decode_data_url(body["input"]) / 255.0
    assert np.allclose(ndimage.center_of_mass(digit), (13.5, 13.5), atol=1.0)
    assert digit[0].max() == digit[-1].max() == 0
