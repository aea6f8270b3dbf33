"""DashboardState without a browser: the numbers are the reports service's summary (Property 12)."""

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest

from aae_app.state.dashboard import (
    SCOPE_ALL,
    DashboardState,
    Kpi,
    format_change,
    format_metric,
    kpis_of,
)
from backend.db import unit_of_work
from backend.models import Notification, User
from backend.notifications import service as notifications
from backend.reports import service as reports
from backend.reports.service import MetricInput
from tests.aae_app.test_shell_support import run, signed_in, states
from tests.factories import make_ad_account, make_user


def metric(account_id: int, day: date, campaign: str, *, impressions: int, clicks: int, spend: str,
           conversions: int, revenue: str) -> MetricInput:
    return MetricInput(ad_account_id=account_id, timestamp=datetime.combine(day, time(12), tzinfo=UTC),
                       entity_type="campaign", entity_id=campaign, entity_name=f"Campaign {campaign}",
                       impressions=impressions, clicks=clicks, spend=Decimal(spend), conversions=conversions,
                       revenue=Decimal(revenue))


@pytest.fixture()
def advertiser(committed_engine):
    """A user with two ad accounts (US active, EU) and today/yesterday metrics on both."""
    today = datetime.now(UTC).date()
    with unit_of_work() as session:
        user = make_user(session, display_name="Fox Mulder")
        us = make_ad_account(session, user, account_name="US store", currency="USD", is_active=True)
        eu = make_ad_account(session, user, account_name="EU store", currency="EUR")
        reports.save_metrics(session, user_id=user.id, rows=[
            metric(us.id, today, "c1", impressions=1000, clicks=50, spend="100.00", conversions=5, revenue="400.00"),
            metric(us.id, today - timedelta(days=1), "c1", impressions=800, clicks=20, spend="80.00", conversions=4,
                   revenue="160.00"),
            metric(us.id, today - timedelta(days=3), "c2", impressions=500, clicks=10, spend="25.50", conversions=1,
                   revenue="30.00"),
            metric(eu.id, today, "e1", impressions=2000, clicks=40, spend="60.00", conversions=2, revenue="90.00"),
        ])
    return user, us, eu


def expected(user_id: int, account_id: int | None, currency: str) -> list[Kpi]:
    with unit_of_work() as session:
        summary = reports.summary(session, user_id=user_id, ad_account_id=account_id)
    return kpis_of(summary, currency)


class TestFormatting:
    @pytest.mark.parametrize(("name", "value", "currency", "text"), [
        ("spend", Decimal("1234.5"), "USD", "$1,234.50"), ("cpa", Decimal("20"), "EUR", "€20.00"),
        ("cpa", Decimal("3"), "", "3.00"), ("roas", 2.5, "", "2.50×"), ("ctr", 0.01834, "", "1.83%"),
        ("conversions", 12345, "", "12,345"),
    ])
    def test_format_metric(self, name, value, currency, text):
        assert format_metric(name, value, currency) == text

    def test_format_change(self):
        assert format_change(None) == "—"
        assert format_change(0.25) == "+25.0%" and format_change(-1.0) == "-100.0%"


class TestLoad:
    def test_property_12_active_account_numbers_are_the_summary(self, advertiser):
        """Property 12: today's and yesterday's totals and their change are the service's summary."""
        user, us, _ = advertiser
        dashboard = signed_in(user.id)[DashboardState]
        run(dashboard.load())
        assert dashboard.kpis == expected(user.id, us.id, "USD")
        spend, roas, cpa, ctr, conversions = dashboard.kpis
        assert (spend.today, spend.yesterday, spend.change) == ("$100.00", "$80.00", "+25.0%")
        assert (roas.today, roas.yesterday, roas.tone) == ("4.00×", "2.00×", "grass")
        assert (cpa.today, cpa.yesterday, cpa.trend, cpa.tone) == ("$20.00", "$20.00", "flat", "gray")
        assert (ctr.today, conversions.today, conversions.change) == ("5.00%", "5", "+25.0%")
        assert dashboard.scope_name == "US store" and not dashboard.loading and dashboard.error == ""

    def test_trend_has_seven_zero_filled_days_and_campaign_rows(self, advertiser):
        user, _, _ = advertiser
        dashboard = signed_in(user.id)[DashboardState]
        run(dashboard.load())
        assert len(dashboard.trend) == 7 and dashboard.has_data
        assert [p["spend"] for p in dashboard.trend] == [0.0, 0.0, 0.0, 25.5, 0.0, 80.0, 100.0]
        assert [(r.name, r.spend, r.roas) for r in dashboard.campaigns] == [
            ("Campaign c1", "$180.00", "3.11×"), ("Campaign c2", "$25.50", "1.18×")]

    def test_all_accounts_sums_both_without_a_currency_sign(self, advertiser):
        user, _, _ = advertiser
        dashboard = signed_in(user.id)[DashboardState]
        dashboard.scope = SCOPE_ALL
        run(dashboard.load())
        assert dashboard.kpis == expected(user.id, None, "")
        assert dashboard.kpis[0].today == "160.00" and dashboard.scope_name == ""
        assert {r.name for r in dashboard.campaigns} == {"Campaign c1", "Campaign c2", "Campaign e1"}

    def test_reload_after_the_top_bar_switch_only_on_the_dashboard(self, advertiser):
        user, _, _ = advertiser
        assert signed_in(user.id, path="/")[DashboardState].reload_if_shown() == DashboardState.load
        assert signed_in(user.id, path="/billing/")[DashboardState].reload_if_shown() is None

    def test_nothing_today_flag(self, committed_engine):
        yesterday = datetime.now(UTC).date() - timedelta(days=1)
        with unit_of_work() as session:
            user = make_user(session)
            account = make_ad_account(session, user, is_active=True)
            reports.save_metrics(session, user_id=user.id, rows=[
                metric(account.id, yesterday, "c1", impressions=10, clicks=1, spend="1", conversions=0, revenue="0")])
        dashboard = signed_in(user.id)[DashboardState]
        run(dashboard.load())
        assert dashboard.nothing_today and dashboard.kpis[0].change == "-100.0%"

    def test_no_accounts_is_empty_not_an_error(self, committed_engine):
        with unit_of_work() as session:
            user = make_user(session)
        dashboard = signed_in(user.id)[DashboardState]
        run(dashboard.load())
        assert dashboard.error == "" and dashboard.campaigns == [] and not dashboard.has_data

    def test_signed_out_load_does_nothing(self, committed_engine):
        dashboard = states()[DashboardState]
        assert run(dashboard.load()) == [] and dashboard.kpis == []


class TestSuggestions:
    def test_lists_unread_suggestions_only_and_dismiss_marks_read(self, committed_engine):
        with unit_of_work() as session:
            user = make_user(session)
            idea = notifications.create_notification(
                session, user_id=user.id, type="general", category="suggestions", title="Move budget",
                message="Retargeting converts better.", action_url="/campaigns", action_text="Review")
            notifications.create_notification(session, user_id=user.id, type="general", category="system",
                                              title="Not a suggestion", message="x")
        tree = signed_in(user.id)
        dashboard = tree[DashboardState]
        run(dashboard.load())
        assert [(s.title, s.action_url, s.action_text) for s in dashboard.suggestions] == [
            ("Move budget", "/campaigns", "Review")]
        assert dashboard.unread_count == 2
        dashboard.dismiss_suggestion(idea.id)
        assert dashboard.suggestions == [] and dashboard.unread_count == 1
        with unit_of_work() as session:
            assert session.get(Notification, idea.id).is_read
        run(dashboard.load())
        assert dashboard.suggestions == []

    def test_dismissing_another_users_notification_is_refused(self, committed_engine):
        with unit_of_work() as session:
            user, other = make_user(session), make_user(session)
            theirs = notifications.create_notification(session, user_id=other.id, type="general",
                                                       category="suggestions", title="t", message="m")
        dashboard = signed_in(user.id)[DashboardState]
        assert dashboard.dismiss_suggestion(theirs.id) is not None
        with unit_of_work() as session:
            assert not session.get(Notification, theirs.id).is_read
            assert session.get(User, user.id) is not None
