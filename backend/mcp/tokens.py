"""Per-user API tokens for MCP clients (Claude Desktop, IDEs, scripts).

A token is `aae_pat_` + 43 random URL-safe characters. Only its SHA-256 is stored, with a short
prefix so the user can tell tokens apart in the settings page; the plaintext is returned once,
by `create`. A token acts for its user on the MCP surface only (not the REST API).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from backend.errors import NotFound, ValidationFailed
from backend.models import ApiToken, User, UserStatus

TOKEN_PREFIX = "aae_pat_"
DISPLAY_PREFIX_LENGTH = 12  # "aae_pat_" and 4 random characters
MAX_ACTIVE_TOKENS = 20
# last_used_at is a hint for the user, not an audit trail: refresh it at most this often.
TOUCH_EVERY = timedelta(minutes=1)


@dataclass(frozen=True)
class CreatedToken:
    token: ApiToken
    plaintext: str


def hash_token(plaintext: str) -> str:
    return hashlib.sha256(plaintext.encode("utf-8")).hexdigest()


def looks_like_api_token(value: str) -> bool:
    return value.startswith(TOKEN_PREFIX)


def create(session: Session, *, user_id: int, name: str) -> CreatedToken:
    """A new token for the user; the plaintext is in the result and nowhere else, ever."""
    clean = " ".join((name or "").split())
    if not clean or len(clean) > 100:
        raise ValidationFailed("The token name is required (at most 100 characters)", details={"field": "name"})
    active = session.exec(select(func.count()).select_from(ApiToken).where(
        ApiToken.user_id == user_id, col(ApiToken.revoked_at).is_(None))).one()
    if active >= MAX_ACTIVE_TOKENS:
        raise ValidationFailed(f"At most {MAX_ACTIVE_TOKENS} active tokens; revoke one first",
                               details={"field": "name", "max_active": MAX_ACTIVE_TOKENS})
    plaintext = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user_id, name=clean, token_prefix=plaintext[:DISPLAY_PREFIX_LENGTH],
                     token_hash=hash_token(plaintext))
    session.add(token)
    session.flush()
    return CreatedToken(token, plaintext)


def list_tokens(session: Session, user_id: int, *, include_revoked: bool = False) -> list[ApiToken]:
    query = select(ApiToken).where(ApiToken.user_id == user_id)
    if not include_revoked:
        query = query.where(col(ApiToken.revoked_at).is_(None))
    return list(session.exec(query.order_by(col(ApiToken.id).desc())))


def revoke(session: Session, *, user_id: int, token_id: int) -> ApiToken:
    """Revoke one of the user's tokens; another user's (or an unknown) id is NotFound."""
    token = session.get(ApiToken, token_id)
    if token is None or token.user_id != user_id:
        raise NotFound("API token not found", details={"token_id": token_id})
    if token.revoked_at is None:
        token.revoked_at = datetime.now(UTC)
        session.add(token)
        session.flush()
    return token


def verify(session: Session, plaintext: str) -> ApiToken | None:
    """The live token for this plaintext (its user active), or None. Looked up by hash only."""
    if not plaintext or not looks_like_api_token(plaintext):
        return None
    row = session.exec(
        select(ApiToken, User.status).join(User, col(User.id) == ApiToken.user_id)
        .where(ApiToken.token_hash == hash_token(plaintext))
    ).first()
    if row is None:
        return None
    token, user_status = row
    if token.revoked_at is not None or user_status != UserStatus.ACTIVE:
        return None
    now = datetime.now(UTC)
    if token.last_used_at is None or now - token.last_used_at >= TOUCH_EVERY:
        session.execute(update(ApiToken).where(col(ApiToken.id) == token.id).values(last_used_at=now))
        token.last_used_at = now
    return token
