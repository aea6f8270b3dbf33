"""The sandbox platform: tokens that expire, deterministic metrics with daily shapes, campaigns."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from statistics import mean
from urllib.parse import parse_qs, urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backend.integrations.ad_platforms import (
    CampaignChanges,
    CampaignSpec,
    CampaignState,
    MetricsLevel,
    PlatformAuthError,
    PlatformError,
    PlatformTransientError,
    TokenSet,
)
from backend.integrations.ad_platforms.sandbox import ACCOUNTS, SandboxPlatform

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


class Clock:
    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture()
def clock() -> Clock:
    return Clock(NOW)


@pytest.fixture()
def sandbox(clock) -> SandboxPlatform:
    return SandboxPlatform(clock=clock, token_ttl=timedelta(hours=2))


@pytest.fixture()
def tokens(sandbox) -> TokenSet:
    return sandbox.exchange_code("sbx-code-test", "http://127.0.0.1:3000/oauth/sandbox/callback")


class TestOAuth:
    def test_connect_url_returns_straight_to_the_app_with_code_and_state(self, sandbox):
        url = sandbox.oauth_connect_url("state-123", "http://127.0.0.1:3000/oauth/sandbox/callback")
        parts = urlsplit(url)
        assert f"{parts.scheme}://{parts.netloc}{parts.path}" == "http://127.0.0.1:3000/oauth/sandbox/callback"
        query = parse_qs(parts.query)
        assert query["state"] == ["state-123"] and query["code"][0].startswith("sbx-code-")
        assert sandbox.exchange_code(query["code"][0], "http://127.0.0.1:3000/oauth/sandbox/callback").access_token

    def test_exchange_gives_expiring_tokens(self, tokens):
        assert tokens.access_token.startswith("sbx-at-") and tokens.refresh_token.startswith("sbx-rt-")
        assert tokens.expires_at == NOW + timedelta(hours=2)
        assert tokens.expires_within(24 * 3600, now=NOW) and not tokens.expires_within(3600, now=NOW)

    def test_bad_code_is_refused(self, sandbox):
        with pytest.raises(PlatformAuthError) as caught:
            sandbox.exchange_code("stolen", "http://x")
        assert caught.value.code == "6001"


class TestTokens:
    def test_token_works_until_it_expires(self, sandbox, tokens, clock):
        clock.now = NOW + timedelta(hours=1, minutes=59)
        assert len(sandbox.list_accounts(tokens.access_token)) == 2
        clock.now = NOW + timedelta(hours=2)
        with pytest.raises(PlatformAuthError) as caught:
            sandbox.list_accounts(tokens.access_token)
        assert caught.value.code == "6001" and caught.value.http_status == 400

    def test_refresh_gives_a_new_later_token(self, sandbox, tokens, clock):
        clock.now = NOW + timedelta(hours=3)  # even after the access token expired
        fresh = sandbox.refresh_token(tokens)
        assert fresh.access_token != tokens.access_token and fresh.expires_at == clock.now + timedelta(hours=2)
        assert sandbox.list_accounts(fresh.access_token)

    def test_refresh_fails_when_revoked(self, sandbox, tokens):
        with pytest.raises(PlatformAuthError):
            sandbox.refresh_token(TokenSet(tokens.access_token, "sbx-rt-revoked-by-user", tokens.expires_at))
        with pytest.raises(PlatformAuthError):
            sandbox.refresh_token(TokenSet("sbx-at-9999999999-revoked", tokens.refresh_token, tokens.expires_at))
        with pytest.raises(PlatformAuthError):
            sandbox.refresh_token(TokenSet(tokens.access_token, None, tokens.expires_at))

    @pytest.mark.parametrize("token", ["", "sbx-at-", "sbx-at-abc-def", "sbx-at-9999999999", "EAAB-x",
                                       "sbx-at-9999999999-revoked"])
    def test_malformed_tokens_are_refused(self, sandbox, token):
        with pytest.raises(PlatformAuthError):
            sandbox.list_accounts(token)

    def test_token_expiry_survives_a_new_process(self, tokens, clock):
        """The expiry lives in the token itself: another instance (another worker) honours it."""
        other = SandboxPlatform(clock=clock)
        assert other.list_accounts(tokens.access_token)
        clock.now = NOW + timedelta(days=1)
        with pytest.raises(PlatformAuthError):
            other.list_accounts(tokens.access_token)


class TestAccounts:
    def test_two_accounts(self, sandbox, tokens):
        accounts = sandbox.list_accounts(tokens.access_token)
        assert [(a.id, a.currency, a.status) for a in accounts] == [
            ("sbx-1001", "USD", "active"), ("sbx-1002", "EUR", "active")]


class TestMetrics:
    def test_one_row_per_entity_and_day(self, sandbox, tokens):
        rows = sandbox.fetch_metrics(tokens.access_token, "sbx-1001", date(2026, 11, 1), date(2026, 11, 7))
        assert len(rows) == 3 * 7
        assert {r.entity_type for r in rows} == {"campaign"}
        assert {r.date for r in rows} == {date(2026, 11, 1) + timedelta(days=i) for i in range(7)}
        for row in rows:
            assert row.impressions > 0 and 0 <= row.clicks <= row.impressions
            assert row.conversions <= row.clicks
            assert row.spend == row.spend.quantize(Decimal("0.01")) and row.spend >= 0
            assert isinstance(row.revenue, Decimal)

    @pytest.mark.parametrize(("level", "entities"), [("account", 1), ("campaign", 3), ("adset", 6), ("ad", 12)])
    def test_levels(self, sandbox, tokens, level, entities):
        rows = sandbox.fetch_metrics(tokens.access_token, "sbx-1002", date(2026, 11, 2), date(2026, 11, 2), level)
        assert len(rows) == entities and {r.entity_type for r in rows} == {level}
        assert len({r.entity_id for r in rows}) == entities

    def test_no_rows_for_the_future(self, sandbox, tokens):
        rows = sandbox.fetch_metrics(tokens.access_token, "sbx-1001", date(2026, 11, 25), date(2026, 12, 5))
        assert {r.date for r in rows} == {date(2026, 11, 25), date(2026, 11, 26)}

    def test_weekends_are_quieter_than_weekdays(self, sandbox, clock):
        clock.now = datetime(2027, 1, 1, tzinfo=UTC)
        token = sandbox.exchange_code("sbx-code-x", "http://x").access_token
        rows = sandbox.fetch_metrics(token, "sbx-1001", date(2026, 1, 1), date(2026, 12, 31), MetricsLevel.ACCOUNT)
        weekday = mean(r.impressions for r in rows if r.date.weekday() < 5)
        weekend = mean(r.impressions for r in rows if r.date.weekday() >= 5)
        assert weekend < weekday * 0.95

    @given(day=st.dates(min_value=date(2024, 1, 1), max_value=date(2026, 11, 20)),
           account=st.sampled_from([a.id for a in ACCOUNTS]),
           level=st.sampled_from(list(MetricsLevel)))
    def test_deterministic_across_instances(self, tokens, clock, day, account, level):
        first = SandboxPlatform(clock=clock).fetch_metrics(tokens.access_token, account, day, day, level)
        second = SandboxPlatform(clock=clock).fetch_metrics(tokens.access_token, account, day, day, level)
        assert first == second and first

    def test_unknown_account_and_bad_range(self, sandbox, tokens):
        with pytest.raises(PlatformError):
            sandbox.fetch_metrics(tokens.access_token, "act_1", date(2026, 11, 1), date(2026, 11, 2))
        with pytest.raises(PlatformError):
            sandbox.fetch_metrics(tokens.access_token, "sbx-1001", date(2026, 11, 3), date(2026, 11, 2))


class TestCampaigns:
    def test_create_pause_resume_update(self, sandbox, tokens):
        created = sandbox.create_campaign(tokens.access_token, "sbx-1001", CampaignSpec(
            name="Winter Sale", objective="sales", budget=Decimal("50.00"), status=CampaignState.ACTIVE))
        assert created.platform_campaign_id.startswith("sbx-cmp-") and created.status is CampaignState.ACTIVE
        campaign_id = created.platform_campaign_id
        assert sandbox.pause_campaign(tokens.access_token, campaign_id).status is CampaignState.PAUSED
        assert sandbox.resume_campaign(tokens.access_token, campaign_id).status is CampaignState.ACTIVE
        updated = sandbox.update_campaign(tokens.access_token, campaign_id,
                                          CampaignChanges(name="Winter Sale 2", budget=Decimal("80")))
        assert updated.status is CampaignState.ACTIVE
        held = sandbox.get_campaign(campaign_id)
        assert (held["name"], held["budget"], held["status"]) == ("Winter Sale 2", Decimal("80"), CampaignState.ACTIVE)

    def test_active_created_campaigns_get_metrics_from_creation(self, sandbox, tokens):
        created = sandbox.create_campaign(tokens.access_token, "sbx-1002", CampaignSpec(
            name="New one", objective="traffic", status=CampaignState.ACTIVE))
        rows = sandbox.fetch_metrics(tokens.access_token, "sbx-1002", date(2026, 11, 20), date(2026, 11, 26))
        mine = [r for r in rows if r.entity_id == created.platform_campaign_id]
        assert [r.date for r in mine] == [date(2026, 11, 26)]
        sandbox.pause_campaign(tokens.access_token, created.platform_campaign_id)
        rows = sandbox.fetch_metrics(tokens.access_token, "sbx-1002", date(2026, 11, 26), date(2026, 11, 26))
        assert created.platform_campaign_id not in {r.entity_id for r in rows}

    def test_unknown_campaign(self, sandbox, tokens):
        with pytest.raises(PlatformError):
            sandbox.pause_campaign(tokens.access_token, "sbx-cmp-missing")

    def test_simulated_outage_is_transient(self, sandbox, tokens):
        with pytest.raises(PlatformTransientError) as caught:
            sandbox.create_campaign(tokens.access_token, "sbx-1001",
                                    CampaignSpec(name="x fail-transient", objective="sales"))
        assert caught.value.code == "6021"

    def test_expired_token_blocks_campaign_changes(self, sandbox, tokens, clock):
        created = sandbox.create_campaign(tokens.access_token, "sbx-1001", CampaignSpec(name="a", objective="sales"))
        clock.now = NOW + timedelta(days=1)
        with pytest.raises(PlatformAuthError):
            sandbox.resume_campaign(tokens.access_token, created.platform_campaign_id)
