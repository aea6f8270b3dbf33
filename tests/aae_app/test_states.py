"""Reflex states without a browser or server (REFLEX_NOTES §7a), against the test database."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import reflex as rx
from reflex.istate.data import RouterData

from aae_app.state.auth import AuthState, login_url, read_cookie
from aae_app.state.billing import BillingState
from aae_app.state.dashboard import DashboardState
from aae_app.state.login import LoginState
from aae_app.state.views import BalanceView, LedgerRow
from backend.auth.tokens import create_access_token
from backend.credits import service as credits
from backend.db import unit_of_work
from tests.factories import make_user


def spec_args(spec) -> dict:
    return {name._js_expr: getattr(value, "_var_value", value) for name, value in spec.args}


def states(*, cookie: str = "", path: str = "/") -> dict[type, rx.State]:
    """The real state tree, with the router data a websocket handshake would give."""
    root = rx.State(_reflex_internal_init=True)
    root.router = RouterData.from_router_data({
        "headers": {"cookie": cookie, "origin": "http://127.0.0.1:3000", "user-agent": "pytest"},
        "asPath": path,
        "ip": "127.0.0.1",
    })
    auth = root.get_substate(AuthState.get_full_name().split(".")[1:])
    return {AuthState: auth, **{cls: auth.substates[cls.get_name()] for cls in (DashboardState, BillingState, LoginState)}}


@pytest.fixture()
def user(committed_engine):
    with unit_of_work() as session:
        created = make_user(session, display_name="Dana Scully")
        credits.deduct(session, user_id=created.id, amount="12.50", operation_type="image_generation",
                       operation_id=f"test-{created.id}-1")
    return created


def signed_in_cookie(user_id: int, **token_args) -> str:
    return f"theme=dark; aae_access={create_access_token(user_id, **token_args)}"


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

    def test_expired_cookie_tries_the_refresh_endpoint(self, user):
        long_ago = datetime.now(UTC) - timedelta(hours=3)
        auth = states(cookie=signed_in_cookie(user.id, now=long_ago), path="/billing/")[AuthState]
        script = spec_args(auth.require_login())["javascript_code"]
        assert "/api/v1/auth/refresh" in script and "/login?next=/billing/" in script
        assert auth.signed_in is False

    def test_forged_cookie_signs_out_a_previously_signed_in_state(self, user):
        tree = states(cookie=signed_in_cookie(user.id))
        auth = tree[AuthState]
        auth.require_login()
        auth.router = RouterData.from_router_data({"headers": {"cookie": "aae_access=forged.token.value"},
                                                    "asPath": "/"})
        auth.require_login()
        assert auth.signed_in is False and auth.user_id is None and auth.user_email == ""

    def test_token_never_reaches_a_synced_var(self, user):
        cookie = signed_in_cookie(user.id)
        auth = states(cookie=cookie)[AuthState]
        auth.require_login()
        token = cookie.split("aae_access=")[1]
        assert token not in repr(auth.dict())


class TestLowBalance:
    @pytest.mark.parametrize(("gifted", "low", "critical"), [
        ("500", False, False), ("50", False, False), ("49.99", True, False), ("9.99", True, True), ("0", True, True),
    ])
    def test_property_33_low_balance_banner_flag(self, committed_engine, gifted, low, critical):
        """Property 33: for any user whose balance falls below 50 the UI shows the balance warning."""
        with unit_of_work() as session:
            poor = make_user(session, gifted=gifted)
        auth = states(cookie=signed_in_cookie(poor.id))[AuthState]
        auth.require_login()
        assert (auth.balance.low, auth.balance.critical) == (low, critical)


class TestPageStates:
    def test_dashboard_loads_recent_rows_as_dtos(self, user):
        tree = states(cookie=signed_in_cookie(user.id))
        tree[AuthState].require_login()
        dashboard = tree[DashboardState]
        dashboard.load()
        assert len(dashboard.recent) == 2 and all(isinstance(row, LedgerRow) for row in dashboard.recent)
        newest, bonus = dashboard.recent
        assert (newest.kind, newest.amount, newest.incoming, newest.balance_after) == ("Usage", "−12.50", False, "487.50")
        assert (bonus.kind, bonus.amount, bonus.description) == ("Gift", "+500.00", "Registration bonus")

    def test_billing_lists_at_most_20_rows_and_counts_all(self, user):
        with unit_of_work() as session:
            for n in range(22):
                credits.deduct(session, user_id=user.id, amount="1", operation_type="test",
                               operation_id=f"test-{user.id}-many-{n}")
        tree = states(cookie=signed_in_cookie(user.id))
        tree[AuthState].require_login()
        billing = tree[BillingState]
        billing.load()
        assert len(billing.rows) == 20 and billing.total_rows == 24
        assert billing.showing_label == "Showing the latest 20 of 24 transactions"
        assert billing.rows[0].balance_after == "465.50"

    def test_page_loaders_do_nothing_when_signed_out(self, committed_engine):
        tree = states()
        tree[DashboardState].load()
        tree[BillingState].load()
        assert tree[DashboardState].recent == [] and tree[BillingState].rows == []


class TestLoginState:
    def test_reads_a_safe_next_and_flags(self, committed_engine):
        login = states(path="/login/?next=/billing/")[LoginState]
        assert login.load() is None
        assert login.next_path == "/billing/"
        assert login.dev_login_allowed is True and login.google_login_enabled is False

    def test_unsafe_next_falls_back_to_root(self, committed_engine):
        login = states(path="/login/?next=//evil.example")[LoginState]
        login.load()
        assert login.next_path == "/"

    def test_signed_in_visitor_goes_straight_to_next(self, user):
        login = states(cookie=signed_in_cookie(user.id), path="/login/?next=/billing/")[LoginState]
        assert spec_args(login.load())["path"] == "/billing/"


class TestViews:
    def test_balance_view_formats_thousands(self):
        view = BalanceView.of(credits.Balance(gifted=Decimal("1234.5"), purchased=Decimal("0")))
        assert view.total == "1,234.50" and view.low is False
