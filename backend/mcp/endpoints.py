"""Surface 1, the design's MCP REST shape, plus the user's API tokens.

    POST /mcp/v1/tools     → {"status": "success", "data": {"tools": [...]}}
    POST /mcp/v1/execute   {user_id, tool, arguments, operation_id?}
                           → {"status": "success", "data": ..., "credits_charged": "15.00"}

Both need `Authorization: Bearer <AAE_SERVICE_TOKEN>` (compared in constant time), else 1002
(Property 23). Errors use the one envelope (Property 25). Executions are rate limited per user
in the "mcp" scope, shared with the /mcp protocol surface.

    GET/POST /api/v1/api-tokens, DELETE /api/v1/api-tokens/{id}   (the signed-in user's tokens)
"""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Request, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import ValidationError

from backend.common.routing import api_router
from backend.auth.dependencies import SessionDep
from backend.common import ratelimit
from backend.common.deps import ApiUser, ResourceId
from backend.common.schemas import Ok
from backend.config import get_settings
from backend.credits import service as credits
from backend.db import unit_of_work
from backend.errors import Unauthorized, ValidationFailed
from backend.mcp import service as executor
from backend.mcp import tokens
from backend.mcp.registry import load_tools
from backend.mcp.schemas import (
    ApiTokenCreate,
    ApiTokenCreated,
    ApiTokenPublic,
    ExecuteRequest,
    ExecuteResponse,
    ToolCost,
    ToolInfo,
    ToolList,
)

REPLAYED_HEADER = "Idempotent-Replayed"

_service_bearer = HTTPBearer(auto_error=False, scheme_name="ServiceToken",
                             description="The platform's service token (AAE_SERVICE_TOKEN)")


def is_service_token(token: str | None) -> bool:
    expected = get_settings().service_token
    return bool(token) and hmac.compare_digest(token.encode("utf-8"), expected.encode("utf-8"))


def service_caller(bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_service_bearer)]) -> None:
    """Only the orchestrator (holding the service token) may call the REST surface."""
    if bearer is None or not is_service_token(bearer.credentials):
        raise Unauthorized("A valid service token is required", details={"reason": "service_token"})


router = api_router(prefix="/mcp/v1", tags=["mcp"], dependencies=[Depends(service_caller)])


@router.post("/tools", response_model=Ok[ToolList], summary="List the tools with their schemas and cost estimates")
def list_tools() -> Ok[ToolList]:
    with unit_of_work() as session:
        config = credits.get_current_config(session)
    return Ok(data=ToolList(tools=[
        ToolInfo(name=spec.name, title=spec.title, description=spec.description, input_schema=spec.input_schema(),
                 annotations=spec.annotations(), cost=ToolCost(**spec.cost_info(config)))
        for spec in load_tools().all()
    ]))


async def execute_request(request: Request) -> ExecuteRequest:
    """The body, parsed only after the service token was checked: an unauthenticated caller gets
    1002 whatever it sent (FastAPI would report malformed JSON before any dependency ran)."""
    try:
        return ExecuteRequest.model_validate_json(await request.body() or b"{}")
    except ValidationError as exc:
        fields = [{"field": ".".join(str(p) for p in err["loc"]) or "body", "location": "body",
                   "message": err["msg"], "type": err["type"]} for err in exc.errors(include_url=False)]
        raise ValidationFailed(details={"fields": fields}) from None


_EXECUTE_BODY = {"requestBody": {"required": True, "content": {
    "application/json": {"schema": ExecuteRequest.model_json_schema()}}}}


@router.post("/execute", response_model=ExecuteResponse, summary="Run one tool for a user",
             openapi_extra=_EXECUTE_BODY)
def execute(body: Annotated[ExecuteRequest, Depends(execute_request)], response: Response) -> ExecuteResponse:
    ratelimit.check("mcp", str(body.user_id))
    result = executor.execute(body.user_id, body.tool, body.arguments, body.operation_id)
    if result.replayed:
        response.headers[REPLAYED_HEADER] = "true"
    return ExecuteResponse(**result.body())


# --- the user's API tokens for MCP clients ---------------------------------------------------

tokens_router = api_router(prefix="/api/v1/api-tokens", tags=["api-tokens"])


@tokens_router.get("", response_model=Ok[list[ApiTokenPublic]])
def list_api_tokens(session: SessionDep, user: ApiUser) -> Ok[list[ApiTokenPublic]]:
    return Ok(data=[ApiTokenPublic.model_validate(t) for t in tokens.list_tokens(session, user.id)])


@tokens_router.post("", response_model=Ok[ApiTokenCreated], status_code=201)
def create_api_token(body: ApiTokenCreate, session: SessionDep, user: ApiUser) -> Ok[ApiTokenCreated]:
    """The response carries the token itself; it is never shown again."""
    created = tokens.create(session, user_id=user.id, name=body.name)
    public = ApiTokenPublic.model_validate(created.token)
    return Ok(data=ApiTokenCreated(**public.model_dump(), token=created.plaintext))


@tokens_router.delete("/{token_id:int}", response_model=Ok[ApiTokenPublic])
def revoke_api_token(token_id: ResourceId, session: SessionDep, user: ApiUser) -> Ok[ApiTokenPublic]:
    return Ok(data=ApiTokenPublic.model_validate(tokens.revoke(session, user_id=user.id, token_id=token_id)))
