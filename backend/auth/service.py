"""Sessions: issuing, rotating and revoking tokens.

A sign-in starts a refresh-token *family*. Each refresh marks the presented token used and
issues a successor in the same family. Presenting a token that was already used means it was
copied: the whole family is revoked and the reuse is audited, which ends the session for both
the thief and the owner. Functions take the session first and never commit.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import bindparam, update
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.util import identity_key
from sqlalchemy.orm.instrumentation import manager_of_class
from sqlmodel import Session, col, select

from backend.audit.service import AuditAction, RequestContext, record
from backend.auth.tokens import create_access_token, decode_access_token, hash_refresh_token, new_refresh_token
from backend.config import get_settings
from backend.errors import Unauthorized
from backend.models import RefreshToken, User, UserStatus


class RefreshTokenReused(Unauthorized):
    """Raised after the family was revoked; the caller commits before refusing the request."""

    default_message = "This session was ended because its refresh token was used twice"


@dataclass(frozen=True)
class IssuedTokens:
    user_id: int
    family_id: str
    access_token: str
    access_expires_in: int
    refresh_token: str
    refresh_expires_at: datetime


def issue_tokens(
    session: Session,
    *,
    user_id: int,
    context: RequestContext | None = None,
    family_id: str | None = None,
    now: datetime | None = None,
) -> IssuedTokens:
    """An access token plus a new refresh token (a new family unless one is given)."""
    settings = get_settings()
    now = now or datetime.now(UTC)
    context = context or RequestContext()
    refresh = new_refresh_token()
    row = RefreshToken(
        user_id=user_id,
        family_id=family_id or str(uuid.uuid4()),
        token_hash=hash_refresh_token(refresh),
        expires_at=now + timedelta(seconds=settings.refresh_token_ttl_seconds),
        created_at=now,
        ip=(context.ip or None) and context.ip[:64],
        user_agent=(context.user_agent or None) and context.user_agent[:512],
    )
    session.add(row)
    session.flush()
    return IssuedTokens(
        user_id=user_id,
        family_id=row.family_id,
        access_token=create_access_token(user_id, now=now),
        access_expires_in=settings.access_token_ttl_seconds,
        refresh_token=refresh,
        refresh_expires_at=row.expires_at,
    )


def rotate_refresh_token(
    session: Session,
    *,
    refresh_token: str | None,
    context: RequestContext | None = None,
    now: datetime | None = None,
) -> IssuedTokens:
    """Exchange a refresh token for a new pair.

    Unknown, expired or revoked tokens → `Unauthorized`. An already-used token → the family is
    revoked, `TOKEN_REUSE` is audited, then `RefreshTokenReused` is raised; the caller must
    commit before turning it into a 401 or the revocation is lost.
    """
    now = now or datetime.now(UTC)
    row = _find_for_update(session, refresh_token)
    if row is None:
        raise Unauthorized("Unknown refresh token", details={"reason": "unknown"})
    if row.used_at is not None:
        revoked = revoke_family(session, family_id=row.family_id, now=now)
        record(session, action=AuditAction.TOKEN_REUSE, user_id=row.user_id, context=context,
               details={"family_id": row.family_id, "revoked_tokens": revoked})
        raise RefreshTokenReused(details={"reason": "reused"})
    if row.revoked_at is not None:
        raise Unauthorized("Refresh token revoked", details={"reason": "revoked"})
    if row.expires_at <= now:
        raise Unauthorized("Refresh token expired", details={"reason": "expired"})
    user = session.get(User, row.user_id)
    if user is None or user.status != UserStatus.ACTIVE:
        raise Unauthorized("Account is not active", details={"reason": "inactive"})
    row.used_at = now
    session.add(row)
    return issue_tokens(session, user_id=row.user_id, context=context, family_id=row.family_id, now=now)


def revoke_refresh_token(
    session: Session,
    *,
    refresh_token: str | None,
    context: RequestContext | None = None,
    now: datetime | None = None,
) -> int | None:
    """Sign out: revoke the token's whole family. Returns the user id, None for unknown tokens."""
    row = _find_for_update(session, refresh_token)
    if row is None:
        return None
    revoke_family(session, family_id=row.family_id, now=now)
    record(session, action=AuditAction.LOGOUT, user_id=row.user_id, context=context,
           details={"family_id": row.family_id})
    return row.user_id


def revoke_family(session: Session, *, family_id: str, now: datetime | None = None) -> int:
    """Revoke every live token of a family; returns how many were revoked."""
    return _revoke_where(session, col(RefreshToken.family_id) == family_id, now)


def revoke_all_for_user(session: Session, *, user_id: int, now: datetime | None = None) -> int:
    """Revoke every live token of a user (account deletion, "sign out everywhere")."""
    return _revoke_where(session, col(RefreshToken.user_id) == user_id, now)


def authenticate_access_token(session: Session, token: str | None) -> User:
    """The active user an access token belongs to; `Unauthorized` otherwise."""
    return load_active_user(session, decode_access_token(token).user_id)


# Built once: it runs per request. The balance columns ride along (three numbers) so that the most
# polled read, the balance, needs no second round trip.
_USER_CHECK = select(User.status, User.gifted_credits, User.purchased_credits, User.credit_debt).where(
    col(User.id) == bindparam("uid")
)


def load_active_user(session: Session, user_id: int) -> User:
    """The user of a verified token, if the account is still active; `Unauthorized` otherwise.

    Every request runs this, and most endpoints only need `user.id`: so it reads the status and
    the balance columns only, and returns the `User` with its other columns expired — the first
    access to one of them loads them all in one SELECT, within the same transaction.
    """
    known = session.identity_map.get(identity_key(User, user_id))
    if known is not None:
        if known.status != UserStatus.ACTIVE:
            raise Unauthorized("Account is not active", details={"reason": "inactive"})
        return known
    row = session.connection().execute(_USER_CHECK, {"uid": user_id}).first()
    if row is None or row[0] != UserStatus.ACTIVE:
        raise Unauthorized("Account is not active", details={"reason": "inactive"})
    user = manager_of_class(User).new_instance()
    user.id, user.status, user.gifted_credits, user.purchased_credits, user.credit_debt = user_id, *row
    make_transient_to_detached(user)  # persistent as if loaded; the columns not set are expired
    session.add(user)
    return user


def _find_for_update(session: Session, refresh_token: str | None) -> RefreshToken | None:
    if not refresh_token:
        return None
    query = select(RefreshToken).where(RefreshToken.token_hash == hash_refresh_token(refresh_token))
    return session.exec(query.with_for_update()).first()


def _revoke_where(session: Session, condition, now: datetime | None) -> int:
    statement = (
        update(RefreshToken)
        .where(condition, col(RefreshToken.revoked_at).is_(None))
        .values(revoked_at=now or datetime.now(UTC))
        .execution_options(synchronize_session="fetch")
    )
    return session.execute(statement).rowcount
