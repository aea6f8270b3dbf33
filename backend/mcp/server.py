"""Surface 2: the same registry over the Model Context Protocol at `/mcp` (official SDK).

Streamable HTTP, stateless with JSON responses: every POST stands alone, so any API process can
answer any request (no sticky sessions), and both the current protocol (2026-07-28) and the
legacy initialize handshake (2025-11-25) work.

Who is calling, and for whom (the bearer token names the user):
- a per-user API token (`aae_pat_…`, created in the settings page) acts for its user;
- the service token acts for the user named in the `X-AAE-User-Id` header.
Anything else is 401 with `WWW-Authenticate: Bearer … resource_metadata=…` (RFC 9728).

Tool results carry `{"status": "success", "data": …, "credits_charged": …}` as structured
content and the credits charged in `_meta["aae/credits_charged"]`; a failing call is a tool
error (`isError`) whose structured content is the platform's error envelope. An unknown tool is
a JSON-RPC invalid-params error (as the protocol asks), with the envelope as its data.
"""

from __future__ import annotations

import json
import logging
import warnings
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from contextvars import ContextVar
from typing import Any
from urllib.parse import urlparse

import anyio
import mcp_types as types
from fastapi import FastAPI
from mcp.server.auth.middleware.bearer_auth import AuthenticatedUser
from mcp.server.auth.provider import AccessToken
from mcp.server.auth.routes import build_resource_metadata_url
from mcp.server.auth.settings import AuthSettings
from mcp.server.context import ServerRequestContext
from mcp.server.lowlevel import Server
from mcp.server.transport_security import TransportSecuritySettings
from mcp.shared.exceptions import MCPError
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.types import Receive, Scope, Send

from backend.common import ratelimit
from backend.config import get_settings
from backend.credits import service as credits
from backend.db import unit_of_work
from backend.errors import AppError, ToolNotFound
from backend.mcp import service as executor
from backend.mcp import tokens
from backend.mcp.endpoints import is_service_token
from backend.mcp.registry import ToolSpec, load_tools
from backend.models import CreditConfig, User, UserStatus

logger = logging.getLogger(__name__)

MCP_PATH = "/mcp"
USER_HEADER = "x-aae-user-id"
CREDITS_META = "aae/credits_charged"
OPERATION_META = "aae/operation_id"
REPLAYED_META = "aae/replayed"
COST_META = "aae/cost"
SERVICE_CLIENT = "aae-service"
SERVER_INSTRUCTIONS = (
    "Tools of the AAE Web Platform, acting for one user: their profile and credits, ad accounts, "
    "dashboard and reports, creative library, landing pages, campaigns and notifications. Paid tools "
    "reserve their estimated cost before running; every result says what it charged. Pass "
    f"_meta['{OPERATION_META}'] to make a call idempotent."
)

# The X-AAE-User-Id of the request being authenticated: the SDK's token verifier sees only the token.
_requested_user: ContextVar[str | None] = ContextVar("aae_mcp_requested_user", default=None)


class PlatformTokenVerifier:
    """The SDK's `TokenVerifier`: the subject of the returned token is the user's id."""

    async def verify_token(self, token: str) -> AccessToken | None:
        requested = _requested_user.get()
        if is_service_token(token):
            user_id = _parse_user_id(requested)
            if user_id is None or not await anyio.to_thread.run_sync(_is_active_user, user_id):
                return None
            return AccessToken(token="service", client_id=SERVICE_CLIENT, scopes=["mcp"], subject=str(user_id))
        if tokens.looks_like_api_token(token):
            found = await anyio.to_thread.run_sync(_verify_api_token, token)
            if found is None or (requested is not None and requested.strip() != str(found[1])):
                return None
            token_id, user_id = found
            return AccessToken(token=f"pat:{token_id}", client_id=f"aae-pat-{token_id}", scopes=["mcp"],
                               subject=str(user_id))
        return None


def _parse_user_id(value: str | None) -> int | None:
    value = (value or "").strip()
    return int(value) if value.isdigit() and 0 < len(value) <= 18 else None


def _is_active_user(user_id: int) -> bool:
    with unit_of_work() as session:
        user = session.get(User, user_id)
        return user is not None and user.status == UserStatus.ACTIVE


def _verify_api_token(plaintext: str) -> tuple[int, int] | None:
    with unit_of_work() as session:
        found = tokens.verify(session, plaintext)
        return (found.id, found.user_id) if found is not None else None


# --- the protocol handlers -------------------------------------------------------------------


def _current_config() -> CreditConfig:
    with unit_of_work() as session:
        return credits.get_current_config(session)


def mcp_tool(spec: ToolSpec, config: CreditConfig) -> types.Tool:
    hints = spec.annotations()
    return types.Tool(
        name=spec.name, title=spec.title, description=spec.description, input_schema=spec.input_schema(),
        annotations=types.ToolAnnotations(
            title=spec.title, read_only_hint=hints["readOnlyHint"], destructive_hint=hints["destructiveHint"],
            idempotent_hint=hints["idempotentHint"], open_world_hint=hints["openWorldHint"]),
        _meta={COST_META: spec.cost_info(config)},
    )


async def _list_tools(ctx: ServerRequestContext[Any], params: types.PaginatedRequestParams | None
                      ) -> types.ListToolsResult:
    config = await anyio.to_thread.run_sync(_current_config)
    return types.ListToolsResult(tools=[mcp_tool(spec, config) for spec in load_tools().all()])


def _input_schema(name: str) -> dict[str, Any] | None:
    spec = load_tools().get(name)
    return spec.input_schema() if spec is not None else None


async def _call_tool(ctx: ServerRequestContext[Any], params: types.CallToolRequestParams) -> types.CallToolResult:
    user_id = _user_of(ctx)
    operation_id = (params.meta or {}).get(OPERATION_META)
    request_id = _request_id_of(ctx)
    try:
        result = await anyio.to_thread.run_sync(_execute, user_id, params.name, params.arguments, operation_id)
    except ToolNotFound as exc:
        raise MCPError(code=types.INVALID_PARAMS, message=exc.message, data=exc.to_envelope(request_id)) from None
    except AppError as exc:
        envelope = exc.to_envelope(request_id)
        return types.CallToolResult(
            content=[types.TextContent(type="text", text=json.dumps(envelope))], structured_content=envelope,
            is_error=True, _meta={CREDITS_META: "0.00"})
    body = result.body()
    meta: dict[str, Any] = {CREDITS_META: body["credits_charged"]}
    if result.operation_id is not None:
        meta[OPERATION_META] = result.operation_id
    if result.replayed:
        meta[REPLAYED_META] = True
    return types.CallToolResult(content=[types.TextContent(type="text", text=json.dumps(body["data"]))],
                                structured_content=body, _meta=meta)


def _execute(user_id: int, tool: str, arguments: Any, operation_id: Any) -> executor.ExecutionResult:
    ratelimit.check("mcp", str(user_id))
    return executor.execute(user_id, tool, arguments, operation_id)


def _user_of(ctx: ServerRequestContext[Any]) -> int:
    user = ctx.request.scope.get("user") if ctx.request is not None else None
    subject = user.access_token.subject if isinstance(user, AuthenticatedUser) else None
    if subject is None:  # the bearer middleware admits nobody else; this is a wiring bug
        raise MCPError(code=types.INTERNAL_ERROR, message="No authenticated user for this request")
    return int(subject)


def _request_id_of(ctx: ServerRequestContext[Any]) -> str | None:
    return ctx.request.scope.get("state", {}).get("request_id") if ctx.request is not None else None


def build_server() -> Server[Any]:
    return Server(
        "aae-web-platform", title="AAE Web Platform", version="1", instructions=SERVER_INSTRUCTIONS,
        on_list_tools=_list_tools, on_call_tool=_call_tool, get_tool_input_schema=_input_schema,
    )


# --- HTTP: auth settings, DNS-rebinding protection, the ASGI endpoint ------------------------


def auth_settings() -> AuthSettings:
    public = get_settings().public_url.rstrip("/")
    with warnings.catch_warnings():  # validate_token_resource=False is deliberate: we check our own tokens
        warnings.simplefilter("ignore")
        return AuthSettings(issuer_url=public, resource_server_url=f"{public}{MCP_PATH}",
                            validate_token_resource=False)


def transport_security() -> TransportSecuritySettings:
    """Only the public host and loopback may be named in Host / Origin (DNS-rebinding protection)."""
    public = urlparse(get_settings().public_url)
    hosts = ["127.0.0.1", "127.0.0.1:*", "localhost", "localhost:*", "[::1]", "[::1]:*"]
    origins = ["http://127.0.0.1", "http://127.0.0.1:*", "http://localhost", "http://localhost:*"]
    if public.hostname:
        hosts += [public.netloc, f"{public.hostname}:*"]
        origins += [f"{public.scheme}://{public.netloc}"]
    return TransportSecuritySettings(enable_dns_rebinding_protection=True, allowed_hosts=hosts,
                                     allowed_origins=origins)


class McpEndpoint:
    """The ASGI app behind `/mcp` and its protected-resource metadata route.

    The SDK's session manager runs once per instance, and TestClient (or a reloader) may enter
    the lifespan several times, so each `run()` builds a fresh server and session manager.
    """

    def __init__(self) -> None:
        self._app: Starlette | None = None

    @asynccontextmanager
    async def run(self) -> AsyncIterator[None]:
        if self._app is not None:  # entered twice (nested lifespans): the running one serves
            yield
            return
        server = build_server()
        app = server.streamable_http_app(
            streamable_http_path=MCP_PATH, stateless_http=True, json_response=True, auth=auth_settings(),
            token_verifier=PlatformTokenVerifier(), transport_security=transport_security())
        async with server.session_manager.run():
            self._app = app
            try:
                yield
            finally:
                self._app = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        app = self._app
        if app is None:
            body = AppError("The MCP server is not running").to_envelope(scope.get("state", {}).get("request_id"))
            await JSONResponse(body, status_code=503)(scope, receive, send)
            return
        requested = None
        for key, value in scope.get("headers", []):
            if key == USER_HEADER.encode("latin-1"):
                requested = value.decode("latin-1")
        reset = _requested_user.set(requested)
        try:
            await app(scope, receive, send)
        finally:
            _requested_user.reset(reset)


def mount(api: FastAPI) -> McpEndpoint:
    """Serve `/mcp` (exactly: `/mcp/v1/*` stays the REST surface) and its RFC 9728 metadata."""
    global _latest
    endpoint = McpEndpoint()
    metadata_path = urlparse(str(build_resource_metadata_url(auth_settings().resource_server_url))).path
    api.add_route(MCP_PATH, endpoint, methods=["GET", "POST", "DELETE"], include_in_schema=False)
    api.add_route(metadata_path, endpoint, methods=["GET", "OPTIONS"], include_in_schema=False)
    api.state.mcp_endpoint = endpoint
    _latest = endpoint
    return endpoint


_latest: McpEndpoint | None = None


@asynccontextmanager
async def running(app: Any = None) -> AsyncIterator[None]:
    """Run the MCP endpoint of `app` (a FastAPI from create_api) for the block; for anything else
    (Reflex passes its rx.App) the endpoint of the most recently created API."""
    endpoint = getattr(app.state, "mcp_endpoint", None) if isinstance(app, Starlette) else _latest
    if endpoint is None:
        yield
        return
    async with endpoint.run():
        yield
