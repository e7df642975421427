"""Bad inputs: each answers the JSON error of DESIGN.md with its status and code, never a 5xx."""

from __future__ import annotations

import io

import pytest
from image_samples import draw_digit, encode, png_header_only
from PIL import Image
from urllib3 import encode_multipart_formdata

from denoiser.evaluation.realinputs import render_empty

PNG = "image/png"


def drawing() -> Image.Image:
    """A dark-on-light stroke drawing."""
    return draw_digit(size=(300, 200), centre=(90, 70), scale=40, width=10)


GOOD = encode(drawing())


def files(*blobs: bytes, field: str = "image", **form) -> dict:
    return {"data": {field: [(io.BytesIO(b), f"{i}.png") for i, b in enumerate(blobs)], **form},
            "content_type": "multipart/form-data"}


def client_encoded(blob: bytes) -> dict:
    """One `image` file encoded as curl, browsers and requests do (werkzeug's test client omits the CRLF
    that must precede the closing boundary after an empty part, which strict parsers reject)."""
    body, content_type = encode_multipart_formdata({"image": ("0.png", blob, PNG)})
    return {"data": body, "content_type": content_type}


CASES = {
    "empty body": ("POST", "/denoise", {}, 400, "missing_image"),
    "empty json object": ("POST", "/denoise", {"json": {}}, 400, "missing_image"),
    "json not an object": ("POST", "/denoise", {"json": [1, 2]}, 400, "bad_request"),
    "malformed json": ("POST", "/denoise", {"data": b"{oops", "content_type": "application/json"}, 400,
                       "bad_request"),
    "wrong field": ("POST", "/denoise", files(GOOD, field="file"), 400, "missing_image"),
    "wrong json field": ("POST", "/denoise", {"json": {"img": "abc"}}, 400, "missing_image"),
    "not an image": ("POST", "/denoise", files(b"hello, world"), 422, "invalid_image"),
    "empty file": ("POST", "/denoise", client_encoded(b""), 422, "invalid_image"),
    "truncated png": ("POST", "/denoise", files(GOOD[: len(GOOD) // 2]), 422, "invalid_image"),
    "bad base64": ("POST", "/denoise", {"json": {"image": "!!!not base64"}}, 422, "invalid_image"),
    "tiff is not accepted": ("POST", "/denoise", files(encode(drawing(), "TIFF")), 422, "invalid_image"),
    "blank canvas": ("POST", "/denoise", files(encode(Image.new("L", (280, 280), 255))), 422, "blank_image"),
    "transparent canvas": ("POST", "/encode", files(encode(Image.new("RGBA", (99, 99), (0, 0, 0, 0)))), 422,
                           "blank_image"),
    "blank paper photo, uneven light": ("POST", "/denoise", files(render_empty("blank_photo", 1)), 422,
                                        "blank_image"),
    "ruled lines only": ("POST", "/denoise", files(render_empty("ruled_lines", 1)), 422, "blank_image"),
    "specks only": ("POST", "/encode", files(render_empty("specks", 1)), 422, "blank_image"),
    "one pixel": ("POST", "/denoise", files(encode(Image.new("L", (1, 1), 0))), 422, "blank_image"),
    "one dark pixel on white": ("POST", "/denoise", files(encode(Image.new("L", (3, 1), 255).crop((0, 0, 3, 1)))),
                                422, "blank_image"),
    "thin line image": ("POST", "/denoise", files(encode(Image.new("L", (900, 2), 255))), 422, "blank_image"),
    "huge dimensions": ("POST", "/denoise", files(png_header_only(60_000, 60_000)), 413, "image_too_large"),
    "too many files": ("POST", "/denoise", files(*[GOOD] * 17), 413, "too_many_images"),
    "too many instances": ("POST", "/encode", {"json": {"instances": [[[0] * 28] * 28] * 17}}, 413,
                           "too_many_images"),
    "body over the limit": ("POST", "/denoise", files(b"\0" * (11 * 1024 * 1024)), 413, "payload_too_large"),
    "instances wrong shape": ("POST", "/denoise", {"json": {"instances": [[[0] * 27] * 28]}}, 422,
                              "invalid_image"),
    "instances out of range": ("POST", "/denoise", {"json": {"instances": [[[300] * 28] * 28]}}, 422,
                               "invalid_image"),
    "instances not numbers": ("POST", "/denoise", {"json": {"instances": [[["a"] * 28] * 28]}}, 422,
                              "invalid_image"),
    "unknown noise": ("POST", "/denoise", files(GOOD, noise="pink"), 400, "invalid_option"),
    "level above 1": ("POST", "/denoise", files(GOOD, level="1.5"), 400, "invalid_option"),
    "level not a number": ("POST", "/denoise", files(GOOD, level="loud"), 400, "invalid_option"),
    "level nan": ("POST", "/denoise", {"json": {"instances": [[[0] * 28] * 28], "level": "nan"}}, 400,
                  "invalid_option"),
    "seed negative": ("POST", "/denoise", files(GOOD, seed="-1"), 400, "invalid_option"),
    "seed fractional": ("POST", "/denoise", {"json": {"instances": [[[0] * 28] * 28], "seed": 1.5}}, 400,
                        "invalid_option"),
    "seed boolean": ("POST", "/denoise", {"json": {"instances": [[[0] * 28] * 28], "seed": True}}, 400,
                     "invalid_option"),
    "unknown preprocess": ("POST", "/encode", files(GOOD, preprocess="magic"), 400, "invalid_option"),
    "unknown model": ("POST", "/denoise", files(GOOD, model="cifar"), 404, "model_not_found"),
    "model path traversal": ("POST", "/encode", files(GOOD, model="../mnist"), 404, "model_not_found"),
    "unknown model card": ("GET", "/model?model=cifar", {}, 404, "model_not_found"),
    "unknown examples": ("GET", "/models/cifar/examples", {}, 404, "model_not_found"),
    "wrong method": ("GET", "/denoise", {}, 405, "method_not_allowed"),
    "wrong method on health": ("POST", "/healthz", {}, 405, "method_not_allowed"),
    "unknown path": ("GET", "/nowhere", {}, 404, "not_found"),
    "unsupported content type": ("POST", "/denoise", {"data": GOOD, "content_type": "image/png"}, 415,
                                 "unsupported_media_type"),
    "text body": ("POST", "/encode", {"data": "hi", "content_type": "text/plain"}, 415, "unsupported_media_type"),
}


@pytest.mark.parametrize("case", CASES.values(), ids=list(CASES))
def test_bad_input(client, case):
    method, path, kwargs, status, code = case
    response = client.open(path, method=method, headers={"X-Request-ID": "case-1"}, **kwargs)
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    body = response.get_json()
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    assert body["request_id"] == "case-1" == response.headers["X-Request-ID"]


def test_errors_are_json_even_when_png_is_asked_for(client):
    response = client.post("/denoise", headers={"Accept": PNG}, **files(b"junk"))
    assert response.status_code == 422 and response.mimetype == "application/json"


def test_method_not_allowed_lists_the_allowed_methods(client):
    assert "POST" in client.get("/encode").headers["Allow"]


def test_unexpected_failure_is_a_json_500(app, monkeypatch):
    registry = app.extensions["denoiser.registry"]
    model = registry.get(None)

    def boom(images):
        raise RuntimeError("secret detail")

    monkeypatch.setattr(model, "denoise", boom)
    response = app.test_client().post("/denoise", json={"instances": [[[0] * 28] * 28]})
    assert response.status_code == 500
    assert response.get_json()["error"] == {"code": "internal_error", "message": "internal server error"}


def test_smaller_limits_from_settings(model_dir):
    from denoiser.serving import create_app

    small = create_app({"TESTING": True, "MODEL_DIR": model_dir / "none", "MAX_BATCH": 1, "MAX_PIXELS": 100,
                        "MAX_UPLOAD_BYTES": 4096}).test_client()
    assert small.post("/denoise", **files(GOOD, GOOD)).get_json()["error"]["code"] == "too_many_images"
    big = small.post("/denoise", **files(b"\0" * 5000))
    assert big.status_code == 413 and big.get_json()["error"]["code"] == "payload_too_large"
