"""The dashboard greets a brand-new user (the sign-in that made the account, Google's included)
with "Welcome, <name>" and a returning user with "Welcome back, <name>", in their language."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from aae_app.state.dashboard import NEW_USER_WELCOME, DashboardState, is_new_user
from backend.db import unit_of_work
from backend.models import User
from backend.users import service as users
from tests.aae_app.test_shell_support import run, signed_in


def _google_sign_in(subject: str, name: str = "Grace Hopper") -> int:
    """What the Google callback does with the provider's claims."""
    with unit_of_work() as session:
        return users.sign_in(session, provider="google", subject=subject, email=f"{subject}@gmail.example",
                             display_name=name).user.id


def _welcome(user_id: int) -> str:
    dashboard = signed_in(user_id)[DashboardState]
    run(dashboard.load())
    return dashboard.welcome


def _set(user_id: int, **values) -> None:
    with unit_of_work() as session:
        session.execute(update(User).where(User.id == user_id).values(**values))


def test_a_first_google_sign_in_is_welcomed_not_welcomed_back(committed_engine):
    user_id = _google_sign_in("g-new-1")
    assert _welcome(user_id) == "Welcome, Grace"
    assert _welcome(user_id) == "Welcome, Grace"  # the same session, another visit of the dashboard


def test_a_returning_user_is_welcomed_back(committed_engine):
    user_id = _google_sign_in("g-back-1")
    _set(user_id, created_at=datetime.now(UTC) - timedelta(days=3))  # the account is older …
    _google_sign_in("g-back-1")  # … and they sign in again
    assert _welcome(user_id) == "Welcome back, Grace"


def test_a_new_users_session_kept_past_the_first_hours_is_a_returning_users(committed_engine):
    user_id = _google_sign_in("g-later-1")
    made = datetime.now(UTC) - NEW_USER_WELCOME - timedelta(minutes=1)
    _set(user_id, created_at=made, last_login_at=made)  # signed in once, long ago, still signed in
    assert _welcome(user_id) == "Welcome back, Grace"


def test_in_chinese(committed_engine):
    new_id = _google_sign_in("g-zh-new", name="李 雷")
    _set(new_id, language="zh")
    assert _welcome(new_id) == "欢迎，李"
    back_id = _google_sign_in("g-zh-back", name="韩 梅梅")
    _set(back_id, language="zh", created_at=datetime.now(UTC) - timedelta(days=30))
    _google_sign_in("g-zh-back")
    assert _welcome(back_id) == "欢迎回来，韩"


NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(("created", "last_login", "new"), [
    (NOW - timedelta(minutes=5), NOW - timedelta(minutes=5), True),  # made by this sign-in
    (NOW - timedelta(minutes=5), None, True),
    (NOW - timedelta(hours=2), NOW - timedelta(minutes=30), False),  # signed in again since
    (NOW - NEW_USER_WELCOME, NOW - NEW_USER_WELCOME, False),  # long ago
    (NOW - timedelta(days=400), NOW, False),  # an account found by email from another provider
])
def test_is_new_user(created, last_login, new):
    assert is_new_user(User(email="a@b.c", display_name="A", oauth_id="a", created_at=created,
                            last_login_at=last_login), NOW) is new
