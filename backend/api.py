"""The FastAPI application: routers, request ids, the error envelope, and the shared lifespan.

The same app runs mounted inside Reflex (`rx.App(api_transformer=create_api())`, one port) and
standalone (`uvicorn --factory backend.api:create_api`). Reflex never runs a mounted app's
lifespan, so startup and shutdown live in `lifespan`, which aae_app registers with
`app.register_lifespan_task` and the standalone app passes to FastAPI.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import anyio.to_thread
from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy import text
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.gzip import GZipMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from backend.auth.endpoints import router as auth_router
from backend.common.schemas import ERROR_RESPONSES
from backend.config import get_settings
from backend.db import get_engine
from backend.errors import AppError, Forbidden, NotFound, Unauthorized, ValidationFailed, error_envelope
from backend.mcp import server as mcp_server

logger = logging.getLogger("backend.api")

API_VERSION = "1"
REQUEST_ID_HEADER = "X-Request-ID"
# Prefixes served by this app; everything else belongs to Reflex (pages, /_event, /_upload).
API_PREFIXES = ("/api", "/mcp", "/oauth", "/webhooks", "/files")
_SANE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:\-]{1,128}$")
GZIP_MINIMUM_BYTES = 1024  # responses over 1 KB are compressed when the client accepts gzip
GZIP_LEVEL = 6  # zlib's default: most of level 9's gain for a fraction of its CPU


@asynccontextmanager
async def lifespan(app: Any = None) -> AsyncIterator[None]:
    """Startup and shutdown work shared by Reflex and the standalone API."""
    settings = get_settings()
    logger.info("AAE API starting (env=%s, database=%s)", settings.env, "sqlite" if settings.is_sqlite else "mysql")
    # FastAPI's (and Reflex's) blocking work goes through this event loop's anyio thread limiter.
    anyio.to_thread.current_default_thread_limiter().total_tokens = settings.api_worker_threads
    jobs_started = False
    if settings.jobs_inline_worker:
        import workers  # the embedded shape runs its jobs and schedule in this process

        jobs_started = workers.start_embedded_jobs()
    try:
        async with mcp_server.running(app):  # the MCP SDK's session manager behind /mcp
            yield
    finally:
        if jobs_started:
            import workers

            workers.stop_embedded_jobs()
        get_engine().dispose()
        logger.info("AAE API stopped")


def create_api() -> FastAPI:
    api = FastAPI(
        title="AAE Web Platform API",
        version=API_VERSION,
        docs_url=None,
        redoc_url=None,
        openapi_url="/api/openapi.json",
        lifespan=lifespan,
    )
    api.add_middleware(RequestIdMiddleware)
    api.add_middleware(ApiGZipMiddleware)  # outermost: compresses the envelope, request id header included
    api.add_exception_handler(AppError, _app_error_handler)
    api.add_exception_handler(RequestValidationError, _validation_error_handler)
    api.add_exception_handler(StarletteHTTPException, _http_error_handler)
    api.include_router(health_router, responses=ERROR_RESPONSES)
    api.include_router(auth_router, responses=ERROR_RESPONSES)
    for router in domain_routers():
        api.include_router(router, responses=ERROR_RESPONSES)
    from backend.auth.google import PREFIX as GOOGLE_PREFIX
    from backend.auth.google import create_google_app
    from backend.files.endpoints import router as files_router

    api.mount(GOOGLE_PREFIX, create_google_app())  # its session cookie wraps only these routes

    api.include_router(files_router, include_in_schema=False)  # file bytes, not part of the JSON API
    from backend.chat.endpoints import router as chat_router  # WS /ws/chat
    api.include_router(chat_router)
    mcp_server.mount(api)  # exactly /mcp (after the /mcp/v1 routes), never a prefix mount
    return api


def domain_routers() -> list[APIRouter]:
    from backend.ad_accounts.endpoints import router as ad_accounts
    from backend.campaigns.endpoints import router as campaigns
    from backend.creatives.endpoints import router as creatives
    from backend.credits.endpoints import router as credits
    from backend.landing_pages.endpoints import router as landing_pages
    from backend.mcp.endpoints import router as mcp, tokens_router as api_tokens
    from backend.notifications.endpoints import router as notifications
    from backend.reports.endpoints import router as reports
    from backend.billing.endpoints import router as billing
    from backend.billing.endpoints import webhook_router as stripe_webhooks
    from backend.users.endpoints import router as users

    return [users, ad_accounts, credits, billing, creatives, reports, landing_pages, campaigns, notifications, mcp,
            api_tokens, stripe_webhooks]


# --- routes ----------------------------------------------------------------------------------

health_router = APIRouter(prefix="/api/v1", tags=["health"])


@health_router.get("/health", summary="Liveness plus a database round trip")
def health() -> JSONResponse:
    try:
        with get_engine().connect() as connection:
            connection.execute(text("SELECT 1"))
        database = True
    except Exception:  # the probe reports the outage instead of failing with it
        logger.exception("health check: database unreachable")
        database = False
    body = {"status": "success" if database else "error", "data": {"ok": database, "database": database}}
    return JSONResponse(body, status_code=200 if database else 503)


# --- request ids and the catch-all -----------------------------------------------------------


def request_id_of(request: Request) -> str | None:
    return getattr(request.state, "request_id", None)


class RequestIdMiddleware:
    """Tags every HTTP response with X-Request-ID and renders unhandled API errors as 5002.

    Pure ASGI (no BaseHTTPMiddleware) because it also wraps Reflex's own traffic.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = _incoming_request_id(scope) or f"req_{uuid.uuid4().hex}"
        scope.setdefault("state", {})["request_id"] = request_id
        started = False

        async def send_with_id(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"x-request-id"]
                headers.append((b"x-request-id", request_id.encode("latin-1")))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            if started or not scope.get("path", "").startswith(API_PREFIXES):
                raise
            logger.exception("unhandled error in %s %s (request %s)", scope.get("method"), scope.get("path"), request_id)
            failure = AppError("Internal server error")  # the base class: 5002, INTERNAL_ERROR
            response = JSONResponse(failure.to_envelope(request_id), status_code=failure.http_status)
            await response(scope, receive, send_with_id)


class ApiGZipMiddleware:
    """GZip (Starlette's) for this app's own responses over 1 KB; Reflex's traffic passes untouched.

    Images, video, archives and event streams are never recompressed (Starlette's exclusions).
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.gzip = GZipMiddleware(app, minimum_size=GZIP_MINIMUM_BYTES, compresslevel=GZIP_LEVEL)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope.get("path", "").startswith(API_PREFIXES):
            await self.gzip(scope, receive, send)
        else:
            await self.app(scope, receive, send)


def _incoming_request_id(scope: Scope) -> str | None:
    for key, value in scope.get("headers", []):
        if key == b"x-request-id":
            candidate = value.decode("latin-1").strip()
            return candidate if _SANE_REQUEST_ID.match(candidate) else None
    return None


# --- exception handlers ----------------------------------------------------------------------


async def _app_error_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, AppError)
    if exc.http_status >= 500:
        logger.error("%s %s failed with %s: %s", request.method, request.url.path, exc.code, exc.message)
    return JSONResponse(exc.to_envelope(request_id_of(request)), status_code=exc.http_status,
                        headers=exc.headers or None)


async def _validation_error_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    fields = []
    for error in exc.errors():
        location = [str(part) for part in error.get("loc", ())]
        fields.append({
            "field": ".".join(location[1:]) or ".".join(location),
            "location": location[0] if location else "",
            "message": error.get("msg", ""),
            "type": error.get("type", ""),
        })
    failure = ValidationFailed(details={"fields": fields})
    return JSONResponse(failure.to_envelope(request_id_of(request)), status_code=failure.http_status)


_HTTP_STATUS_ERRORS: dict[int, type[AppError]] = {401: Unauthorized, 403: Forbidden, 404: NotFound}


async def _http_error_handler(request: Request, exc: Exception) -> JSONResponse:
    """Starlette's own 404/405s (standalone mode) in the envelope too."""
    assert isinstance(exc, StarletteHTTPException)
    headers = dict(getattr(exc, "headers", None) or {})
    if exc.status_code == 405:
        headers["Allow"] = ", ".join(_allowed_methods(request))
    error_class = _HTTP_STATUS_ERRORS.get(exc.status_code)
    if error_class is not None:
        body = error_class().to_envelope(request_id_of(request))
    else:
        body = error_envelope(
            code=ValidationFailed.code, type_=ValidationFailed.type, message=str(exc.detail),
            details={"http_status": exc.status_code}, request_id=request_id_of(request),
        )
    return JSONResponse(body, status_code=exc.status_code, headers=headers or None)


def _allowed_methods(request: Request) -> list[str]:
    """Every method some route serves at this path (Starlette only names the first route's)."""
    from starlette.routing import Match

    methods: set[str] = set()
    for candidate in ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"):
        scope = {**request.scope, "method": candidate}
        if any(route.matches(scope)[0] == Match.FULL for route in request.app.router.routes):
            methods.add(candidate)
    return sorted(methods)
