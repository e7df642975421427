"""The OpenAPI 3 document of the API (served at /openapi.json, rendered at /docs)."""

from __future__ import annotations

from denoiser import __version__
from denoiser.imaging import PREPROCESS_MODES
from denoiser.imaging.noise import NOISE_TYPES
from denoiser.serving.inputs import MAX_SEED

ERROR_CODES = ["bad_request", "missing_image", "invalid_image", "blank_image", "invalid_option",
               "too_many_images", "payload_too_large", "image_too_large", "unsupported_media_type",
               "model_not_found", "not_found", "method_not_allowed", "not_acceptable", "not_ready",
               "internal_error", "http_error", "cannot_decode", "invalid_latent", "too_many_requests"]
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
}
NUMBER = {"type": "number"}
TEXT = {"type": "string"}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _obj(properties: dict, required: list[str] | None = None, **extra) -> dict:
    schema = {"type": "object", "properties": properties, **extra}
    if required:
        schema["required"] = required
    return schema


def _json(schema: dict, description: str) -> dict:
    headers = {"X-Request-ID": {"$ref": "#/components/headers/RequestId"}}
    return {"description": description, "headers": headers,
            "content": {"application/json": {"schema": schema}}}


def _errors(*statuses: str) -> dict:
    return {status[:3]: _json(_ref("Error"), ERROR_TEXT[status]) for status in statuses}


OPTIONS = {
    "noise": {"type": "string", "enum": list(NOISE_TYPES), "default": "none",
              "description": "noise added server-side before denoising (the demo); `none` denoises the image as sent"},
    "level": {"type": "number", "minimum": 0, "maximum": 1, "default": 0.5},
    "seed": {"type": "integer", "minimum": 0, "maximum": MAX_SEED, "description": "random when absent"},
    "preprocess": {"type": "string", "enum": list(PREPROCESS_MODES), "default": "mnist"},
    "model": {"type": "string", "description": "a name from GET /models; default mnist"},
}
INSTANCE = {"type": "array", "minItems": 28, "maxItems": 28,
            "items": {"type": "array", "minItems": 28, "maxItems": 28,
                      "items": {"type": "number", "minimum": 0, "maximum": 255}}}
IMAGE_STRING = {"type": "string", "description": "base64 or data: URL of a PNG/JPEG/GIF/BMP/WebP image"}
SCHEMAS = {
    "Error": _obj({"error": _obj({"code": {"type": "string", "enum": ERROR_CODES}, "message": TEXT},
                                 ["code", "message"]), "request_id": TEXT}, ["error", "request_id"]),
    "ModelRef": _obj({"name": TEXT, "version": {"type": "integer"}}, ["name", "version"]),
    "Scores": _obj({"psnr": NUMBER, "ssim": NUMBER, "mse": NUMBER}, ["psnr", "ssim", "mse"]),
    "Metrics": _obj({"noisy": _ref("Scores"), "denoised": _ref("Scores")}, ["noisy", "denoised"],
                    nullable=True),
    "Timings": {"type": "object", "additionalProperties": NUMBER},
    "DataUrl": {"type": "string", "pattern": "^data:image/png;base64,"},
    "Crop": {"type": "array", "items": {"type": "integer", "minimum": 0}, "minItems": 4, "maxItems": 4,
             "nullable": True,
             "description": "[x, y, width, height] of what the model saw, in the uploaded image's pixels (after "
                            "EXIF rotation); the whole image for preprocess=resize; null for `instances`."},
    "PreprocessReport": _obj(
        {"mode": {"type": "string", "enum": [*PREPROCESS_MODES, "instances"]},
         "path": {"type": "string", "enum": ["clean", "noisy"],
                  "description": "noisy: the upload carried noise, so the digit was located on a smoothed copy "
                                 "and the model got the upload's own pixels (no thresholding, no stroke repair)"},
         "upload_noise_estimate": {"type": "number", "description": "raw noise estimate at the upload's own scale"},
         "digit_located": {"type": "boolean", "description": "noisy path: false when no digit-shaped ink stood "
                                                            "out of the noise and the whole image was used"},
         "inverted": {"type": "boolean", "description": "dark ink on light paper, turned white on black"},
         "background_removed": {"type": "boolean",
                                "description": "uneven light, shadow or paper colour was divided out"},
         "ink_threshold": NUMBER,
         "stroke_px_before": {"type": "number", "description": "stroke width found, in 28x28 pixels"},
         "stroke_px_after": {"type": "number", "description": "stroke width given to the model"},
         "stroke_px_target": {"type": "array", "items": NUMBER, "minItems": 2, "maxItems": 2},
         "components_kept": {"type": "integer"}, "components_dropped": {"type": "integer"},
         "lines_removed": {"type": "integer"}},
        ["mode"], additionalProperties=True,
        description="What preprocessing did. Only `mode` for preprocess=resize and for `instances`."),
}
VECTOR = {"type": "array", "items": NUMBER}
SCHEMAS |= {
    "Typicality": _obj(
        {"score": {"type": "number", "description": "the VAE's reconstruction error (sum of squared pixel "
                                                    "errors); lower = more like the training data"},
         "percentile": {"type": "number", "minimum": 0, "maximum": 100,
                        "description": "share of test digits (%) that score lower"},
         "typical": {"type": "boolean", "description": "false above the 99th percentile: not like anything "
                                                       "the model was trained on"}},
        ["score", "percentile", "typical"], nullable=True,
        description="How typical the (preprocessed) input is for the model's dataset; null when no VAE of that "
                    "dataset is served."),
    "Neighbour": _obj({"point": {"type": "integer", "description": "index into the latent map's points"},
                       "index": {"type": "integer", "description": "test-set index"},
                       "label": {"type": "integer"}, "distance": NUMBER}, ["point", "index", "label", "distance"]),
    "Vote": _obj({"label": {"type": "integer"}, "class_name": TEXT,
                  "share": {"type": "number", "description": "share of the 10 nearest map digits of that class"}},
                 ["label", "class_name", "share"], nullable=True),
}
SCHEMAS |= {
    "DenoiseResult": _obj({"input": _ref("DataUrl"), "noisy": _ref("DataUrl"), "denoised": _ref("DataUrl"),
                           "metrics": _ref("Metrics"),
                           "noise_estimate": {"type": "number", "minimum": 0,
                                              "description": "blind estimate of the noise level (sigma of "
                                                             "gaussian noise, [0, 1] scale) of what the model "
                                                             "received, i.e. of `noisy`"},
                           "denoised_noise_estimate": {"type": "number", "minimum": 0,
                                                       "description": "the same estimate of `denoised`"},
                           "typicality": _ref("Typicality"), "crop": _ref("Crop"),
                           "preprocess": _ref("PreprocessReport")},
                          ["input", "noisy", "denoised", "metrics", "noise_estimate", "denoised_noise_estimate",
                           "typicality", "crop", "preprocess"]),
    "EncodeResult": _obj({"latent": VECTOR,
                          "projection": {"type": "array", "items": NUMBER, "minItems": 2, "maxItems": 2,
                                         "nullable": True, "description": "where the code lands on the latent map"},
                          "neighbours": {"type": "array", "items": _ref("Neighbour"), "nullable": True},
                          "vote": _ref("Vote"), "typicality": _ref("Typicality"),
                          "crop": _ref("Crop"), "preprocess": _ref("PreprocessReport")},
                         ["latent", "projection", "neighbours", "vote", "typicality", "crop", "preprocess"]),
    "DecodeRequest": _obj(
        {"model": {"type": "string", "description": "a model that can decode (GET /models: has_decode)"},
         "latent": VECTOR, "latents": {"type": "array", "items": VECTOR, "maxItems": 64},
         "point": {"type": "array", "items": NUMBER, "minItems": 2, "maxItems": 2},
         "points": {"type": "array", "items": {"type": "array", "items": NUMBER, "minItems": 2, "maxItems": 2},
                    "maxItems": 64}},
        description="Exactly one of `latent` (D numbers), `latents`, `point` ([x, y] on the model's latent map: "
                    "the code is a distance-weighted mix of the nearest map digits' codes) or `points`."),
    "DecodeResult": _obj({"image": _ref("DataUrl"), "latent": VECTOR}, ["image", "latent"]),
    "Options": _obj(OPTIONS),
    "MultipartRequest": _obj({"image": {"type": "array", "items": {"type": "string", "format": "binary"}},
                              **OPTIONS}, ["image"]),
    "JsonRequest": _obj({"image": {"oneOf": [IMAGE_STRING, {"type": "array", "items": IMAGE_STRING}]},
                         "instances": {"type": "array", "items": INSTANCE}, **OPTIONS}),
    "Metadata": {"type": "object", "additionalProperties": True,
                 "properties": {"name": TEXT, "version": {"type": "integer"}}},
}
METHODS_OPTION = {"description": "comma-separated (or, in JSON, a list of) method ids: served model names of the "
                                  "dataset, median, gaussian-blur, total-variation, non-local-means, wavelet, "
                                  "bm3d (slow, opt-in), pca; or the groups all (adds bm3d), models, baselines. "
                                  "Default: every model of the dataset and every fast baseline.",
                  "oneOf": [TEXT, {"type": "array", "items": TEXT}]}
SCHEMAS |= {
    "CompareMultipart": _obj({"image": {"type": "string", "format": "binary"}, **OPTIONS,
                              "methods": {"type": "string", "description": METHODS_OPTION["description"]}},
                             ["image"]),
    "CompareJson": _obj({"image": IMAGE_STRING, **OPTIONS, "methods": METHODS_OPTION}, ["image"]),
    "CompareResult": _obj(
        {"id": {"type": "string", "description": "the method's id, as `methods` takes it"},
         "method": {"type": "string", "description": "display name, e.g. `unet (mnist/5)` or `median (3x3)`"},
         "kind": {"type": "string", "enum": ["model", "baseline"]},
         "model": {**_ref("ModelRef"), "nullable": True}, "arch": {"type": "string", "nullable": True},
         "params": {"type": "object", "additionalProperties": True, "nullable": True,
                    "description": "a baseline's parameters, tuned on the validation split for the nearest level"},
         "denoised": _ref("DataUrl"), "metrics": _ref("Scores"),
         "ms": {"type": "number", "description": "time this method took, in milliseconds"},
         "default": {"type": "boolean", "description": "true for the requested (or default) model"}},
        ["id", "method", "kind", "model", "arch", "params", "denoised", "metrics", "ms", "default"]),
}
SCHEMAS["CompareResponse"] = _obj(
    {"model": _ref("ModelRef"), "dataset": TEXT, "input": _ref("DataUrl"), "noisy": _ref("DataUrl"),
     "noise": _obj({"type": TEXT, "level": NUMBER, "seed": {"type": "integer"},
                    "metrics": {**_ref("Scores"), "nullable": True}}, ["type", "level", "seed", "metrics"]),
     "crop": _ref("Crop"), "preprocess": _ref("PreprocessReport"),
     "results": {"type": "array", "items": _ref("CompareResult"), "minItems": 1,
                 "description": "best PSNR first when noise was added"},
     "timings_ms": _ref("Timings"), "request_id": TEXT},
    ["model", "dataset", "input", "noisy", "noise", "crop", "preprocess", "results", "timings_ms", "request_id"])
SCHEMAS["DenoiseResponse"] = _obj(
    {"model": _ref("ModelRef"),
     "noise": _obj({"type": TEXT, "level": NUMBER, "seed": {"type": "integer"}}, ["type", "level", "seed"]),
     "results": {"type": "array", "items": _ref("DenoiseResult"), "minItems": 1},
     **SCHEMAS["DenoiseResult"]["properties"], "timings_ms": _ref("Timings"), "request_id": TEXT},
    ["model", "noise", "results", "input", "noisy", "denoised", "metrics", "noise_estimate", "denoised_noise_estimate",
     "crop", "preprocess", "timings_ms",
     "request_id"])
SCHEMAS["EncodeResponse"] = _obj(
    {"model": _ref("ModelRef"), "latent_dim": {"type": "integer"},
     "results": {"type": "array", "items": _ref("EncodeResult"), "minItems": 1},
     **SCHEMAS["EncodeResult"]["properties"], "timings_ms": _ref("Timings"), "request_id": TEXT},
    ["model", "latent_dim", "results", "latent", "projection", "crop", "preprocess", "timings_ms", "request_id"])
SCHEMAS["DecodeResponse"] = _obj(
    {"model": _ref("ModelRef"), "results": {"type": "array", "items": _ref("DecodeResult"), "minItems": 1},
     **SCHEMAS["DecodeResult"]["properties"], "request_id": TEXT},
    ["model", "results", "image", "latent", "request_id"])


def _post(summary: str, response: dict, png: bool) -> dict:
    body = {"required": True, "content": {
        "multipart/form-data": {"schema": _ref("MultipartRequest"),
                                "encoding": {"image": {"contentType": "image/png, image/jpeg, image/gif, "
                                                                      "image/bmp, image/webp"}}},
        "application/json": {"schema": _ref("JsonRequest")}}}
    ok = _json(response, "Success.")
    if png:
        ok["content"]["image/png"] = {"schema": {"type": "string", "format": "binary"}}
        ok["description"] = "JSON result, or with `Accept: image/png` the denoised PNG of the first image."
    return {"summary": summary, "parameters": [{"$ref": "#/components/parameters/RequestId"}],
            "requestBody": body,
            "responses": {"200": ok, **_errors("400", "404", "413", "415", "422", "429", "503")}}


def _get(summary: str, schema: dict, *errors: str, parameters: list | None = None,
         media: str = "application/json") -> dict:
    ok = _json(schema, "Success.")
    if media != "application/json":
        ok["content"] = {media: {"schema": schema}}
    operation = {"summary": summary, "responses": {"200": ok, **_errors(*errors)}}
    if parameters:
        operation["parameters"] = parameters
    return operation


def _decode() -> dict:
    ok = _json(_ref("DecodeResponse"), "The decoded 28x28 digits, or with `Accept: image/png` the first PNG.")
    ok["content"]["image/png"] = {"schema": {"type": "string", "format": "binary"}}
    return {"summary": "Turn codes, or spots on the latent map, into digits (models that can decode).",
            "parameters": [{"$ref": "#/components/parameters/RequestId"}],
            "requestBody": {"required": True, "content": {"application/json": {"schema": _ref("DecodeRequest")}}},
            "responses": {"200": ok, **_errors("400decode", "404", "413decode", "415", "422decode", "503")}}


def _compare() -> dict:
    body = {"required": True, "content": {"multipart/form-data": {"schema": _ref("CompareMultipart")},
                                          "application/json": {"schema": _ref("CompareJson")}}}
    return {"summary": "One image through every served model of its dataset and the classical baselines (tuned "
                       "on the validation split), all on the same noisy draw; best first.",
            "parameters": [{"$ref": "#/components/parameters/RequestId"}], "requestBody": body,
            "responses": {"200": _json(_ref("CompareResponse"), "Every method's output and scores."),
                          **_errors("400", "404", "413compare", "415", "422", "429", "503")}}


NAME_PARAM = {"name": "name", "in": "path", "required": True, "schema": {"type": "string"}}
VERSION_PARAM = {"name": "version", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 0}}
ANY = {}  # any JSON value
PROTOCOL_ERRORS = {
    "400": "Bad body, signature, tensor name, shape, datatype or value.",
    "404": "Unknown model or version, or unknown path.",
    "413": "Body over the upload limit, or more examples than the batch limit.",
    "503": "Models not loaded yet.",
}


def _protocol(summary: str, schema: dict, *errors: str, body: dict | None = None, binary: bool = False,
              version: bool = False, name: bool = True) -> dict:
    """An operation of the serving protocols: their `{"error": "..."}` on failure (tfserving.py, v2.py)."""
    ok = _json(schema, "Success.")
    if binary:
        ok["content"]["application/octet-stream"] = {"schema": {"type": "string", "format": "binary"}}
        ok["description"] = ("Success: JSON, or (binary tensor data extension) the JSON header, whose length "
                             "`Inference-Header-Content-Length` gives, followed by the binary outputs.")
    operation = {"summary": summary, "responses": {"200": ok, **{
        status: _json(_ref("ProtocolError"), PROTOCOL_ERRORS[status]) for status in errors}}}
    parameters = ([NAME_PARAM] if name else []) + ([VERSION_PARAM] if version else [])
    if parameters:
        operation["parameters"] = parameters
    if body is not None:
        operation["requestBody"] = {"required": True, "content": {"application/json": {"schema": body}}}
    return operation


SCHEMAS["ProtocolError"] = _obj({"error": TEXT}, ["error"], additionalProperties=False)
SCHEMAS["TfServingStatus"] = _obj({"model_version_status": {"type": "array", "minItems": 1, "items": _obj(
    {"version": TEXT, "state": {"type": "string", "enum": ["AVAILABLE"]},
     "status": _obj({"error_code": TEXT, "error_message": TEXT}, ["error_code", "error_message"])},
    ["version", "state", "status"])}}, ["model_version_status"])
SCHEMAS["TfServingMetadata"] = _obj(
    {"model_spec": _obj({"name": TEXT, "signature_name": TEXT, "version": TEXT}, ["name", "version"]),
     "metadata": _obj({"signature_def": _obj({"signature_def": {"type": "object"}}, ["signature_def"])},
                      ["signature_def"])}, ["model_spec", "metadata"])
SCHEMAS["TfServingPredictRequest"] = _obj(
    {"signature_name": {"type": "string", "enum": ["serving_default", "denoise", "encode", "decode"]},
     "instances": {"type": "array", "description": "Row format: one tensor (or {input: tensor}) per example."},
     "inputs": {"description": "Columnar format: the batch tensor, or {input: batch tensor}."}},
    description="Exactly one of `instances` and `inputs`; images are float32 [N,28,28,1] in [0, 1], decode "
                "codes [N,D].")
SCHEMAS["TfServingPredictResponse"] = _obj(
    {"predictions": {"type": "array"}, "outputs": ANY},
    description="`predictions` (row format) or `outputs` (columnar format).")
TENSOR_META = _obj({"name": TEXT, "datatype": {"type": "string", "enum": ["FP32"]},
                    "shape": {"type": "array", "items": {"type": "integer"}}}, ["name", "datatype", "shape"])
SCHEMAS["V2ModelMetadata"] = _obj(
    {"name": TEXT, "versions": {"type": "array", "items": TEXT}, "platform": TEXT,
     "inputs": {"type": "array", "items": TENSOR_META}, "outputs": {"type": "array", "items": TENSOR_META},
     "parameters": {"type": "object"}}, ["name", "versions", "platform", "inputs", "outputs"])
SCHEMAS["V2InferRequest"] = _obj(
    {"id": TEXT, "parameters": _obj({"signature_name": {"type": "string", "enum": [
        "serving_default", "denoise", "encode", "decode"]}, "binary_data_output": {"type": "boolean"}}),
     "inputs": {"type": "array", "items": _obj(
         {"name": TEXT, "datatype": {"type": "string", "enum": ["FP32"]},
          "shape": {"type": "array", "items": {"type": "integer", "minimum": 0}},
          "parameters": _obj({"binary_data_size": {"type": "integer", "minimum": 0}}),
          "data": {"type": "array"}}, ["name", "datatype", "shape"])},
     "outputs": {"type": "array", "items": _obj({"name": TEXT, "parameters": _obj(
         {"binary_data": {"type": "boolean"}})}, ["name"])}}, ["inputs"])
SCHEMAS["V2InferResponse"] = _obj(
    {"model_name": TEXT, "model_version": TEXT, "id": TEXT, "outputs": {"type": "array", "items": _obj(
        {"name": TEXT, "datatype": TEXT, "shape": {"type": "array", "items": {"type": "integer"}},
         "data": {"type": "array", "items": NUMBER}, "parameters": {"type": "object"}},
        ["name", "datatype", "shape"])}}, ["model_name", "model_version", "outputs"])


def _each_version(path: str, method: str, summary: str, version_summary: str, *args, **kwargs) -> dict:
    """A model operation at `path` (the newest version) and at the same path under /versions/{version}."""
    versioned = path.replace("{name}", "{name}/versions/{version}", 1)
    return {path: {method: _protocol(summary, *args, **kwargs)},
            versioned: {method: _protocol(version_summary, *args, version=True, **kwargs)}}


def _protocol_paths() -> dict:
    """TF Serving REST (/v1) and the Open Inference Protocol (/v2) operations."""
    status = _ref("TfServingStatus")
    metadata = _ref("TfServingMetadata")
    model_ready = _obj({"name": TEXT, "ready": {"type": "boolean"}}, ["name", "ready"])
    return {
        **_each_version("/v1/models/{name}", "get", "TF Serving: the model's status.",
                        "TF Serving: one version's status.", status, "404", "503"),
        **_each_version("/v1/models/{name}/metadata", "get", "TF Serving: the SavedModel's signature defs.",
                        "TF Serving: one version's signature defs.", metadata, "404", "503"),
        **_each_version("/v1/models/{name}:predict", "post", "TF Serving: run a signature (row or columnar format).",
                        "TF Serving: run a signature of one version.", _ref("TfServingPredictResponse"),
                        "400", "404", "413", "503", body=_ref("TfServingPredictRequest")),
        "/v2": {"get": _protocol("Open Inference Protocol: server metadata.", _obj(
            {"name": TEXT, "version": TEXT, "extensions": {"type": "array", "items": TEXT}},
            ["name", "version", "extensions"]), name=False)},
        "/v2/health/live": {"get": _protocol("Open Inference Protocol: liveness.", _obj(
            {"live": {"type": "boolean"}}, ["live"]), name=False)},
        "/v2/health/ready": {"get": _protocol("Open Inference Protocol: readiness.", _obj(
            {"ready": {"type": "boolean"}}, ["ready"]), "503", name=False)},
        **_each_version("/v2/models/{name}", "get", "Open Inference Protocol: model metadata.",
                        "Open Inference Protocol: one version's metadata.", _ref("V2ModelMetadata"), "404", "503"),
        **_each_version("/v2/models/{name}/ready", "get", "Open Inference Protocol: the model is loaded.",
                        "Open Inference Protocol: the version is loaded.", model_ready, "404", "503"),
        **_each_version("/v2/models/{name}/infer", "post",
                        "Open Inference Protocol: run a signature (`parameters.signature_name`).",
                        "Open Inference Protocol: run a signature of one version.", _ref("V2InferResponse"),
                        "400", "404", "413", "503", body=_ref("V2InferRequest"), binary=True),
    }


MODEL_PARAM = {"name": "model", "in": "query", "required": False, "schema": {"type": "string"}}


def build_spec() -> dict:
    """The OpenAPI 3.0.3 document describing every endpoint, body, answer and error."""
    free_object = {"type": "object", "additionalProperties": True}
    paths = {
        "/denoise": {"post": _post("Denoise images as sent (or with noise added server-side first, for the demo).",
                                   _ref("DenoiseResponse"), png=True)},
        "/encode": {"post": _post("Latent vectors, where they land on the latent map, their nearest test digits "
                                  "and vote, and how typical each input is.", _ref("EncodeResponse"), png=False)},
        "/decode": {"post": _decode()},
        "/compare": {"post": _compare()},
        "/healthz": {"get": _get("Liveness.", _obj({"status": {"type": "string", "enum": ["ok"]}},
                                                   ["status"]))},
        "/readyz": {"get": _get("Readiness: models loaded and warmed.",
                                _obj({"status": TEXT, "models": {"type": "array", "items": TEXT}},
                                     ["status", "models"]), "503")},
        "/model": {"get": _get("Metadata (model card) of one model.", _ref("Metadata"), "404", "503",
                               parameters=[MODEL_PARAM])},
        "/models": {"get": _get("Every served model.", _obj(
            {"default": TEXT, "models": {"type": "array", "items": _obj(
                {"name": TEXT, "version": {"type": "integer"}, "versions": {"type": "array",
                 "items": {"type": "integer"}}, "metadata": _ref("Metadata")},
                ["name", "version", "versions", "metadata"])}}, ["default", "models"]))},
        "/models/{name}/examples": {"get": _get("The model's example test images.", free_object, "404", "503",
                                                parameters=[NAME_PARAM])},
        "/models/{name}/latent-map": {"get": _get(
            "The model's 2-D latent map of test digits: points [x, y, label], test indices, the code's mean and "
            "spread, whether it decodes, and its sprite.", free_object, "404", "503", parameters=[NAME_PARAM])},
        "/models/{name}/latent-map/sprite.png": {"get": _get(
            "Every map digit in one PNG grid (cell i at column i % columns, row i // columns).",
            {"type": "string", "format": "binary"}, "404", "503", parameters=[NAME_PARAM], media="image/png")},
        "/metrics": {"get": _get("Prometheus metrics of all workers.", TEXT, media="text/plain")},
        "/openapi.json": {"get": _get("This document.", free_object)},
        "/docs": {"get": _get("This document as a readable page.", TEXT, media="text/html")},
        **_protocol_paths(),
    }
    return {
        "openapi": "3.0.3",
        "info": {"title": "Digit denoiser API", "version": __version__,
                 "description": "Denoise and encode digit images with the exported SavedModels. "
                                "Every error answers `{\"error\": {\"code\", \"message\"}, \"request_id\"}` "
                                "(under /v1/ and /v2, the serving protocols' `{\"error\": \"...\"}`); "
                                "every response carries `X-Request-ID` (the request's, or a generated one)."},
        "paths": paths,
        "components": {
            "schemas": SCHEMAS,
            "headers": {"RequestId": {"description": "The request's id.", "schema": {"type": "string"}}},
            "parameters": {"RequestId": {"name": "X-Request-ID", "in": "header", "required": False,
                                         "schema": {"type": "string",
                                                    "pattern": "^[A-Za-z0-9._:-]{1,128}$"}}},
        },
    }
