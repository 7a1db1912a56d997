"""A cap on request bodies, applied by the ASGI server's side of Django before any of it is
read.

Django reads a request's whole body before its view runs (spilling to disk past
``FILE_UPLOAD_MAX_MEMORY_SIZE``), and only then do ``DATA_UPLOAD_MAX_MEMORY_SIZE`` and the
upload handlers look at it. This wrapper refuses a body larger than the cap before that: at
once when the declared ``Content-Length`` is over it, and as the bytes stream in otherwise
(chunked bodies declare none, and a client may send more than it declared). The answer is 413,
``{"code": "request_too_large", "message": ...}`` for the API and other JSON callers, a plain
page for everyone else. Upload pages get a larger cap of their own.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Any]]
Send = Callable[[Any], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

REQUEST_TOO_LARGE = "request_too_large"


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope.get("headers") or ():
        if key.lower() == name:
            return value.decode("latin-1")
    return ""


def _language(scope: Scope) -> str:
    accepted = _header(scope, b"accept-language").lower()
    cookie = _header(scope, b"cookie")
    if "django_language=es" in cookie.replace(" ", ""):
        return "es"
    return "es" if accepted.startswith("es") else "en"


def _wants_json(scope: Scope) -> bool:
    path = scope.get("path", "")
    return (
        path.startswith("/api/")
        or "json" in _header(scope, b"content-type").lower()
        or "json" in _header(scope, b"accept").lower()
    )


async def _refuse(scope: Scope, send: Send, limit: int) -> None:
    with translation.override(_language(scope)):
        message = _("The request is too large. Send at most %(mb)s MB.") % {
            "mb": f"{limit / (1024 * 1024):g}"
        }
        if _wants_json(scope):
            body = json.dumps({"code": REQUEST_TOO_LARGE, "message": message}).encode()
            content_type = b"application/json"
        else:
            title = _("Request too large")
            body = (
                f'<!doctype html><html lang="{translation.get_language()}"><meta charset="utf-8">'
                f"<title>{title}</title><h1>{title}</h1><p>{message}</p></html>"
            ).encode()
            content_type = b"text/html; charset=utf-8"
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", content_type),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class RequestBodyCap:
    """Wraps the HTTP application: bodies over ``max_bytes`` (``upload_max_bytes`` on paths
    matching ``upload_paths``) are answered 413 and never reach it whole."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        max_bytes: Callable[[], int],
        upload_max_bytes: Callable[[], int],
        upload_paths: Iterable[str],
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.upload_max_bytes = upload_max_bytes
        self.upload_paths = [re.compile(pattern) for pattern in upload_paths]

    def limit_for(self, path: str) -> int:
        if any(pattern.match(path) for pattern in self.upload_paths):
            return self.upload_max_bytes()
        return self.max_bytes()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope.get("path", ""))
        declared = _header(scope, b"content-length")
        if declared:
            try:
                too_large = int(declared) > limit
            except ValueError:
                too_large = False  # the server refuses a malformed length itself
            if too_large:
                logger.info("http.request_too_large", extra={"declared": True})
                await _refuse(scope, send, limit)
                return

        received = 0
        over = False
        started = False

        async def capped_receive() -> Message:
            nonlocal received, over
            if over:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    over = True
                    # The application sees the client leave: Django drops the spooled body
                    # and answers nothing; the refusal is sent below.
                    return {"type": "http.disconnect"}
            return message

        async def watched_send(message: Message) -> None:
            nonlocal started
            if over and not started:
                return  # the 413 below answers instead
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        await self.app(scope, capped_receive, watched_send)
        if over and not started:
            logger.info("http.request_too_large", extra={"declared": False})
            await _refuse(scope, send, limit)
