"""The OpenAPI 3 document of the API (served at /openapi.json, rendered at /docs), generated from the models.

Every schema comes from the pydantic models of serving/schemas; this module only says which endpoint takes and
answers which model (`ENDPOINTS`, one row each) and what each error status means. Adding an endpoint: its models
in schemas, one row here, then `make contract` (which writes `spec_text()` to frontend/src/api/openapi.json).
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import BaseModel, Field, TypeAdapter
from pydantic.json_schema import models_json_schema

from denoiser import __version__
from denoiser.serving.errors import protocol_path
from denoiser.serving.observability import REQUEST_ID_PATTERN
from denoiser.serving.schemas import answers as a
from denoiser.serving.schemas import bodies as b
from denoiser.serving.schemas import protocols as p
from denoiser.serving.schemas.base import Inline, OpenApi30

REF = "#/components/schemas/{model}"
ERROR_TEXT = {
    "400": "Bad request: malformed JSON (`bad_request`), no image (`missing_image`), "
           "bad option (`invalid_option`).",
    "404": "Unknown model (`model_not_found`) or missing resource (`not_found`).",
    "413": "Body over the upload limit (`payload_too_large`), image over the pixel limit (`image_too_large`) "
           "or more images than the batch limit (`too_many_images`).",
    "415": "Body neither multipart/form-data nor application/json (`unsupported_media_type`).",
    "422": "Not a decodable PNG/JPEG/GIF/BMP/WebP image (`invalid_image`), or no digit in it (`blank_image`: "
           "blank paper, only ruled lines or only specks; the message says what was seen).",
    "422decode": "The model has no decoder (`cannot_decode`; the message names the models that have one).",
    "400decode": "Not a JSON object (`bad_request`), or not exactly one of latent/latents/point/points with the "
                 "right number of finite numbers (`invalid_latent`).",
    "413decode": "More than 64 codes or points (`too_many_images`).",
    "413compare": "Body over the upload limit (`payload_too_large`), image over the pixel limit (`image_too_large`) "
                  "or more than one image (`too_many_images`).",
    "429": "Over the per-address rate limit (`too_many_requests`, with `Retry-After`): answered by nginx in a "
           "compose or Kubernetes deployment (docs/deployment.md), never by the API itself.",
    "503": "Models not loaded yet (`not_ready`).",
    "401": "No `Authorization: Bearer <token>` with the server's DENOISER_ADMIN_TOKEN (`unauthorized`).",
    "403": "Reloading over HTTP is off: the server has no DENOISER_ADMIN_TOKEN (`forbidden`).",
}
PROTOCOL_ERROR_TEXT = {  # under /v1/ and /v2: the protocols' `{"error": "..."}` (errors.py)
    "400": "Bad body, signature, tensor name, shape, datatype or value.",
    "404": "Unknown model or version, or unknown path.",
    "413": "Body over the upload limit, or more examples than the batch limit.",
    "503": "Models not loaded yet.",
}
IMAGE_ERRORS = ("400", "404", "413", "415", "422", "429", "503")
UPLOAD_TYPES = "image/png, image/jpeg, image/gif, image/bmp, image/webp"
PNG = ("image/png", bytes)
FreeObject = dict[str, Any]
# Path parameters, by name, wherever a path has them; and the optional header every POST of the API takes.
PATH_PARAMETERS: dict[str, Any] = {"name": str, "version": Annotated[int, Field(ge=0)]}
RequestId = Annotated[str, Field(pattern=REQUEST_ID_PATTERN.pattern)]


@dataclass(frozen=True)
class Endpoint:
    """One operation: its answer (a model, or a type such as bytes for a binary body) and the rest of its row."""

    method: str
    path: str
    summary: str
    ok: Any
    errors: tuple[str, ...] = ()  # keys of ERROR_TEXT (PROTOCOL_ERROR_TEXT under /v1/ and /v2)
    body: Any = None  # the JSON body's model, or {media type: model}
    media: str = "application/json"  # of the 200 answer
    also: tuple[tuple[str, Any], ...] = ()  # other media types of the 200 answer (by Accept)
    ok_text: str = "Success."
    query: tuple[str, ...] = ()  # optional string query parameters
    more: tuple[tuple[str, str, Any], ...] = ()  # other success answers: (status, description, JSON model)
    token: bool = False  # needs `Authorization: Bearer <DENOISER_ADMIN_TOKEN>`


def _versions(method: str, path: str, summary: str, version_summary: str, ok: Any, *errors: str,
              **extra: Any) -> list[Endpoint]:
    """A serving-protocol operation on a model's newest version, and the same under /versions/{version}."""
    versioned = path.replace("{name}", "{name}/versions/{version}", 1)
    return [Endpoint(method, path, summary, ok, errors, **extra),
            Endpoint(method, versioned, version_summary, ok, errors, **extra)]


IMAGE_BODY = {"multipart/form-data": b.MultipartRequest, "application/json": b.JsonRequest}
BINARY_TENSORS = ("Success: JSON, or (binary tensor data extension) the JSON header, whose length "
                  "`Inference-Header-Content-Length` gives, followed by the binary outputs.")
ENDPOINTS: list[Endpoint] = [
    Endpoint("post", "/denoise", "Denoise images as sent (or with noise added server-side first, for the demo).",
             a.DenoiseResponse, IMAGE_ERRORS, IMAGE_BODY, also=(PNG,),
             ok_text="JSON result, or with `Accept: image/png` the denoised PNG of the first image."),
    Endpoint("post", "/encode", "Latent vectors, where they land on the latent map, their nearest test digits and "
             "vote, and how typical each input is.", a.EncodeResponse, IMAGE_ERRORS, IMAGE_BODY),
    Endpoint("post", "/decode", "Turn codes, or spots on the latent map, into digits (models that can decode).",
             a.DecodeResponse, ("400decode", "404", "413decode", "415", "422decode", "503"), b.DecodeRequest,
             also=(PNG,), ok_text="The decoded 28x28 digits, or with `Accept: image/png` the first PNG."),
    Endpoint("post", "/compare", "One image through every served model of its dataset and the classical baselines "
             "(tuned on the validation split), all on the same noisy draw; best first.", a.CompareResponse,
             ("400", "404", "413compare", "415", "422", "429", "503"),
             {"multipart/form-data": b.CompareMultipart, "application/json": b.CompareJson},
             ok_text="Every method's output and scores."),
    Endpoint("get", "/healthz", "Liveness.", a.Health),
    Endpoint("get", "/readyz", "Readiness: models loaded and warmed.", a.Ready, ("503",)),
    Endpoint("get", "/model", "Metadata (model card) of one model.", a.Metadata, ("404", "503"), query=("model",)),
    Endpoint("get", "/models", "Every served model.", a.ModelsResponse),
    Endpoint("get", "/models/{name}/examples", "The model's example test images.", a.ExamplesResponse,
             ("404", "503")),
    Endpoint("get", "/models/{name}/latent-map", "The model's 2-D latent map of test digits: points [x, y, label], "
             "test indices, the code's mean and spread, whether it decodes, and its sprite.", a.LatentMap,
             ("404", "503")),
    Endpoint("get", "/models/{name}/latent-map/sprite.png", "Every map digit in one PNG grid (cell i at column "
             "i % columns, row i // columns).", bytes, ("404", "503"), media="image/png"),
    Endpoint("get", "/metrics", "Prometheus metrics of all workers.", str, media="text/plain"),
    Endpoint("get", "/openapi.json", "This document.", FreeObject),
    Endpoint("get", "/docs", "This document as a readable page.", str, media="text/html"),
    Endpoint("post", "/admin/reload", "Serve the models now on disk (a model just trained) without a restart; off "
             "unless the server has DENOISER_ADMIN_TOKEN.", a.ReloadResult, ("401", "403"),
             ok_text="Reloaded in this process (the Flask server).", token=True,
             more=(("202", "gunicorn is replacing its workers, which load the models; /readyz lists them once "
                           "they serve.", a.ReloadResult),)),
    *_versions("get", "/v1/models/{name}", "TF Serving: the model's status.", "TF Serving: one version's status.",
               p.TfServingStatus, "404", "503"),
    *_versions("get", "/v1/models/{name}/metadata", "TF Serving: the SavedModel's signature defs.",
               "TF Serving: one version's signature defs.", p.TfServingMetadata, "404", "503"),
    *_versions("post", "/v1/models/{name}:predict", "TF Serving: run a signature (row or columnar format).",
               "TF Serving: run a signature of one version.", p.TfServingPredictResponse, "400", "404", "413", "503",
               body=p.TfServingPredictRequest),
    Endpoint("get", "/v2", "Open Inference Protocol: server metadata.", p.V2ServerMetadata),
    Endpoint("get", "/v2/health/live", "Open Inference Protocol: liveness.", p.V2Live),
    Endpoint("get", "/v2/health/ready", "Open Inference Protocol: readiness.", p.V2Ready, ("503",)),
    *_versions("get", "/v2/models/{name}", "Open Inference Protocol: model metadata.",
               "Open Inference Protocol: one version's metadata.", p.V2ModelMetadata, "404", "503"),
    *_versions("get", "/v2/models/{name}/ready", "Open Inference Protocol: the model is loaded.",
               "Open Inference Protocol: the version is loaded.", p.V2ModelReady, "404", "503"),
    *_versions("post", "/v2/models/{name}/infer", "Open Inference Protocol: run a signature "
               "(`parameters.signature_name`).", "Open Inference Protocol: run a signature of one version.",
               p.V2InferResponse, "400", "404", "413", "503", body=p.V2InferRequest,
               also=(("application/octet-stream", bytes),), ok_text=BINARY_TENSORS),
]


def _is_model(kind: Any) -> bool:
    return isinstance(kind, type) and issubclass(kind, BaseModel)


def _schema(kind: Any) -> dict:
    """A reference to a model's component, or the inline schema of any other type (bytes, str, dicts)."""
    if _is_model(kind):
        return {"$ref": REF.format(model=kind.__name__)}
    return TypeAdapter(kind).json_schema(ref_template=REF, schema_generator=OpenApi30)


def _answer(schema: dict, description: str, media: str = "application/json") -> dict:
    return {"description": description, "headers": {"X-Request-ID": {"$ref": "#/components/headers/RequestId"}},
            "content": {media: {"schema": schema}}}


def _body(body: Any) -> dict:
    content = {}
    for media, model in (body if isinstance(body, dict) else {"application/json": body}).items():
        content[media] = {"schema": _schema(model)}
        if media == "multipart/form-data":
            content[media]["encoding"] = {"image": {"contentType": UPLOAD_TYPES}}
    return {"required": True, "content": content}


def _parameters(endpoint: Endpoint) -> list[dict]:
    found = [{"name": name, "in": "path", "required": True, "schema": _schema(kind)}
             for name, kind in PATH_PARAMETERS.items() if f"{{{name}}}" in endpoint.path]
    found += [{"name": name, "in": "query", "required": False, "schema": _schema(str)} for name in endpoint.query]
    if endpoint.method == "post" and not protocol_path(endpoint.path):
        found.insert(0, {"$ref": "#/components/parameters/RequestId"})
    return found


def operation(endpoint: Endpoint) -> dict:
    """The OpenAPI operation object of one row."""
    protocol = protocol_path(endpoint.path)
    ok = _answer(_schema(endpoint.ok), endpoint.ok_text, endpoint.media)
    ok["content"].update({media: {"schema": _schema(kind)} for media, kind in endpoint.also})
    error, texts = (p.ProtocolError, PROTOCOL_ERROR_TEXT) if protocol else (a.Error, ERROR_TEXT)
    answers = {"200": ok, **{status: _answer(_schema(kind), text) for status, text, kind in endpoint.more},
               **{key[:3]: _answer(_schema(error), texts[key]) for key in endpoint.errors}}
    result: dict[str, Any] = {"summary": endpoint.summary}
    if parameters := _parameters(endpoint):
        result["parameters"] = parameters
    if endpoint.body is not None:
        result["requestBody"] = _body(endpoint.body)
    if endpoint.token:
        result["security"] = [{"AdminToken": []}]
    result["responses"] = answers
    return result


def _models() -> list[type[BaseModel]]:
    """Every model the endpoints name (the models they refer to come along), the error shapes and `Options`."""
    named: list[Any] = [a.Error, p.ProtocolError, b.Options]
    for endpoint in ENDPOINTS:
        bodies = endpoint.body.values() if isinstance(endpoint.body, dict) else [endpoint.body]
        named += [endpoint.ok, *bodies, *(kind for _, kind in endpoint.also), *(kind for *_, kind in endpoint.more)]
    return list(dict.fromkeys(kind for kind in named if _is_model(kind)))


def _inlined(schemas: dict[str, dict]) -> dict[str, dict]:
    """The components without the `Inline` models, each written out wherever it was referred to."""
    inline, parents = set(), [Inline]
    while parents:
        children = parents.pop().__subclasses__()
        inline |= {child.__name__ for child in children}
        parents += children

    def written_out(node: Any) -> Any:
        if isinstance(node, list):
            return [written_out(item) for item in node]
        if not isinstance(node, dict):
            return node
        ref = node.get("$ref", "").rsplit("/", 1)[-1]
        if ref in inline:
            return written_out(schemas[ref])
        if node.get("nullable") and len(node.get("allOf", ())) == 1 and node["allOf"][0].get("$ref"):
            inner = written_out(node["allOf"][0])
            if "$ref" not in inner:  # an inline model that may be null: one schema again
                return {**inner, "nullable": True}
        return {key: written_out(value) for key, value in node.items()}

    return {name: written_out(schema) for name, schema in sorted(schemas.items()) if name not in inline}


@functools.cache
def build_spec() -> dict:
    """The OpenAPI 3.0.3 document describing every endpoint, body, answer and error (built once; read-only)."""
    _, schemas = models_json_schema([(model, "validation") for model in _models()], ref_template=REF,
                                    schema_generator=OpenApi30)
    paths: dict[str, dict] = {}
    for endpoint in ENDPOINTS:
        paths.setdefault(endpoint.path, {})[endpoint.method] = operation(endpoint)
    return {
        "openapi": "3.0.3",
        "info": {"title": "Digit denoiser API", "version": __version__,
                 "description": "Denoise and encode digit images with the exported SavedModels. "
                                "Every error answers `{\"error\": {\"code\", \"message\"}, \"request_id\"}` "
                                "(under /v1/ and /v2, the serving protocols' `{\"error\": \"...\"}`); "
                                "every response carries `X-Request-ID` (the request's, or a generated one)."},
        "paths": paths,
        "components": {
            "schemas": _inlined(schemas["$defs"]),
            "headers": {"RequestId": {"description": "The request's id.", "schema": _schema(str)}},
            "parameters": {"RequestId": {"name": "X-Request-ID", "in": "header", "required": False,
                                         "schema": _schema(RequestId)}},
            "securitySchemes": {"AdminToken": {"type": "http", "scheme": "bearer",
                                               "description": "the server's DENOISER_ADMIN_TOKEN"}},
        },
    }


def spec_text() -> str:
    """The document as committed (frontend/src/api/openapi.json): two-space indented JSON and a newline."""
    return json.dumps(build_spec(), indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> None:
    """`denoiser openapi [--output FILE]`: write the document (stdout by default); `make contract` runs it."""
    import argparse
    import sys
    from pathlib import Path

    parser = argparse.ArgumentParser(prog="denoiser openapi", description=main.__doc__)
    parser.add_argument("--output", default=None, help="file to write (replaced whole, never half written)")
    args = parser.parse_args(argv)
    if args.output is None:
        sys.stdout.write(spec_text())
        return
    target = Path(args.output)
    partial = target.with_name(target.name + ".tmp")
    partial.write_text(spec_text())
    partial.replace(target)
