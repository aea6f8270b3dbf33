"""A size guard for Reflex's own `/_upload` endpoint (REFLEX_NOTES §1, §3).

`/_upload` spools whatever a client sends before any handler runs, and `rx.upload`'s
`max_size` is checked in the browser only. The library pages do not upload through it
(creatives go straight to storage with a presigned POST), so the app can refuse anything
larger than its own upload limit — or everything, with `max_bytes=0` — before Reflex reads it.
Wire it as an `api_transformer` after the FastAPI app:

    rx.App(api_transformer=[create_api(), limit_upload_size(get_settings().max_upload_bytes)])
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from starlette.responses import JSONResponse

from backend.errors import ValidationFailed

Scope = MutableMapping[str, Any]
ASGIApp = Callable[[Scope, Callable[[], Awaitable[Any]], Callable[[Any], Awaitable[None]]], Awaitable[None]]


class UploadTooLarge(ValidationFailed):
    http_status = 413
    default_message = "The upload is larger than allowed"


def limit_upload_size(max_bytes: int) -> Callable[[ASGIApp], ASGIApp]:
    def transformer(app: ASGIApp) -> ASGIApp:
        async def guarded(scope: Scope, receive, send) -> None:
            if scope["type"] == "http" and scope["path"].rstrip("/").endswith("/_upload"):
                declared = dict(scope.get("headers") or []).get(b"content-length", b"")
                if not declared.isdigit() or int(declared) > max_bytes:
                    error = UploadTooLarge(details={"max_bytes": max_bytes})
                    response = JSONResponse(error.to_envelope(), status_code=error.http_status)
                    await response(scope, receive, send)
                    return
            await app(scope, receive, send)

        return guarded

    return transformer
