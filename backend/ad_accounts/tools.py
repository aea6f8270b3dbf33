"""MCP tools of the ad accounts domain. Tokens never leave the platform."""

from __future__ import annotations

from typing import Any

from pydantic import Field
from sqlmodel import Session

from backend.ad_accounts import service as ad_accounts
from backend.ad_accounts.schemas import AdAccountPublic
from backend.mcp.registry import ToolParams, tool


class ListAdAccountsParams(ToolParams):
    include_revoked: bool = Field(default=False, description="Also list accounts that were unbound")


@tool("list_ad_accounts", "The ad accounts (Meta, TikTok, Google Ads, sandbox) the user has bound, with their "
      "status and whether they need reconnecting.", ListAdAccountsParams, read_only=True, title="List ad accounts")
def list_ad_accounts(session: Session, user_id: int, params: ListAdAccountsParams) -> list[dict[str, Any]]:
    accounts = ad_accounts.list_accounts(session, user_id, include_revoked=params.include_revoked)
    return [AdAccountPublic.model_validate(a).model_dump(mode="json") for a in accounts]
