"""The audit trail: who did what, from where."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlmodel import Session, col, select

from backend.models import AuditLog


class AuditAction(StrEnum):
    LOGIN = "auth.login"
    LOGOUT = "auth.logout"
    LOGIN_FAILED = "auth.login_failed"
    TOKEN_REUSE = "auth.refresh_token_reuse"
    USER_CREATED = "user.created"
    USER_UPDATED = "user.updated"
    USER_DELETE_REQUESTED = "user.delete_requested"
    USER_DELETED = "user.deleted"
    USER_DELETE_FAILED = "user.delete_failed"
    DATA_EXPORT_REQUESTED = "user.export_requested"
    AD_ACCOUNT_BOUND = "ad_account.bound"
    AD_ACCOUNT_UNBOUND = "ad_account.unbound"
    AD_ACCOUNT_TOKEN_REFRESH_FAILED = "ad_account.token_refresh_failed"
    CREDITS_PURCHASED = "credits.purchased"
    CREDITS_REVERSED = "credits.reversed"
    CREDIT_CONFIG_CHANGED = "credits.config_changed"
    API_TOKEN_CREATED = "api_token.created"
    API_TOKEN_REVOKED = "api_token.revoked"
    CAMPAIGN_STATUS_CHANGED = "campaign.status_changed"
    LANDING_PAGE_PUBLISHED = "landing_page.published"
    CREATIVE_DELETED = "creative.deleted"
    TOOL_APPROVED = "agent.tool_approved"
    TOOL_REJECTED = "agent.tool_rejected"


@dataclass(frozen=True)
class RequestContext:
    """Where a request came from; passed down from the API, Reflex or a job."""

    ip: str | None = None
    user_agent: str | None = None


def record(
    session: Session,
    *,
    action: AuditAction | str,
    user_id: int | None,
    context: RequestContext | None = None,
    details: dict[str, Any] | None = None,
) -> AuditLog:
    context = context or RequestContext()
    entry = AuditLog(
        user_id=user_id,
        action=str(action),
        ip=(context.ip or None) and context.ip[:64],
        user_agent=(context.user_agent or None) and context.user_agent[:512],
        details=details or {},
    )
    session.add(entry)
    session.flush()
    return entry


def list_for_user(session: Session, user_id: int, *, limit: int = 50) -> list[AuditLog]:
    return list(
        session.exec(
            select(AuditLog).where(AuditLog.user_id == user_id).order_by(col(AuditLog.id).desc()).limit(limit)
        )
    )
