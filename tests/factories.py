"""Small factories with sensible defaults. Each returns a flushed row."""

from __future__ import annotations

import itertools
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlmodel import Session

from backend.models import AdAccount, User
from backend.security.crypto import encrypt_token
from backend.users import service as users

_seq = itertools.count(1)


def unique_email() -> str:
    return f"user{next(_seq)}-{uuid.uuid4().hex[:8]}@example.com"


def make_user(
    session: Session,
    *,
    gifted: Decimal | str | None = None,
    purchased: Decimal | str | None = None,
    **fields: Any,
) -> User:
    """A registered user (with the registration bonus), balances overridden when given."""
    email = fields.pop("email", None) or unique_email()
    user = users.sign_in(
        session, provider="dev", subject=email, email=email, display_name=fields.pop("display_name", "Test User")
    ).user
    if gifted is not None:
        user.gifted_credits = Decimal(str(gifted))
    if purchased is not None:
        user.purchased_credits = Decimal(str(purchased))
    for name, value in fields.items():
        setattr(user, name, value)
    session.add(user)
    session.flush()
    return user


def make_ad_account(session: Session, user: User, **fields: Any) -> AdAccount:
    account = AdAccount(
        user_id=user.id,
        platform=fields.pop("platform", "sandbox"),
        platform_account_id=fields.pop("platform_account_id", f"sbx_{uuid.uuid4().hex[:10]}"),
        account_name=fields.pop("account_name", "Sandbox account"),
        access_token_encrypted=encrypt_token(fields.pop("access_token", "sandbox-access-token")),
        token_expires_at=fields.pop("token_expires_at", datetime.now(UTC) + timedelta(days=30)),
        **fields,
    )
    session.add(account)
    session.flush()
    return account


SANDBOX_REDIRECT = "http://127.0.0.1:3000/api/v1/ad-accounts/oauth/callback"


def bind_sandbox_accounts(session: Session, user: User) -> list[AdAccount]:
    """Bind the sandbox platform's accounts through its real OAuth flow (valid, expiring tokens)."""
    from urllib.parse import parse_qs, urlparse

    from backend.ad_accounts import service as ad_accounts

    url = ad_accounts.start_bind(user_id=user.id, platform="sandbox", redirect_uri=SANDBOX_REDIRECT)
    query = parse_qs(urlparse(url).query)
    return ad_accounts.complete_bind(session, user_id=user.id, code=query["code"][0], state=query["state"][0],
                                     redirect_uri=SANDBOX_REDIRECT)
