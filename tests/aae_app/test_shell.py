"""The shell's states without a browser or server (REFLEX_NOTES §7a), against the test database:
the sign-in guard, the top bar's data (accounts, unread count, banners), language, consent."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from aae_app import i18n
from aae_app.state.auth import AuthState, error_toast, format_time, login_url, read_cookie
from aae_app.state.dashboard import DashboardState
from aae_app.state.login import LoginState
from aae_app.state.shell import ShellState
from aae_app.state.views import BalanceView
from backend.ad_accounts import service as ad_accounts
from backend.credits import service as credits
from backend.db import unit_of_work
from backend.errors import NotFound
from backend.models import AdAccount, User
from backend.notifications import service as notifications
from tests.aae_app.test_shell_support import (
    router,
    signed_in,
    signed_in_cookie,
    spec_args,
    states,
    toast_text,
)
from tests.factories import make_ad_account, make_user


@pytest.fixture()
def user(committed_engine):
    with unit_of_work() as session:
        created = make_user(session, display_name="Dana Scully")
        credits.deduct(session, user_id=created.id, amount="12.50", operation_type="image_generation",
                       operation_id=f"test-{created.id}-1")
    return created


class TestHelpers:
    def test_read_cookie(self):
        assert read_cookie("a=1; aae_access=tok; b=2", "aae_access") == "tok"
        assert read_cookie("", "aae_access") is None
        assert read_cookie(None, "aae_access") is None

    @pytest.mark.parametrize(("path", "expected"), [
        ("/", "/login"), ("/billing/", "/login?next=/billing/"), ("/login/", "/login"), (None, "/login"),
        ("/a b", "/login?next=/a%20b"),
    ])
    def test_login_url(self, path, expected):
        assert login_url(path) == expected

    def test_format_time_uses_the_users_zone(self):
        moment = datetime(2026, 1, 2, 23, 30, tzinfo=UTC)
        assert format_time(moment, "UTC") == "2026-01-02 23:30"
        assert format_time(moment, "Asia/Shanghai") == "2026-01-03 07:30"
        assert format_time(moment, "Not/AZone") == "2026-01-02 23:30"
        assert format_time(None, "UTC") == ""

    def test_error_toast_shows_message_and_code_in_the_language(self):
        text = toast_text([error_toast(NotFound("Ad account not found"), "zh")])
        assert "未找到" in text and "Ad account not found" in text and "错误代码 5000" in text
        assert "Error code 5000" in toast_text([error_toast(NotFound(), "en")])


class TestRequireLogin:
    def test_without_cookie_redirects_to_login_with_next(self, committed_engine):
        auth = states(path="/billing/")[AuthState]
        spec = auth.require_login()
        assert spec_args(spec)["path"] == "/login?next=/billing/"
        assert auth.signed_in is False

    def test_valid_cookie_signs_in_with_name_and_balance(self, user):
        auth = states(cookie=signed_in_cookie(user.id))[AuthState]
        assert auth.require_login() is None
        assert auth.signed_in and auth.user_id == user.id
        assert auth.user_name == "Dana Scully" and auth.first_name == "Dana" and auth.initials == "DS"
        assert auth.balance == BalanceView(gifted="487.50", purchased="0.00", total="487.50")
        assert auth.accounts == [] and auth.unread_count == 0 and auth.attention == []

    def test_expired_cookie_tries_the_refresh_endpoint(self, user):
        long_ago = datetime.now(UTC) - timedelta(hours=3)
        auth = states(cookie=signed_in_cookie(user.id, now=long_ago), path="/billing/")[AuthState]
        script = spec_args(auth.require_login())["javascript_code"]
        assert "/api/v1/auth/refresh" in script and "/login?next=/billing/" in script
        assert auth.signed_in is False

    def test_forged_cookie_signs_out_a_previously_signed_in_state(self, user):
        auth = signed_in(user.id)[AuthState]
        auth.router = router(cookie="aae_access=forged.token.value")
        auth.require_login()
        assert auth.signed_in is False and auth.user_id is None and auth.user_email == ""

    def test_token_never_reaches_a_synced_var(self, user):
        cookie = signed_in_cookie(user.id)
        auth = states(cookie=cookie)[AuthState]
        auth.require_login()
        token = cookie.split("aae_access=")[1]
        assert token not in repr(auth.dict())

    def test_sign_out_posts_to_logout_then_goes_to_login(self, user):
        auth = signed_in(user.id)[AuthState]
        script = spec_args(auth.sign_out())["javascript_code"]
        assert "/api/v1/auth/logout" in script and "'POST'" in script and '"/login"' in script
        assert auth.signed_in is False


class TestLowBalance:
    @pytest.mark.parametrize(("gifted", "low", "critical"), [
        ("500", False, False), ("50", False, False), ("49.99", True, False), ("9.99", True, True), ("0", True, True),
    ])
    def test_property_33_low_balance_banner_flag(self, committed_engine, gifted, low, critical):
        """Property 33: for any user whose balance falls below 50 the UI shows the balance warning."""
        with unit_of_work() as session:
            poor = make_user(session, gifted=gifted)
        auth = signed_in(poor.id)[AuthState]
        assert (auth.balance.low, auth.balance.critical) == (low, critical)

    def test_refresh_shell_picks_up_a_new_balance(self, user):
        auth = signed_in(user.id)[AuthState]
        with unit_of_work() as session:
            credits.deduct(session, user_id=user.id, amount="450", operation_type="test",
                           operation_id=f"test-{user.id}-drain")
        auth.refresh_shell()
        assert auth.balance.total == "37.50" and auth.balance.low


class TestTopBarData:
    def test_accounts_unread_count_and_active_account(self, user):
        with unit_of_work() as session:
            first = make_ad_account(session, session.get(User, user.id), account_name="US store")
            make_ad_account(session, session.get(User, user.id), account_name="EU store", is_active=True)
            for n in range(3):
                notifications.create_notification(session, user_id=user.id, type="general", category="system",
                                                  title=f"n{n}", message="hello")
        auth = signed_in(user.id)[AuthState]
        assert [a.name for a in auth.accounts] == ["US store", "EU store"]
        assert auth.active_account_name == "EU store" and auth.unread_count == 3 and auth.unread_badge == "3"
        assert all(isinstance(a.id, str) for a in auth.accounts)  # select values must be strings
        assert first.id is not None

    def test_switching_the_active_account_persists_and_reloads_listeners(self, user):
        with unit_of_work() as session:
            owner = session.get(User, user.id)
            us = make_ad_account(session, owner, account_name="US store", is_active=True)
            eu = make_ad_account(session, owner, account_name="EU store")
        auth = signed_in(user.id)[AuthState]
        events = auth.select_account(str(eu.id))
        assert auth.active_account_id == str(eu.id)
        assert DashboardState.reload_if_shown in events
        assert "EU store" in toast_text(events)
        with unit_of_work() as session:
            assert session.get(AdAccount, eu.id).is_active and not session.get(AdAccount, us.id).is_active

    def test_switching_to_someone_elses_account_is_a_toast_with_the_code(self, user):
        with unit_of_work() as session:
            stranger = make_user(session)
            theirs = make_ad_account(session, stranger)
            make_ad_account(session, session.get(User, user.id), is_active=True)
        auth = signed_in(user.id)[AuthState]
        assert "5000" in toast_text([auth.select_account(str(theirs.id))])

    def test_property_4_expired_account_shows_the_reconnect_banner(self, user):
        """Property 4: an account whose refresh failed is flagged; the shell lists it for reconnecting."""
        with unit_of_work() as session:
            account = make_ad_account(session, session.get(User, user.id), account_name="Old store")
            ad_accounts.mark_token_failed(session, account=account, error="invalid_grant")
        tree = signed_in(user.id)
        assert [(a.id, a.name) for a in tree[AuthState].attention] == [(account.id, "Old store")]
        script = spec_args(tree[ShellState].reconnect(account.id))["javascript_code"]
        assert "/api/v1/ad-accounts/oauth/callback" in script and "code=sbx-code-" in script


class TestLanguage:
    def test_language_switch_applies_now_and_is_remembered(self, user):
        auth = signed_in(user.id)[AuthState]
        assert auth.texts["nav.dashboard"] == "Dashboard"
        assert auth.set_language("zh") is None
        assert auth.texts["nav.dashboard"] == "仪表盘" and auth.tr("common.save") == "保存更改"
        with unit_of_work() as session:
            assert session.get(User, user.id).language == "zh"
        assert signed_in(user.id)[AuthState].language == "zh"

    def test_unknown_language_is_ignored_and_the_sign_in_page_switches_locally(self, committed_engine):
        auth = states(path="/login/")[AuthState]
        auth.set_language("fr")
        assert auth.language == "en"
        auth.set_language(["zh"])  # the segmented control's shape
        assert auth.language == "zh"

    def test_every_text_has_both_languages(self):
        assert i18n.missing() == []
        assert set(i18n.texts_for("zh")) == set(i18n.texts_for("en"))


class TestShellState:
    def test_cookie_consent_is_pending_until_chosen(self, committed_engine):
        shell = states()[ShellState]
        assert shell.consent_pending and not shell.preferences_allowed
        shell.essential_cookies_only()
        assert not shell.consent_pending and not shell.preferences_allowed
        shell.accept_cookies()
        assert shell.cookie_consent == "all" and shell.preferences_allowed

    def test_chat_drawer_toggles(self, committed_engine):
        shell = states()[ShellState]
        shell.toggle_chat()
        assert shell.chat_open
        shell.close_chat()
        assert not shell.chat_open


class TestLoginState:
    def test_reads_a_safe_next_and_flags(self, committed_engine):
        login = states(path="/login/?next=/billing/")[LoginState]
        assert login.load() is None
        assert login.next_path == "/billing/"
        assert login.dev_login_allowed is True and login.google_login_enabled is False
        assert login.ready  # the form's button waits for this

    def test_unsafe_next_falls_back_to_root(self, committed_engine):
        login = states(path="/login/?next=//evil.example")[LoginState]
        login.load()
        assert login.next_path == "/"

    def test_shows_the_reason_a_sign_in_failed(self, committed_engine):
        login = states(path="/login/?error=access_denied")[LoginState]
        login.load()
        assert login.error == "access_denied"

    def test_signed_in_visitor_goes_straight_to_next(self, user):
        login = states(cookie=signed_in_cookie(user.id), path="/login/?next=/billing/")[LoginState]
        assert spec_args(login.load())["path"] == "/billing/"


class TestViews:
    def test_balance_view_formats_thousands(self):
        view = BalanceView.of(credits.Balance(gifted=Decimal("1234.5"), purchased=Decimal("0")))
        assert view.total == "1,234.50" and view.low is False
