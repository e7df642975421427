"""The contract, declared once (backend/denoiser/serving/schemas): the committed OpenAPI document and frontend types
are what the models generate, every route is documented, real answers fit the models, options validate by them."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
from pathlib import Path

import pytest

from denoiser.serving import create_app
from denoiser.serving.errors import ApiError
from denoiser.serving.inputs import parse_options
from denoiser.serving.openapi import spec_text
from denoiser.serving.schemas import answers, protocols

ROOT = Path(__file__).resolve().parents[2]
API_DIR = ROOT / "frontend" / "src" / "api"
SPEC = API_DIR / "openapi.json"
TYPES = API_DIR / "schema.d.ts"
OPENAPI_TYPESCRIPT = ROOT / "frontend" / "node_modules" / ".bin" / "openapi-typescript"
TYPESCRIPT_OPTIONS = ("--array-length",)  # as the Makefile's `contract` target runs it
STALE = "is stale: the API's pydantic models say otherwise; run `make contract` and commit the result"
UNDOCUMENTED = {"/docs/<path:name>", "/", "/<spa:path>"}  # Swagger UI's files and the SPA, not API operations


@pytest.fixture(scope="module")
def bare_app():
    """The API as it starts without models: enough to serve /openapi.json and list every route."""
    return create_app({"TESTING": True, "LOAD_MODELS": False, "STATIC_DIR": ROOT / "no-such-dist",
                       "LOG_LEVEL": "WARNING"})


def test_committed_document_is_what_the_models_generate(bare_app):
    served = bare_app.test_client().get("/openapi.json").get_json()
    assert served == json.loads(SPEC.read_text(encoding="utf-8")), f"{SPEC.relative_to(ROOT)} {STALE}"
    assert spec_text() == SPEC.read_text(encoding="utf-8"), f"{SPEC.relative_to(ROOT)} {STALE}"


def test_committed_frontend_types_are_what_openapi_typescript_makes_of_the_document(tmp_path):
    if not OPENAPI_TYPESCRIPT.is_file():
        message = "frontend/node_modules lacks openapi-typescript: run `make install-frontend` (then `make contract`)"
        if os.environ.get("CI"):
            pytest.fail(message)  # CI installs the frontend first: a missing tool must not pass as a skip
        pytest.skip(message)
    spec = tmp_path / "openapi.json"
    spec.write_text(spec_text(), encoding="utf-8")
    result = subprocess.run([str(OPENAPI_TYPESCRIPT), str(spec), *TYPESCRIPT_OPTIONS], capture_output=True,
                            text=True, timeout=120, cwd=ROOT / "frontend")
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout == TYPES.read_text(encoding="utf-8"), f"{TYPES.relative_to(ROOT)} {STALE}"


def test_every_route_is_documented_and_every_documented_operation_routed(bare_app):
    documented = {(method, path) for path, operations in json.loads(spec_text())["paths"].items()
                  for method in operations}
    routed = {(method.lower(), re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule))
              for rule in bare_app.url_map.iter_rules() if rule.rule not in UNDOCUMENTED
              for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert routed - documented == set(), "routes without a row in openapi.py's ENDPOINTS (then `make contract`)"
    assert documented - routed == set(), "documented operations that no route serves"


@pytest.mark.parametrize(("raw", "message"), [
    ({"noise": "pink"}, "`noise` must be one of none, gaussian, salt_pepper, speckle"),
    ({"preprocess": "magic"}, "`preprocess` must be one of mnist, resize"),
    ({"level": "1.5"}, "`level` must be within [0, 1]"),
    ({"level": "loud"}, "`level` must be a number"),
    ({"level": True}, "`level` must be a number"),
    ({"level": "nan"}, "`level` must be finite"),
    ({"seed": -1}, "`seed` must be within [0, 4294967295]"),
    ({"seed": 1.5}, "`seed` must be an integer"),
    ({"seed": True}, "`seed` must be an integer"),
    ({"model": 7}, "`model` must be a string"),
])
def test_bad_options_name_the_option_and_what_it_must_be(raw, message):
    with pytest.raises(ApiError) as caught:
        parse_options(raw)
    assert (caught.value.status, caught.value.code, caught.value.message) == (400, "invalid_option", message)


def test_options_from_form_fields_or_json_with_defaults_for_empty_values():
    options = parse_options({"noise": "gaussian", "level": "0.25", "seed": "7", "preprocess": "", "model": None,
                             "methods": "all"})
    assert (options.noise, options.level, options.seed, options.preprocess, options.model) == (
        "gaussian", 0.25, 7, None, None)  # no preprocess asked: the model's own applies (inputs.for_model)
    assert parse_options({"seed": 7.0, "level": 1}).seed == 7
    assert 0 <= parse_options({}).seed < 2**31  # random when absent


def _fits(model, response) -> None:
    """The answer parses as the model, strictly (no coercion): the document describes what is sent."""
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    model.model_validate_json(response.get_data(), strict=True)


def test_real_answers_fit_their_models(client, app, example):
    png, _ = example
    registry = app.extensions["denoiser.registry"]

    def upload(**options):
        return {"image": (io.BytesIO(png), "digit.png"), **options}

    _fits(answers.DenoiseResponse, client.post("/denoise", data=upload(noise="gaussian", seed="1")))
    _fits(answers.DenoiseResponse, client.post("/denoise", data=upload()))
    _fits(answers.EncodeResponse, client.post("/encode", json={"instances": [[[0.0] * 28] * 28]}))
    _fits(answers.CompareResponse, client.post("/compare", data=upload(noise="gaussian", level="0.3")))
    _fits(answers.Health, client.get("/healthz"))
    _fits(answers.Ready, client.get("/readyz"))
    _fits(answers.Metadata, client.get("/model"))
    _fits(answers.ModelsResponse, client.get("/models"))
    for name, model in registry.models.items():
        if model.examples is not None:
            _fits(answers.ExamplesResponse, client.get(f"/models/{name}/examples"))
        if model.latent_map is not None:
            _fits(answers.LatentMap, client.get(f"/models/{name}/latent-map"))
            _fits(answers.EncodeResponse, client.post("/encode", data=upload(model=name)))
            if model.can_decode:
                _fits(answers.DecodeResponse, client.post("/decode", json={"model": name, "points": [[0, 0], [1, 1]]}))
    name = registry.default
    _fits(protocols.TfServingStatus, client.get(f"/v1/models/{name}"))
    _fits(protocols.TfServingMetadata, client.get(f"/v1/models/{name}/metadata"))
    _fits(protocols.V2ServerMetadata, client.get("/v2"))
    _fits(protocols.V2ModelMetadata, client.get(f"/v2/models/{name}"))
    _fits(protocols.V2ModelReady, client.get(f"/v2/models/{name}/ready"))


def test_reload_answer_fits_its_model(tmp_path):
    app = create_app({"TESTING": True, "LOAD_MODELS": False, "MODEL_DIR": tmp_path, "ADMIN_TOKEN": "secret",
                      "STATIC_DIR": ROOT / "no-such-dist", "LOG_LEVEL": "WARNING"})
    _fits(answers.ReloadResult, app.test_client().post("/admin/reload", headers={"Authorization": "Bearer secret"}))


def test_error_answers_fit_their_models(client):
    response = client.post("/denoise", json={"instances": [[[0] * 28] * 28], "noise": "pink"})
    assert response.status_code == 400
    answers.Error.model_validate_json(response.get_data(), strict=True)
    response = client.post("/admin/reload")  # the test app has no admin token: reloading over HTTP is off
    assert response.status_code == 403
    answers.Error.model_validate_json(response.get_data(), strict=True)
    response = client.get("/v1/models/no-such-model")
    assert response.status_code == 404
    protocols.ProtocolError.model_validate_json(response.get_data(), strict=True)
