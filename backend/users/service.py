"""Users: registration (with the bonus), sign-in lookup, profile."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from backend.audit.service import AuditAction, RequestContext, record
from backend.credits import service as credits
from backend.errors import NotFound
from backend.models import User


@dataclass(frozen=True)
class SignIn:
    user: User
    created: bool


def get(session: Session, user_id: int) -> User | None:
    return session.get(User, user_id)


def get_or_raise(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("User not found")
    return user


def get_by_email(session: Session, email: str) -> User | None:
    return session.exec(select(User).where(User.email == email.strip().lower())).first()


def sign_in(
    session: Session,
    *,
    provider: str,
    subject: str,
    email: str,
    display_name: str,
    avatar_url: str | None = None,
    context: RequestContext | None = None,
) -> SignIn:
    """Return the user for this identity, creating it with the registration bonus (Property 1, 5).

    An identity is (provider, subject). A known email from another provider is linked to the
    same account rather than duplicated.
    """
    email = email.strip().lower()
    user = session.exec(select(User).where(User.oauth_provider == provider, User.oauth_id == subject)).first()
    created = False
    if user is None:
        user = get_by_email(session, email)
    if user is None:
        user = _create(session, provider=provider, subject=subject, email=email,
                       display_name=display_name, avatar_url=avatar_url)
        created = True
        record(session, action=AuditAction.USER_CREATED, user_id=user.id, context=context,
               details={"provider": provider})
    user.last_login_at = datetime.now(UTC)
    if avatar_url and not user.avatar_url:
        user.avatar_url = avatar_url
    session.add(user)
    session.flush()
    record(session, action=AuditAction.LOGIN, user_id=user.id, context=context, details={"provider": provider})
    return SignIn(user=user, created=created)


def _create(
    session: Session, *, provider: str, subject: str, email: str, display_name: str, avatar_url: str | None
) -> User:
    user = User(
        email=email,
        display_name=(display_name or email.split("@")[0])[:255],
        avatar_url=avatar_url,
        oauth_provider=provider,
        oauth_id=subject,
    )
    try:
        with session.begin_nested():
            session.add(user)
            session.flush()
    except IntegrityError:
        # A concurrent first sign-in created it: return that one.
        existing = session.exec(
            select(User).where(User.oauth_provider == provider, User.oauth_id == subject)
        ).first() or get_by_email(session, email)
        if existing is None:
            raise
        return existing
    credits.grant_registration_bonus(session, user_id=user.id)
    return user


PROFILE_FIELDS = ("display_name", "language", "timezone", "notification_preferences", "avatar_url")


def update_profile(
    session: Session, *, user_id: int, changes: dict[str, Any], context: RequestContext | None = None
) -> User:
    user = get_or_raise(session, user_id)
    applied = {k: v for k, v in changes.items() if k in PROFILE_FIELDS}
    for name, value in applied.items():
        setattr(user, name, value)
    session.add(user)
    session.flush()
    record(session, action=AuditAction.USER_UPDATED, user_id=user_id, context=context,
           details={"fields": sorted(applied)})
    return user
