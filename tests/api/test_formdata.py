"""The multipart parser behind request.form/request.files: same results as werkzeug's, limits kept."""

from __future__ import annotations

import io

import pytest
from urllib3 import encode_multipart_formdata
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.formparser import FormDataParser

from denoiser.serving.formdata import FastFormDataParser

# Bytes that look like line breaks and boundaries inside a file must survive untouched.
TRICKY = b"\x89PNG\r\n\x1a\n--not-the-boundary\r\n\r\n--\r\n" + bytes(range(256))


def parse(parser_class, fields, **limits):
    body, content_type = encode_multipart_formdata(fields)
    boundary = content_type.split("boundary=")[1]
    parser = parser_class(**limits)
    _, form, files = parser.parse(io.BytesIO(body), "multipart/form-data", len(body), {"boundary": boundary})
    return form, files


@pytest.mark.parametrize("fields", [
    {"image": ("digit.png", TRICKY, "image/png"), "noise": "gaussian", "level": "0.3"},
    [("image", ("a.png", b"first", "image/png")), ("image", ("b.png", b"", "image/png")), ("seed", "7")],
    {"model": "fashion-mnist", "label": "naïve ✓"},
])
def test_same_fields_and_files_as_werkzeug(fields):
    form, files = parse(FastFormDataParser, fields)
    expected_form, expected_files = parse(FormDataParser, fields)
    assert form.to_dict(flat=False) == expected_form.to_dict(flat=False)
    assert list(files) == list(expected_files)
    for name in files:
        got, expected = files.getlist(name), expected_files.getlist(name)
        assert [(f.filename, f.mimetype, f.read()) for f in got] == \
               [(f.filename, f.mimetype, f.read()) for f in expected]


def test_too_many_parts_is_413():
    fields = [("seed", str(i)) for i in range(20)]
    with pytest.raises(RequestEntityTooLarge):
        parse(FastFormDataParser, fields, max_form_parts=10)


def test_oversized_text_field_is_413():
    with pytest.raises(RequestEntityTooLarge):
        parse(FastFormDataParser, {"noise": "x" * 2000}, max_form_memory_size=1000)


def test_a_body_cut_short_reads_as_no_image(client):
    body, content_type = encode_multipart_formdata({"image": ("digit.png", TRICKY, "image/png")})
    response = client.post("/denoise", data=body[:-30], content_type=content_type)
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "missing_image"


def test_too_many_parts_answers_json_413(app, client):
    fields = [("seed", "1")] * (app.config["MAX_FORM_PARTS"] + 1)
    body, content_type = encode_multipart_formdata(fields)
    response = client.post("/denoise", data=body, content_type=content_type)
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "payload_too_large"
