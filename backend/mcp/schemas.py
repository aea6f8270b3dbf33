"""Request and response shapes of the MCP REST surface and the API-token endpoints."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class ExecuteRequest(BaseModel):
    """`arguments` and `operation_id` are checked by the executor, so a bad one is 3002 naming it."""

    model_config = ConfigDict(extra="forbid")

    user_id: int = Field(gt=0, description="The user the tool acts for")
    tool: str = Field(min_length=1, max_length=64)
    arguments: Any = Field(default_factory=dict, description="The tool's params (a JSON object)")
    operation_id: Any = Field(default=None, description="Your id for this call: the same id runs and charges once")


class ExecuteResponse(BaseModel):
    status: str = "success"
    data: Any
    credits_charged: str


class ToolCost(BaseModel):
    paid: bool = Field(description="True when an estimate is reserved before the call and settled after it")
    estimate: str | None = Field(description="Credits reserved for a call, when it does not depend on the params")
    basis: str | None = None


class ToolInfo(BaseModel):
    name: str
    title: str | None
    description: str
    input_schema: dict[str, Any]
    annotations: dict[str, bool]
    cost: ToolCost


class ToolList(BaseModel):
    tools: list[ToolInfo]


class ApiTokenCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=100, description="What the token is for, e.g. 'Claude Desktop'")


class ApiTokenPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    token_prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class ApiTokenCreated(ApiTokenPublic):
    token: str = Field(description="The token itself. Shown once: it cannot be read again")
