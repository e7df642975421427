"""One JSON shape for every failure: `{"error": {"code", "message"}, "request_id"}`."""

from __future__ import annotations

import logging

from flask import Flask, g, jsonify
from werkzeug.exceptions import HTTPException

log = logging.getLogger("denoiser.api")

HTTP_CODES = {
    400: "bad_request",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "invalid_image",
    503: "not_ready",
}


class ApiError(Exception):
    """An error the API answers with `status` and a machine-readable `code`."""

    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def error_response(status: int, code: str, message: str):
    """The JSON error response of DESIGN.md."""
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
