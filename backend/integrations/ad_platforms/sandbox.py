"""The embedded ad platform: a deterministic simulator with no network.

- OAuth: the "consent screen" is skipped; `oauth_connect_url` points straight back to the
  redirect URI with a `sbx-code-...` code.
- Tokens: `sbx-at-<expiry unix seconds>-<random>` carry their own expiry, so any process can
  honour it; a call with an expired token raises PlatformAuthError. Refresh works unless the
  token string contains "revoked" (how tests simulate a grant the user withdrew).
- Two accounts; campaigns/ad sets/ads with daily metrics shaped by weekday and season, seeded
  by account, entity and date so the same question always gets the same answer.
- Campaigns created here live in a per-process dict. A campaign name containing
  "fail-transient" makes create/update raise PlatformTransientError (for retry tests).
"""

from __future__ import annotations

import math
import random
import secrets
import threading
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from urllib.parse import urlencode

from backend.integrations.ad_platforms.base import (
    AdPlatform,
    CampaignChanges,
    CampaignResult,
    CampaignSpec,
    CampaignState,
    MetricRow,
    MetricsLevel,
    PlatformAccount,
    PlatformAuthError,
    PlatformError,
    PlatformTransientError,
    TokenSet,
)

ACCESS_PREFIX = "sbx-at-"
REFRESH_PREFIX = "sbx-rt-"
CODE_PREFIX = "sbx-code-"
TRANSIENT_MARKER = "fail-transient"

ACCOUNTS = (
    PlatformAccount("sbx-1001", "Sandbox Store US", "USD", "America/New_York", "active"),
    PlatformAccount("sbx-1002", "Sandbox Store EU", "EUR", "Europe/Berlin", "active"),
)
_CAMPAIGN_NAMES = ("Always-on Prospecting", "Retargeting", "Seasonal Sale")
_ADSET_NAMES = ("Lookalike 1%", "Interests")
_AD_NAMES = ("Video 15s", "Carousel")
# Monday..Sunday: business days a little above average, weekends lower.
_WEEKDAY_FACTOR = (1.04, 1.06, 1.05, 1.02, 0.97, 0.90, 0.88)
_CENT = Decimal("0.01")

_campaigns: dict[str, dict] = {}
_campaigns_lock = threading.Lock()


class SandboxPlatform(AdPlatform):
    name = "sandbox"

    def __init__(self, *, clock: Callable[[], datetime] | None = None, token_ttl: timedelta = timedelta(days=7)):
        self._clock = clock or (lambda: datetime.now(UTC))
        self.token_ttl = token_ttl

    # --- OAuth and tokens ---------------------------------------------------------------

    def oauth_connect_url(self, state: str, redirect_uri: str) -> str:
        separator = "&" if "?" in redirect_uri else "?"
        return f"{redirect_uri}{separator}{urlencode({'code': CODE_PREFIX + secrets.token_hex(8), 'state': state})}"

    def exchange_code(self, code: str, redirect_uri: str) -> TokenSet:
        if not code.startswith(CODE_PREFIX) or "revoked" in code:
            raise PlatformAuthError("The sandbox authorization code is invalid")
        return self._issue()

    def refresh_token(self, tokens: TokenSet) -> TokenSet:
        refresh = tokens.refresh_token or ""
        if "revoked" in refresh or "revoked" in tokens.access_token or not refresh.startswith(REFRESH_PREFIX):
            raise PlatformAuthError("The sandbox grant was revoked; reconnect the account")
        return self._issue()

    def _issue(self) -> TokenSet:
        expires_at = (self._clock() + self.token_ttl).replace(microsecond=0)
        access = f"{ACCESS_PREFIX}{int(expires_at.timestamp())}-{secrets.token_hex(12)}"
        return TokenSet(access_token=access, refresh_token=REFRESH_PREFIX + secrets.token_hex(16), expires_at=expires_at)

    def _check_token(self, access_token: str) -> None:
        expiry, _, rest = access_token.removeprefix(ACCESS_PREFIX).partition("-")
        if not access_token.startswith(ACCESS_PREFIX) or not expiry.isdigit() or not rest or "revoked" in rest:
            raise PlatformAuthError("The sandbox access token is invalid")
        if int(expiry) <= self._clock().timestamp():
            raise PlatformAuthError("The sandbox access token has expired", details={"expired_at": int(expiry)})

    # --- accounts and metrics -----------------------------------------------------------

    def list_accounts(self, access_token: str) -> list[PlatformAccount]:
        self._check_token(access_token)
        return list(ACCOUNTS)

    def fetch_metrics(self, access_token, account_id, since, until, level=MetricsLevel.CAMPAIGN):
        self._check_token(access_token)
        account = _account(account_id)
        level = MetricsLevel(level)
        if since > until:
            raise PlatformError("`since` is after `until`", details={"since": str(since), "until": str(until)})
        last = min(until, self._clock().date())
        rows: list[MetricRow] = []
        for entity_id, entity_name, started in _entities(account, level):
            day = max(since, started)
            while day <= last:
                rows.append(_simulate_day(account.id, level, entity_id, entity_name, day))
                day += timedelta(days=1)
        rows.sort(key=lambda r: (r.date, r.entity_id))
        return rows

    # --- campaigns ----------------------------------------------------------------------

    def create_campaign(self, access_token, account_id, spec: CampaignSpec) -> CampaignResult:
        self._check_token(access_token)
        _account(account_id)
        if TRANSIENT_MARKER in spec.name:
            raise PlatformTransientError("Simulated sandbox outage")
        campaign_id = f"sbx-cmp-{secrets.token_hex(6)}"
        with _campaigns_lock:
            _campaigns[campaign_id] = {
                "account_id": account_id, "name": spec.name, "objective": spec.objective,
                "budget": spec.budget, "budget_type": spec.budget_type, "status": CampaignState(spec.status),
                "created": self._clock().date(),
            }
        return CampaignResult(campaign_id, CampaignState(spec.status))

    def update_campaign(self, access_token, campaign_id, changes: CampaignChanges) -> CampaignResult:
        self._check_token(access_token)
        with _campaigns_lock:
            campaign = _campaigns.get(campaign_id)
            if campaign is None:
                raise PlatformError("Unknown sandbox campaign", details={"campaign_id": campaign_id})
            if TRANSIENT_MARKER in (changes.name or campaign["name"]):
                raise PlatformTransientError("Simulated sandbox outage")
            if changes.name is not None:
                campaign["name"] = changes.name
            if changes.budget is not None:
                campaign["budget"], campaign["budget_type"] = changes.budget, changes.budget_type
            if changes.status is not None:
                campaign["status"] = CampaignState(changes.status)
            return CampaignResult(campaign_id, campaign["status"])

    def get_campaign(self, campaign_id: str) -> dict | None:
        """A copy of what the sandbox holds for this campaign (for tests and the demo UI)."""
        with _campaigns_lock:
            campaign = _campaigns.get(campaign_id)
            return dict(campaign) if campaign else None


def _account(account_id: str) -> PlatformAccount:
    for account in ACCOUNTS:
        if account.id == account_id:
            return account
    raise PlatformError("Unknown sandbox ad account", details={"account_id": account_id})


def _entities(account: PlatformAccount, level: MetricsLevel) -> list[tuple[str, str, date]]:
    """(id, name, first day with delivery) for every entity of this level in the account."""
    always = date.min
    if level is MetricsLevel.ACCOUNT:
        return [(account.id, account.name, always)]
    result: list[tuple[str, str, date]] = []
    for c, campaign_name in enumerate(_CAMPAIGN_NAMES, start=1):
        campaign_id = f"{account.id}-c{c}"
        if level is MetricsLevel.CAMPAIGN:
            result.append((campaign_id, campaign_name, always))
            continue
        for s, adset_name in enumerate(_ADSET_NAMES, start=1):
            adset_id, adset_full = f"{campaign_id}-s{s}", f"{campaign_name} / {adset_name}"
            if level is MetricsLevel.ADSET:
                result.append((adset_id, adset_full, always))
                continue
            result.extend((f"{adset_id}-a{a}", f"{adset_full} / {ad}", always) for a, ad in enumerate(_AD_NAMES, 1))
    if level is MetricsLevel.CAMPAIGN:
        with _campaigns_lock:
            result.extend(
                (cid, c["name"], c["created"])
                for cid, c in _campaigns.items()
                if c["account_id"] == account.id and c["status"] is CampaignState.ACTIVE
            )
    return result


def _simulate_day(account_id: str, level: MetricsLevel, entity_id: str, name: str, day: date) -> MetricRow:
    # String seeds are hashed with SHA-512 by `random`, so they are stable across processes.
    profile = random.Random(f"profile:{account_id}:{entity_id}")
    scale = {MetricsLevel.ACCOUNT: 6.0, MetricsLevel.CAMPAIGN: 1.0, MetricsLevel.ADSET: 0.5, MetricsLevel.AD: 0.25}
    base_impressions = profile.uniform(4_000, 30_000) * scale[level]
    ctr, cpc = profile.uniform(0.008, 0.028), profile.uniform(0.35, 1.60)
    conversion_rate, order_value = profile.uniform(0.01, 0.06), profile.uniform(25, 140)

    noise = random.Random(f"day:{account_id}:{entity_id}:{day.isoformat()}")
    season = 1 + 0.15 * math.sin(2 * math.pi * (day.timetuple().tm_yday - 80) / 365.25)
    impressions = int(base_impressions * _WEEKDAY_FACTOR[day.weekday()] * season * noise.uniform(0.85, 1.15))
    clicks = round(impressions * ctr * noise.uniform(0.8, 1.2))
    spend = Decimal(str(round(clicks * cpc * noise.uniform(0.9, 1.1), 2))).quantize(_CENT)
    conversions = round(clicks * conversion_rate * noise.uniform(0.6, 1.4))
    revenue = Decimal(str(round(conversions * order_value * noise.uniform(0.8, 1.2), 2))).quantize(_CENT)
    return MetricRow(day, level.value, entity_id, name, impressions, clicks, spend, conversions, revenue)
