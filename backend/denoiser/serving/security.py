"""Security headers on every answer of `make run` (nginx sets the same ones in a compose deployment).

The policy allows what the SPA and the Swagger UI docs page actually load, all from this origin: module
scripts and stylesheets from /assets and /docs, images as data: URLs (every PNG the API answers inline)
and blob: URLs (uploads), fetches to this origin only. React's `style` props are set through the CSSOM,
which `style-src 'self'` allows; the one inline <style> (the plain docs page served when the frontend is
not built) carries its own hash. No framing (clickjacking), no MIME sniffing, no referrer sent elsewhere.
"""

from __future__ import annotations

import base64
import hashlib

from flask import Flask, Response

CONTENT_SECURITY_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
                           "connect-src 'self'; font-src 'self' data:; object-src 'none'; base-uri 'self'; "
                           "form-action 'self'; frame-ancestors 'none'")
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def policy_allowing_style(css: str) -> str:
    """CONTENT_SECURITY_POLICY with one inline <style> element's exact text allowed by its hash."""
    digest = base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()
    return CONTENT_SECURITY_POLICY.replace("style-src 'self'", f"style-src 'self' 'sha256-{digest}'")


def _add_headers(response: Response) -> Response:
    """Set each security header the view has not set itself."""
    present = {name.lower() for name, _ in response.headers.items()}  # one pass: a werkzeug lookup raises on a miss
    response.headers.extend([(name, value) for name, value in HEADERS.items() if name.lower() not in present])
    return response


def register(app: Flask) -> None:
    """Install the hook that adds the security headers to every answer (errors and static files too)."""
    app.after_request(_add_headers)
