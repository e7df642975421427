"""One JSON shape for every failure: `{"error": {"code", "message"}, "request_id"}`.

Except under the serving protocols' paths (/v1/..., TF Serving REST, and /v2[/...], the Open Inference
Protocol): there the same handler answers `{"error": "<message>"}`, the shape TF Serving, Triton and KServe
give and their clients parse (tritonclient raises InferenceServerException with the string under "error"),
so that a client cannot tell this API from TF Serving or a v2 server. The status codes are the same.
"""

from __future__ import annotations

import logging

from flask import Flask, g, jsonify, request
from werkzeug.exceptions import HTTPException

log = logging.getLogger("denoiser.serving")

HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "invalid_image",
    429: "too_many_requests",  # nginx's rate limit answers with this code; the API itself never does
    503: "not_ready",
}


class ApiError(Exception):
    """An error the API answers with `status` and a machine-readable `code`."""

    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def protocol_path(path: str) -> bool:
    """True for the paths of the serving protocols (TF Serving REST /v1/..., Open Inference Protocol /v2...)."""
    return path.startswith("/v1/") or path == "/v2" or path.startswith("/v2/")


def error_response(status: int, code: str, message: str):
    """The JSON error response of DESIGN.md (the protocols' `{"error": message}` under their paths)."""
    if protocol_path(request.path):
        response = jsonify({"error": message})
        response.status_code = status
        return response
    body = {"error": {"code": code, "message": message}, "request_id": g.get("request_id", "")}
    response = jsonify(body)
    response.status_code = status
    return response


def handle_error(error: Exception):
    """The single error handler: ApiError, any HTTPException, and unexpected exceptions (500)."""
    if isinstance(error, ApiError):
        return error_response(error.status, error.code, error.message)
    if isinstance(error, HTTPException):
        status = error.code or 500
        response = error_response(status, HTTP_CODES.get(status, "http_error"), error.description or "")
        allow = dict(error.get_headers()).get("Allow")
        if allow:
            response.headers["Allow"] = allow
        return response
    log.exception("unhandled error")
    return error_response(500, "internal_error", "internal server error")


def register(app: Flask) -> None:
    """Route every exception through `handle_error`."""
    app.register_error_handler(Exception, handle_error)
