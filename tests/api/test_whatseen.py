"""What the model saw: `crop` and `preprocess` in every result of /denoise and /encode."""

from __future__ import annotations

import io

import numpy as np
import pytest
from image_samples import draw_digit, encode
from PIL import Image

REPORT_KEYS = {"mode", "inverted", "background_removed", "stroke_px_before", "stroke_px_after",
               "components_kept", "components_dropped", "lines_removed"}


def upload(*blobs: bytes, **form) -> dict:
    return {"data": {"image": [(io.BytesIO(b), f"{i}.png") for i, b in enumerate(blobs)], **form},
            "content_type": "multipart/form-data"}


def stroke_seven(size=(1600, 1200), at=(1000, 300), exif_turned=False) -> tuple[bytes, list[int]]:
    """A dark "7" of 20 px strokes whose ink box is known: (JPEG bytes, [x, y, w, h] upright)."""
    image = Image.new("RGB", size, (236, 232, 220))
    from PIL import ImageDraw

    x, y = at
    ImageDraw.Draw(image).line([(x, y), (x + 300, y), (x + 120, y + 500)], fill=(30, 30, 90), width=20)
    box = [x - 1, y - 10, 301 + 1, 500 + 10]  # the top bar is 20 px thick around y; the line ends at y + 500
    if exif_turned:
        exif = Image.Exif()
        exif[0x0112] = 6
        stored = image.transpose(Image.Transpose.ROTATE_90)
        return encode(stored, "JPEG", quality=90, exif=exif.tobytes()), box
    return encode(image, "JPEG", quality=90), box


@pytest.mark.parametrize("exif_turned", [False, True])
def test_denoise_crop_is_in_upload_pixels(client, exif_turned):
    data, box = stroke_seven(exif_turned=exif_turned)
    body = client.post("/denoise", **upload(data, noise="none")).get_json()
    crop = body["results"][0]["crop"]
    assert all(isinstance(value, int) for value in crop)
    assert np.allclose(crop, box, atol=12), (crop, box)
    assert body["crop"] == crop and body["preprocess"] == body["results"][0]["preprocess"]
    report = body["preprocess"]
    assert set(report) >= REPORT_KEYS and report["mode"] == "mnist" and report["inverted"] is True
    assert report["components_kept"] >= 1 and isinstance(report["stroke_px_after"], float)


def test_encode_carries_crop_and_report(client):
    data, box = stroke_seven()
    body = client.post("/encode", **upload(data)).get_json()
    assert np.allclose(body["crop"], box, atol=12)
    assert body["results"][0]["crop"] == body["crop"] and set(body["preprocess"]) >= REPORT_KEYS


def test_every_image_of_a_batch_has_its_own_crop(client):
    first, first_box = stroke_seven(at=(100, 100))
    second, second_box = stroke_seven(at=(1100, 600))
    results = client.post("/denoise", **upload(first, second, noise="none")).get_json()["results"]
    assert np.allclose(results[0]["crop"], first_box, atol=12)
    assert np.allclose(results[1]["crop"], second_box, atol=12)


def test_resize_mode_crop_is_the_whole_image_and_a_minimal_report(client):
    data = encode(draw_digit(size=(90, 60), centre=(40, 25), scale=10, width=4, ink=255, paper=0))
    body = client.post("/denoise", **upload(data, preprocess="resize")).get_json()
    assert body["crop"] == [0, 0, 90, 60] and body["preprocess"] == {"mode": "resize"}


def test_instances_have_no_crop(client):
    body = client.post("/encode", json={"instances": [[[0.5] * 28] * 28]}).get_json()
    assert body["crop"] is None and body["preprocess"] == {"mode": "instances"}


def test_ruled_lines_only_is_a_blank_image_saying_so(client):
    from denoiser.evaluation import realinputs

    response = client.post("/denoise", **upload(realinputs.render_empty("ruled_lines", 3)))
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "blank_image" and "ruled lines" in error["message"]
