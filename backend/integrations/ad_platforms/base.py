"""The one interface every ad platform adapter implements, its value types and its errors.

Adapters are synchronous (jobs and FastAPI's threadpool call them) and make one attempt per
call: retrying a `PlatformTransientError` is the job layer's decision (dramatiq retries with
backoff), so no adapter hides retries of its own.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any, ClassVar

from backend.errors import AdAccountTokenExpired, AppError, ValidationFailed


class MetricsLevel(StrEnum):
    ACCOUNT = "account"
    CAMPAIGN = "campaign"
    ADSET = "adset"
    AD = "ad"


class CampaignState(StrEnum):
    """A campaign's delivery state on the platform (same values as CampaignStatus)."""

    ACTIVE = "active"
    PAUSED = "paused"
    DELETED = "deleted"


@dataclass(frozen=True)
class TokenSet:
    access_token: str
    refresh_token: str | None = None
    expires_at: datetime | None = None  # None: the platform did not say (or it never expires)

    def expires_within(self, seconds: float, *, now: datetime | None = None) -> bool:
        if self.expires_at is None:
            return False
        return (self.expires_at - (now or datetime.now(UTC))).total_seconds() <= seconds


@dataclass(frozen=True)
class PlatformAccount:
    id: str
    name: str
    currency: str
    timezone: str
    status: str  # "active", "disabled", "closed", ... (platform status, lower case)


@dataclass(frozen=True)
class MetricRow:
    date: date
    entity_type: str  # a MetricsLevel value
    entity_id: str
    entity_name: str
    impressions: int
    clicks: int
    spend: Decimal  # major units of the account currency
    conversions: int
    revenue: Decimal


@dataclass(frozen=True)
class CampaignSpec:
    name: str
    objective: str  # ours ("sales", "traffic", ...) or the platform's own value
    budget: Decimal | None = None  # major units of `currency`
    budget_type: str = "daily"  # "daily" | "lifetime"
    currency: str = "USD"
    status: CampaignState = CampaignState.PAUSED


@dataclass(frozen=True)
class CampaignChanges:
    """Only the fields that are not None are sent."""

    name: str | None = None
    budget: Decimal | None = None
    budget_type: str = "daily"
    currency: str = "USD"
    status: CampaignState | None = None


@dataclass(frozen=True)
class CampaignResult:
    platform_campaign_id: str
    status: CampaignState


class PlatformError(AppError):
    """The platform refused or failed a request and retrying will not help."""

    code, type, http_status = "6020", "AD_PLATFORM_ERROR", 502
    default_message = "The ad platform rejected the request"


class PlatformTransientError(PlatformError):
    """Worth retrying later: 5xx, timeouts, rate limits. `retry_after` in seconds when known."""

    code, type, http_status = "6021", "AD_PLATFORM_UNAVAILABLE", 503
    default_message = "The ad platform is temporarily unavailable"

    def __init__(
        self, message: str | None = None, *, details: dict[str, Any] | None = None, retry_after: float | None = None
    ):
        super().__init__(message, details=details)
        self.retry_after = retry_after


class PlatformAuthError(AdAccountTokenExpired, PlatformError):
    """The token is invalid, expired or revoked: the user must reconnect (code 6001)."""


class PlatformNotAvailable(ValidationFailed):
    default_message = "This ad platform is not available"


class AdPlatform(ABC):
    name: ClassVar[str]

    @abstractmethod
    def oauth_connect_url(self, state: str, redirect_uri: str) -> str:
        """Where to send the browser to grant access; it comes back with `code` and `state`."""

    @abstractmethod
    def exchange_code(self, code: str, redirect_uri: str) -> TokenSet: ...

    @abstractmethod
    def refresh_token(self, tokens: TokenSet) -> TokenSet:
        """A fresh token set; PlatformAuthError when the grant is gone (reconnect needed)."""

    @abstractmethod
    def list_accounts(self, access_token: str) -> list[PlatformAccount]: ...

    @abstractmethod
    def fetch_metrics(
        self, access_token: str, account_id: str, since: date, until: date,
        level: MetricsLevel | str = MetricsLevel.CAMPAIGN,
    ) -> list[MetricRow]:
        """One row per entity and day for `since`..`until` inclusive."""

    @abstractmethod
    def create_campaign(self, access_token: str, account_id: str, spec: CampaignSpec) -> CampaignResult: ...

    @abstractmethod
    def update_campaign(self, access_token: str, campaign_id: str, changes: CampaignChanges) -> CampaignResult: ...

    def pause_campaign(self, access_token: str, campaign_id: str) -> CampaignResult:
        return self.update_campaign(access_token, campaign_id, CampaignChanges(status=CampaignState.PAUSED))

    def resume_campaign(self, access_token: str, campaign_id: str) -> CampaignResult:
        return self.update_campaign(access_token, campaign_id, CampaignChanges(status=CampaignState.ACTIVE))
