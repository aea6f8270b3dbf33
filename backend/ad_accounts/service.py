"""Ad accounts: binding through the platform's OAuth, token custody, refresh, unbinding.

Tokens are stored only encrypted (AES-256-GCM). A failed refresh marks the account expired,
pauses its campaigns' automated operations and sets the banner flag (Property 4); the job that
refreshes tokens also notifies the user.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import update as sql_update
from sqlmodel import Session, col, select

from backend.audit.service import AuditAction, RequestContext, record
from backend.config import get_settings
from backend.errors import AdAccountNotBound, AdAccountTokenExpired, NotFound, ValidationFailed
from backend.integrations.ad_platforms import PlatformAuthError, TokenSet, get_platform
from backend.models import AdAccount, AdAccountStatus, Campaign
from backend.security.crypto import decrypt_token, encrypt_token

BIND_STATE_MAX_AGE = 600
REFRESH_WINDOW = timedelta(hours=24)


def _state_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(get_settings().secret_key, salt="ad-account-bind")


# --- reading ---------------------------------------------------------------------------------


def list_accounts(session: Session, user_id: int, *, include_revoked: bool = False) -> list[AdAccount]:
    query = select(AdAccount).where(AdAccount.user_id == user_id)
    if not include_revoked:
        query = query.where(AdAccount.status != AdAccountStatus.REVOKED)
    return list(session.exec(query.order_by(col(AdAccount.id))))


def get_owned_or_raise(session: Session, user_id: int, account_id: int) -> AdAccount:
    """The one ownership check of this domain: another user's account is simply not found."""
    account = session.get(AdAccount, account_id)
    if account is None or account.user_id != user_id or account.status == AdAccountStatus.REVOKED:
        raise NotFound("Ad account not found", details={"ad_account_id": account_id})
    return account


def get_active_or_raise(session: Session, user_id: int) -> AdAccount:
    """The account the user has selected (or the first usable one)."""
    accounts = [a for a in list_accounts(session, user_id)]
    if not accounts:
        raise AdAccountNotBound(details={"bind_url": "/settings"})
    return next((a for a in accounts if a.is_active), accounts[0])


def tokens_of(account: AdAccount) -> TokenSet:
    return TokenSet(
        access_token=decrypt_token(account.access_token_encrypted),
        refresh_token=decrypt_token(account.refresh_token_encrypted) if account.refresh_token_encrypted else None,
        expires_at=account.token_expires_at,
    )


def usable_access_token(account: AdAccount) -> str:
    """The decrypted token for an API call; 6001 when the account needs reconnecting."""
    if account.status != AdAccountStatus.ACTIVE:
        raise AdAccountTokenExpired(details={"ad_account_id": account.id, "status": account.status})
    return tokens_of(account).access_token


# --- binding ---------------------------------------------------------------------------------


def start_bind(*, user_id: int, platform: str, redirect_uri: str) -> str:
    """The platform's consent URL, carrying a signed, expiring state bound to this user."""
    adapter = get_platform(platform)
    state = _state_serializer().dumps({"uid": user_id, "p": platform, "n": secrets.token_urlsafe(8)})
    return adapter.oauth_connect_url(state, redirect_uri)


def read_bind_state(state: str) -> dict[str, Any]:
    try:
        return _state_serializer().loads(state, max_age=BIND_STATE_MAX_AGE)
    except SignatureExpired:
        raise ValidationFailed("The authorization took too long; start again", details={"field": "state"}) from None
    except BadSignature:
        raise ValidationFailed("Invalid authorization state", details={"field": "state"}) from None


def complete_bind(
    session: Session,
    *,
    user_id: int,
    code: str,
    state: str,
    redirect_uri: str,
    context: RequestContext | None = None,
) -> list[AdAccount]:
    """Exchange the code, list the accounts it grants, and store each with encrypted tokens."""
    data = read_bind_state(state)
    if data.get("uid") != user_id:
        raise ValidationFailed("This authorization belongs to another session", details={"field": "state"})
    platform = data["p"]
    adapter = get_platform(platform)
    tokens = adapter.exchange_code(code, redirect_uri)
    granted = adapter.list_accounts(tokens.access_token)
    if not granted:
        raise AdAccountNotBound("The platform granted access to no ad account")
    has_active = any(a.is_active for a in list_accounts(session, user_id))
    stored: list[AdAccount] = []
    for remote in granted:
        account = session.exec(
            select(AdAccount).where(
                AdAccount.user_id == user_id, AdAccount.platform == platform,
                AdAccount.platform_account_id == remote.id,
            )
        ).first() or AdAccount(user_id=user_id, platform=platform, platform_account_id=remote.id,
                               account_name=remote.name, access_token_encrypted="")
        account.account_name = remote.name[:255]
        account.currency = (remote.currency or "USD")[:3].upper()
        _store_tokens(account, tokens)
        if not has_active:
            account.is_active = has_active = True
        session.add(account)
        stored.append(account)
    session.flush()
    _resume_automation(session, [a.id for a in stored])
    record(session, action=AuditAction.AD_ACCOUNT_BOUND, user_id=user_id, context=context,
           details={"platform": platform, "accounts": [a.platform_account_id for a in stored]})
    return stored


def _store_tokens(account: AdAccount, tokens: TokenSet) -> None:
    account.access_token_encrypted = encrypt_token(tokens.access_token)
    if tokens.refresh_token:
        account.refresh_token_encrypted = encrypt_token(tokens.refresh_token)
    account.token_expires_at = tokens.expires_at
    account.status = AdAccountStatus.ACTIVE
    account.needs_attention = False
    account.last_error = None


# --- changing --------------------------------------------------------------------------------


@dataclass(frozen=True)
class AccountChanges:
    account_name: str | None = None
    is_active: bool | None = None


def update(session: Session, *, user_id: int, account_id: int, changes: AccountChanges) -> AdAccount:
    account = get_owned_or_raise(session, user_id, account_id)
    if changes.account_name is not None:
        name = changes.account_name.strip()
        if not name:
            raise ValidationFailed("The account name cannot be empty", details={"field": "account_name"})
        account.account_name = name[:255]
    if changes.is_active:
        # Exactly one selected account per user.
        session.execute(sql_update(AdAccount).where(AdAccount.user_id == user_id).values(is_active=False))
        session.refresh(account)
        account.is_active = True
    elif changes.is_active is False:
        account.is_active = False
    session.add(account)
    session.flush()
    return account


def unbind(session: Session, *, user_id: int, account_id: int, context: RequestContext | None = None) -> None:
    """Forget the tokens and hide the account; its campaigns stop automated operations.

    The row stays (status revoked) so reports keep their history; binding again revives it.
    """
    account = get_owned_or_raise(session, user_id, account_id)
    account.status = AdAccountStatus.REVOKED
    account.access_token_encrypted = ""
    account.refresh_token_encrypted = None
    account.token_expires_at = None
    account.is_active = False
    account.needs_attention = False
    session.add(account)
    _pause_automation(session, [account.id])
    record(session, action=AuditAction.AD_ACCOUNT_UNBOUND, user_id=user_id, context=context,
           details={"ad_account_id": account.id, "platform": account.platform})
    session.flush()


# --- token refresh (Properties 3, 4) ---------------------------------------------------------


def accounts_due_for_refresh(session: Session, *, now: datetime | None = None) -> list[int]:
    """Ids of active accounts whose token expires within 24 hours (Property 3)."""
    now = now or datetime.now(UTC)
    return list(session.exec(
        select(AdAccount.id).where(
            AdAccount.status == AdAccountStatus.ACTIVE,
            col(AdAccount.token_expires_at).is_not(None),
            AdAccount.token_expires_at <= now + REFRESH_WINDOW,
        ).order_by(col(AdAccount.id))
    ))


@dataclass(frozen=True)
class RefreshOutcome:
    account: AdAccount
    refreshed: bool
    error: str | None = None


def refresh_tokens(session: Session, *, account: AdAccount) -> RefreshOutcome:
    """Refresh one account's tokens. A refused grant marks it expired (Property 4) instead of raising;
    transient platform errors propagate so the job retries."""
    adapter = get_platform(account.platform)
    try:
        fresh = adapter.refresh_token(tokens_of(account))
    except PlatformAuthError as exc:
        mark_token_failed(session, account=account, error=exc.message)
        return RefreshOutcome(account, refreshed=False, error=exc.message)
    _store_tokens(account, fresh)
    session.add(account)
    session.flush()
    _resume_automation(session, [account.id])
    return RefreshOutcome(account, refreshed=True)


def mark_token_failed(session: Session, *, account: AdAccount, error: str) -> None:
    account.status = AdAccountStatus.EXPIRED
    account.needs_attention = True
    account.last_error = error[:2000]
    session.add(account)
    session.flush()
    _pause_automation(session, [account.id])
    record(session, action=AuditAction.AD_ACCOUNT_TOKEN_REFRESH_FAILED, user_id=account.user_id,
           details={"ad_account_id": account.id, "error": error[:500]})


def accounts_needing_attention(session: Session, user_id: int) -> list[AdAccount]:
    """What the reconnect banner shows."""
    return list(session.exec(select(AdAccount).where(
        AdAccount.user_id == user_id, AdAccount.needs_attention == True  # noqa: E712
    )))


def _pause_automation(session: Session, account_ids: list[int]) -> None:
    session.execute(sql_update(Campaign).where(col(Campaign.ad_account_id).in_(account_ids)).values(automation_paused=True))


def _resume_automation(session: Session, account_ids: list[int]) -> None:
    session.execute(sql_update(Campaign).where(col(Campaign.ad_account_id).in_(account_ids)).values(automation_paused=False))


def active_account_ids(session: Session) -> list[int]:
    return list(session.exec(select(AdAccount.id).where(AdAccount.status == AdAccountStatus.ACTIVE)
                             .order_by(col(AdAccount.id))))
