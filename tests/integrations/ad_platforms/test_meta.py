"""The Meta adapter over real HTTP against the local fake Graph API (tests/integrations/fake_graph.py)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest

from backend.errors import ValidationFailed
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
from backend.integrations.ad_platforms.meta import MetaPlatform, meta_objective, to_minor_units
from tests.integrations import fake_graph as graph
from tests.integrations.conftest import free_port

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


@pytest.fixture()
def meta(fake_graph) -> MetaPlatform:
    return MetaPlatform(app_id=graph.APP_ID, app_secret=graph.APP_SECRET, graph_url=f"{fake_graph.url}/v27.0",
                        clock=lambda: NOW)


def sent(fake, method: str, path_end: str) -> list[dict[str, str]]:
    return [params for m, path, params in fake.requests if m == method and path.endswith(path_end)]


class TestOAuth:
    def test_connect_url_is_the_v27_login_dialog(self, meta):
        url = meta.oauth_connect_url("csrf-1", graph.REDIRECT_URI)
        parts = urlsplit(url)
        assert f"{parts.scheme}://{parts.netloc}{parts.path}" == "https://www.facebook.com/v27.0/dialog/oauth"
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        assert query == {"client_id": graph.APP_ID, "redirect_uri": graph.REDIRECT_URI, "state": "csrf-1",
                         "response_type": "code", "scope": "ads_read,ads_management,business_management"}

    def test_code_exchange_then_long_lived_token(self, meta, fake_graph):
        tokens = meta.exchange_code("good-code", graph.REDIRECT_URI)
        assert tokens.access_token.startswith("EAAB-long-") and tokens.refresh_token is None
        assert tokens.expires_at == NOW + timedelta(seconds=5183944)
        first, second = sent(fake_graph, "GET", "/oauth/access_token")
        assert first["code"] == "good-code" and first["redirect_uri"] == graph.REDIRECT_URI
        assert second["grant_type"] == "fb_exchange_token" and second["fb_exchange_token"].startswith("EAAB-short-")
        assert meta.list_accounts(tokens.access_token)

    def test_bad_code_is_a_platform_error(self, meta):
        with pytest.raises(PlatformError) as caught:
            meta.exchange_code("bad-code", graph.REDIRECT_URI)
        assert not isinstance(caught.value, (PlatformAuthError, PlatformTransientError))
        assert caught.value.details["code"] == 100

    def test_refresh_reexchanges_the_long_lived_token(self, meta):
        fresh = meta.refresh_token(TokenSet("EAAB-valid", None, NOW + timedelta(hours=5)))
        assert fresh.access_token.startswith("EAAB-long-") and fresh.expires_at > NOW + timedelta(days=59)

    def test_refresh_of_an_expired_token_is_an_auth_error(self, meta):
        with pytest.raises(PlatformAuthError) as caught:
            meta.refresh_token(TokenSet("EAAB-expired", None, NOW - timedelta(hours=1)))
        assert caught.value.code == "6001" and caught.value.details["code"] == 190


class TestAccounts:
    def test_all_pages_are_read(self, meta, fake_graph):
        accounts = meta.list_accounts("EAAB-valid")
        assert [(a.id, a.name, a.currency, a.timezone, a.status) for a in accounts] == [
            ("111", "Acme US", "USD", "America/Los_Angeles", "active"),
            ("222", "Acme JP", "JPY", "Asia/Tokyo", "disabled"),
            ("333", "Acme Old", "EUR", "Europe/Paris", "closed"),
        ]
        first, second = sent(fake_graph, "GET", "/me/adaccounts")
        assert first["fields"] == "id,account_id,name,currency,timezone_name,account_status"
        assert "after" not in first and second["after"] == "2"

    def test_every_call_carries_the_token_and_appsecret_proof(self, meta, fake_graph):
        meta.list_accounts("EAAB-valid")
        for _, _, params in fake_graph.requests:
            assert params["access_token"] == "EAAB-valid" and len(params["appsecret_proof"]) == 64

    def test_expired_token_maps_to_6001(self, meta):
        with pytest.raises(PlatformAuthError) as caught:
            meta.list_accounts("EAAB-expired")
        assert caught.value.code == "6001"
        assert caught.value.details["subcode"] == 463 and caught.value.details["fbtrace_id"] == "AbCdEf123"

    def test_wrong_app_secret_is_refused_by_the_graph(self, fake_graph):
        other = MetaPlatform(app_id=graph.APP_ID, app_secret="not-the-secret", graph_url=f"{fake_graph.url}/v27.0")
        with pytest.raises(PlatformError) as caught:
            other.list_accounts("EAAB-valid")
        assert caught.value.details["code"] == 100


class TestInsights:
    def test_daily_rows_over_pages_with_real_shapes(self, meta, fake_graph):
        rows = meta.fetch_metrics("EAAB-valid", "111", date(2026, 11, 1), date(2026, 11, 3))
        assert len(rows) == 6  # 2 campaigns x 3 days over two pages of 3
        first = rows[0]
        assert (first.date, first.entity_type, first.entity_id, first.entity_name) == (
            date(2026, 11, 1), "campaign", "120210000000000001", "BF Sale")
        assert (first.impressions, first.clicks, first.spend) == (18235, 412, Decimal("153.27"))
        # omni_purchase and the pixel purchase report the same 7 purchases: counted once.
        assert (first.conversions, first.revenue) == (7, Decimal("612.40"))
        no_conversions = rows[1]
        assert (no_conversions.entity_id, no_conversions.conversions, no_conversions.revenue) == (
            "120210000000000002", 0, Decimal("0"))

        params = sent(fake_graph, "GET", "/act_111/insights")
        assert len(params) == 2
        assert params[0]["level"] == "campaign" and params[0]["time_increment"] == "1"
        assert json.loads(params[0]["time_range"]) == {"since": "2026-11-01", "until": "2026-11-03"}
        assert params[0]["fields"].split(",")[:2] == ["campaign_id", "campaign_name"]
        assert {"impressions", "clicks", "spend", "actions", "action_values"} <= set(params[0]["fields"].split(","))

    @pytest.mark.parametrize("level", ["adset", "ad", "account"])
    def test_levels_ask_for_their_own_ids(self, meta, fake_graph, level):
        rows = meta.fetch_metrics("EAAB-valid", "act_111", date(2026, 11, 1), date(2026, 11, 1), MetricsLevel(level))
        assert {r.entity_type for r in rows} == {level} and all(r.entity_id for r in rows)
        assert sent(fake_graph, "GET", "/act_111/insights")[0]["fields"].startswith(f"{level}_id,{level}_name")

    def test_rate_limit_613_is_transient_with_retry_after(self, meta):
        with pytest.raises(PlatformTransientError) as caught:
            meta.fetch_metrics("EAAB-valid", "613", date(2026, 11, 1), date(2026, 11, 1))
        error = caught.value
        assert error.details["code"] == 613 and error.details["subcode"] == 1487742
        assert error.retry_after == 300 and error.code == "6021"

    def test_server_error_object_is_transient(self, meta):
        with pytest.raises(PlatformTransientError) as caught:
            meta.fetch_metrics("EAAB-valid", "500", date(2026, 11, 1), date(2026, 11, 1))
        assert caught.value.details["http_status"] == 500

    def test_non_json_5xx_is_transient(self, meta):
        with pytest.raises(PlatformTransientError):
            meta.fetch_metrics("EAAB-valid", "act_down", date(2026, 11, 1), date(2026, 11, 1))

    def test_unreachable_graph_is_transient(self):
        down = MetaPlatform(app_id="1", app_secret="s", graph_url=f"http://127.0.0.1:{free_port()}/v27.0")
        with pytest.raises(PlatformTransientError):
            down.list_accounts("EAAB-valid")

    def test_paging_never_follows_another_host(self, meta, fake_graph):
        with pytest.raises(PlatformError) as caught:
            meta.fetch_metrics("EAAB-valid", "evil", date(2026, 11, 1), date(2026, 11, 1))
        assert "evil.example" in caught.value.details["next"]
        assert len(fake_graph.requests) == 1


class TestCampaigns:
    def test_create_sends_the_documented_form(self, meta, fake_graph):
        result = meta.create_campaign("EAAB-valid", "111", CampaignSpec(
            name="BF Sale", objective="sales", budget=Decimal("50.00"), currency="USD"))
        assert result.status is CampaignState.PAUSED and result.platform_campaign_id.isdigit()
        [form] = sent(fake_graph, "POST", "/act_111/campaigns")
        assert {k: form[k] for k in ("name", "objective", "status", "special_ad_categories", "daily_budget")} == {
            "name": "BF Sale", "objective": "OUTCOME_SALES", "status": "PAUSED",
            "special_ad_categories": "[]", "daily_budget": "5000"}

    def test_zero_decimal_currency_and_lifetime_budget(self, meta, fake_graph):
        meta.create_campaign("EAAB-valid", "act_222", CampaignSpec(
            name="JP", objective="OUTCOME_TRAFFIC", budget=Decimal("5000"), budget_type="lifetime",
            currency="JPY", status=CampaignState.ACTIVE))
        [form] = sent(fake_graph, "POST", "/act_222/campaigns")
        assert form["lifetime_budget"] == "5000" and form["status"] == "ACTIVE" and "daily_budget" not in form

    def test_pause_resume_update(self, meta, fake_graph):
        campaign_id = meta.create_campaign("EAAB-valid", "111", CampaignSpec(name="A", objective="traffic"))
        campaign_id = campaign_id.platform_campaign_id
        assert meta.resume_campaign("EAAB-valid", campaign_id).status is CampaignState.ACTIVE
        assert fake_graph.campaigns[campaign_id]["status"] == "ACTIVE"
        assert meta.pause_campaign("EAAB-valid", campaign_id).status is CampaignState.PAUSED
        result = meta.update_campaign("EAAB-valid", campaign_id,
                                      CampaignChanges(name="A2", budget=Decimal("12.345"), currency="EUR"))
        assert result.status is CampaignState.PAUSED  # read back from the Graph
        assert (fake_graph.campaigns[campaign_id]["name"], fake_graph.campaigns[campaign_id]["daily_budget"]) == (
            "A2", "1235")

    def test_unknown_campaign_is_a_platform_error(self, meta):
        with pytest.raises(PlatformError) as caught:
            meta.pause_campaign("EAAB-valid", "999")
        assert caught.value.details["subcode"] == 33

    def test_expired_token_on_write(self, meta):
        with pytest.raises(PlatformAuthError):
            meta.create_campaign("EAAB-expired", "111", CampaignSpec(name="A", objective="sales"))


class TestHelpers:
    @pytest.mark.parametrize(("amount", "currency", "minor"), [
        ("50.00", "USD", 5000), ("0.01", "eur", 1), ("19.995", "GBP", 2000), ("5000", "JPY", 5000),
        ("1500.6", "KRW", 1501),
    ])
    def test_minor_units(self, amount, currency, minor):
        assert to_minor_units(Decimal(amount), currency) == minor

    def test_objectives(self):
        assert meta_objective("sales") == "OUTCOME_SALES" and meta_objective("outcome_leads") == "OUTCOME_LEADS"
        with pytest.raises(ValidationFailed):
            meta_objective("world_domination")
