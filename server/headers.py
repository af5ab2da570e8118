"""Security headers on every response Flask sends: API replies, pages and the client's static files.

The Content-Security-Policy allows only this origin's own scripts, styles, images and connections
(plus ``data:`` images: the favicon and QR codes), and the same-origin WebSocket of Socket.IO. The
client needs no inline script or style: React and the editor set styles through the CSSOM, which CSP
does not govern, and TipTap's injected ``<style>`` is replaced by the stylesheet (see client/src/main.tsx).
"""

from __future__ import annotations

import re

from flask import Flask, Response, request

HSTS = "max-age=31536000"
_HOST = re.compile(r"^[A-Za-z0-9.\-]+(?::[0-9]{1,5})?$|^\[[0-9A-Fa-f:.]+\](?::[0-9]{1,5})?$")


def content_security_policy(host: str) -> str:
    """The policy for a page served on ``host`` (``ws:``/``wss:`` to it, for browsers where 'self' does not
    cover WebSocket URLs). A Host header that is not a plain host name gets 'self' alone."""
    sockets = f" ws://{host} wss://{host}" if _HOST.match(host) else ""
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            f"connect-src 'self'{sockets}",
            "font-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


def register(app: Flask) -> None:
    @app.after_request
    def _security_headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", content_security_policy(request.host))
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("X-Frame-Options", "DENY")
        if app.config["SESSION_COOKIE_SECURE"]:
            headers.setdefault("Strict-Transport-Security", HSTS)
        return response
