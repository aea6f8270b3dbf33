"""Meta Marketing API (Graph API v27.0) over httpx.

Shapes follow ../shared/docs/EXTERNAL_APIS.md section 1: GET takes query params, POST takes form
fields, list/object params are JSON strings, lists page through `paging.next`, failures come as
`{"error": {"code", "error_subcode", ...}}`. Meta has no refresh tokens: a long-lived user token
(~60 days) is renewed by exchanging it again (`fb_exchange_token`) before it expires.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import httpx

from backend.config import Settings
from backend.errors import ValidationFailed
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

logger = logging.getLogger(__name__)

DEFAULT_GRAPH_URL = "https://graph.facebook.com/v27.0"
SCOPES = ("ads_read", "ads_management", "business_management")
AUTH_CODES = frozenset({102, 190})
TRANSIENT_CODES = frozenset({1, 2, 4, 17, 32, 341, 613})
# Currencies whose minimum denomination is the unit itself (offset 1, not 100).
ZERO_DECIMAL_CURRENCIES = frozenset({"JPY", "KRW", "CLP", "COP", "CRC", "HUF", "ISK", "IDR", "PYG", "TWD", "VND"})
# Purchases are reported under several overlapping action types; take the first one present.
PURCHASE_ACTIONS = ("omni_purchase", "purchase", "offsite_conversion.fb_pixel_purchase")
ACCOUNT_STATUS = {1: "active", 2: "disabled", 3: "unsettled", 7: "pending_risk_review", 8: "pending_settlement",
                  9: "in_grace_period", 100: "pending_closure", 101: "closed"}
OBJECTIVES = {"sales": "OUTCOME_SALES", "conversions": "OUTCOME_SALES", "traffic": "OUTCOME_TRAFFIC",
              "awareness": "OUTCOME_AWARENESS", "reach": "OUTCOME_AWARENESS", "leads": "OUTCOME_LEADS",
              "engagement": "OUTCOME_ENGAGEMENT", "app_promotion": "OUTCOME_APP_PROMOTION",
              "app_installs": "OUTCOME_APP_PROMOTION"}
_STATE_TO_META = {CampaignState.ACTIVE: "ACTIVE", CampaignState.PAUSED: "PAUSED", CampaignState.DELETED: "DELETED"}
_META_TO_STATE = {"ACTIVE": CampaignState.ACTIVE, "PAUSED": CampaignState.PAUSED,
                  "DELETED": CampaignState.DELETED, "ARCHIVED": CampaignState.DELETED}
_ENTITY_FIELDS = {MetricsLevel.ACCOUNT: ("account_id", "account_name"),
                  MetricsLevel.CAMPAIGN: ("campaign_id", "campaign_name"),
                  MetricsLevel.ADSET: ("adset_id", "adset_name"), MetricsLevel.AD: ("ad_id", "ad_name")}
_METRIC_FIELDS = ("impressions", "clicks", "spend", "actions", "action_values")


def to_minor_units(amount: Decimal, currency: str) -> int:
    """Budgets go to Meta in the currency's minimum denomination: $50.00 -> 5000, ¥5000 -> 5000."""
    offset = 1 if currency.upper() in ZERO_DECIMAL_CURRENCIES else 100
    return int((Decimal(amount) * offset).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def meta_objective(objective: str) -> str:
    if objective.upper().startswith("OUTCOME_"):
        return objective.upper()
    try:
        return OBJECTIVES[objective.lower()]
    except KeyError:
        raise ValidationFailed("Unknown campaign objective for Meta", details={"objective": objective}) from None


def act_path(account_id: str) -> str:
    return account_id if account_id.startswith("act_") else f"act_{account_id}"


class MetaPlatform(AdPlatform):
    name = "meta"

    def __init__(
        self, *, app_id: str, app_secret: str, graph_url: str = DEFAULT_GRAPH_URL,
        dialog_url: str | None = None, client: httpx.Client | None = None,
        clock: Callable[[], datetime] | None = None, timeout: float = 30.0,
    ):
        self.app_id, self.app_secret = app_id, app_secret
        self.graph_url = graph_url.rstrip("/")
        version = self.graph_url.rsplit("/", 1)[-1]
        self.dialog_url = dialog_url or f"https://www.facebook.com/{version}/dialog/oauth"
        self._client = client or httpx.Client(timeout=timeout)
        self._clock = clock or (lambda: datetime.now(UTC))
        graph = urlsplit(self.graph_url)
        self._graph_origin = (graph.scheme, graph.netloc)

    @classmethod
    def from_settings(cls, settings: Settings) -> MetaPlatform:
        if not (settings.meta_app_id and settings.meta_app_secret):
            raise PlatformError("Meta is enabled but AAE_META_APP_ID / AAE_META_APP_SECRET are not set")
        return cls(app_id=settings.meta_app_id, app_secret=settings.meta_app_secret, graph_url=settings.meta_graph_url)

    # --- OAuth and tokens ---------------------------------------------------------------

    def oauth_connect_url(self, state: str, redirect_uri: str) -> str:
        query = {"client_id": self.app_id, "redirect_uri": redirect_uri, "state": state,
                 "response_type": "code", "scope": ",".join(SCOPES)}
        return f"{self.dialog_url}?{urlencode(query)}"

    def exchange_code(self, code: str, redirect_uri: str) -> TokenSet:
        short = self._get("oauth/access_token", {"client_id": self.app_id, "client_secret": self.app_secret,
                                                 "redirect_uri": redirect_uri, "code": code})
        # The code gives a short-lived token; swap it at once for a long-lived one (~60 days).
        return self._exchange(short["access_token"])

    def refresh_token(self, tokens: TokenSet) -> TokenSet:
        return self._exchange(tokens.access_token)

    def _exchange(self, token: str) -> TokenSet:
        payload = self._get("oauth/access_token", {"grant_type": "fb_exchange_token", "client_id": self.app_id,
                                                   "client_secret": self.app_secret, "fb_exchange_token": token})
        expires_in = payload.get("expires_in")
        expires_at = self._clock() + timedelta(seconds=int(expires_in)) if expires_in else None
        return TokenSet(access_token=payload["access_token"], refresh_token=None, expires_at=expires_at)

    # --- reads --------------------------------------------------------------------------

    def list_accounts(self, access_token: str) -> list[PlatformAccount]:
        params = {"fields": "id,account_id,name,currency,timezone_name,account_status", "limit": 50}
        return [
            PlatformAccount(
                id=str(item.get("account_id") or item["id"].removeprefix("act_")),
                name=item.get("name", ""),
                currency=item.get("currency", "USD"),
                timezone=item.get("timezone_name", "UTC"),
                status=ACCOUNT_STATUS.get(int(item.get("account_status", 0)), "unknown"),
            )
            for item in self._paged("me/adaccounts", params, access_token)
        ]

    def fetch_metrics(self, access_token, account_id, since, until, level=MetricsLevel.CAMPAIGN):
        level = MetricsLevel(level)
        id_field, name_field = _ENTITY_FIELDS[level]
        params = {
            "level": level.value,
            "time_increment": "1",
            "time_range": json.dumps({"since": since.isoformat(), "until": until.isoformat()}),
            "fields": ",".join((id_field, name_field, *_METRIC_FIELDS)),
            "limit": 500,
        }
        rows = []
        for item in self._paged(f"{act_path(account_id)}/insights", params, access_token):
            rows.append(MetricRow(
                date=date.fromisoformat(item["date_start"]),
                entity_type=level.value,
                entity_id=str(item.get(id_field) or account_id),
                entity_name=str(item.get(name_field, "")),
                impressions=int(item.get("impressions") or 0),
                clicks=int(item.get("clicks") or 0),
                spend=Decimal(item.get("spend") or "0"),
                conversions=int(Decimal(_purchase_value(item.get("actions")))),
                revenue=Decimal(_purchase_value(item.get("action_values"))),
            ))
        return rows

    # --- campaigns ----------------------------------------------------------------------

    def create_campaign(self, access_token, account_id, spec: CampaignSpec) -> CampaignResult:
        form: dict[str, Any] = {
            "name": spec.name,
            "objective": meta_objective(spec.objective),
            "status": _STATE_TO_META[CampaignState(spec.status)],
            "special_ad_categories": "[]",
        }
        if spec.budget is not None:
            form[_budget_field(spec.budget_type)] = to_minor_units(spec.budget, spec.currency)
        payload = self._post(f"{act_path(account_id)}/campaigns", form, access_token)
        return CampaignResult(str(payload["id"]), CampaignState(spec.status))

    def update_campaign(self, access_token, campaign_id, changes: CampaignChanges) -> CampaignResult:
        form: dict[str, Any] = {}
        if changes.name is not None:
            form["name"] = changes.name
        if changes.budget is not None:
            form[_budget_field(changes.budget_type)] = to_minor_units(changes.budget, changes.currency)
        if changes.status is not None:
            form["status"] = _STATE_TO_META[CampaignState(changes.status)]
        if form:
            self._post(campaign_id, form, access_token)
        if changes.status is not None:
            return CampaignResult(campaign_id, CampaignState(changes.status))
        current = self._get(campaign_id, {"fields": "id,status"}, access_token)
        return CampaignResult(campaign_id, _META_TO_STATE.get(current.get("status", ""), CampaignState.PAUSED))

    # --- HTTP ---------------------------------------------------------------------------

    def _get(self, path: str, params: dict[str, Any], access_token: str | None = None) -> dict[str, Any]:
        return self._request("GET", f"{self.graph_url}/{path}", params=self._auth(params, access_token))

    def _post(self, path: str, form: dict[str, Any], access_token: str) -> dict[str, Any]:
        return self._request("POST", f"{self.graph_url}/{path}", data=self._auth(form, access_token))

    def _paged(self, path: str, params: dict[str, Any], access_token: str) -> Iterator[dict[str, Any]]:
        payload = self._get(path, params, access_token)
        while True:
            yield from payload.get("data", [])
            next_url = (payload.get("paging") or {}).get("next")
            if not next_url:
                return
            payload = self._request("GET", self._checked_next(next_url, access_token))

    def _checked_next(self, url: str, access_token: str) -> str:
        """Follow `paging.next` only on the Graph host, so the token never leaves for elsewhere."""
        parts = urlsplit(url)
        if (parts.scheme, parts.netloc) != self._graph_origin:
            raise PlatformError("Unexpected paging URL from Meta", details={"next": url[:200]})
        if "access_token" in dict(parse_qsl(parts.query)):
            return url
        return f"{url}{'&' if parts.query else '?'}{urlencode(self._auth({}, access_token))}"

    def _auth(self, params: dict[str, Any], access_token: str | None) -> dict[str, Any]:
        if access_token is None:
            return params
        # appsecret_proof binds the token to our app (Meta's "Require App Secret" setting).
        proof = hmac.new(self.app_secret.encode(), access_token.encode(), hashlib.sha256).hexdigest()
        return {**params, "access_token": access_token, "appsecret_proof": proof}

    def _request(self, method: str, url: str, **kwargs: Any) -> dict[str, Any]:
        try:
            response = self._client.request(method, url, **kwargs)
        except httpx.TransportError as exc:
            raise PlatformTransientError("Meta could not be reached", details={"reason": str(exc)}) from exc
        try:
            payload = response.json()
        except ValueError:
            payload = {}
        if response.status_code >= 400 or "error" in payload:
            raise _platform_error(response, payload)
        return payload


def _budget_field(budget_type: str) -> str:
    return "lifetime_budget" if budget_type == "lifetime" else "daily_budget"


def _purchase_value(stats: list[dict[str, Any]] | None) -> str:
    by_type = {s.get("action_type"): s.get("value") for s in stats or []}
    return next((str(by_type[t]) for t in PURCHASE_ACTIONS if by_type.get(t) is not None), "0")


def _platform_error(response: httpx.Response, payload: dict[str, Any]) -> PlatformError:
    error = payload.get("error") if isinstance(payload.get("error"), dict) else {}
    code = error.get("code")
    details = {"http_status": response.status_code, "code": code, "subcode": error.get("error_subcode"),
               "type": error.get("type"), "fbtrace_id": error.get("fbtrace_id")}
    message = error.get("error_user_msg") or error.get("message") or f"Meta answered HTTP {response.status_code}"
    logger.info("meta error %s/%s (HTTP %s): %s", code, details["subcode"], response.status_code, message)
    if code in AUTH_CODES:
        return PlatformAuthError(message, details=details)
    if (
        code in TRANSIENT_CODES
        or (isinstance(code, int) and 80000 <= code <= 80014)
        or error.get("is_transient") is True
        or response.status_code >= 500
        or response.status_code == 429
    ):
        return PlatformTransientError(message, details=details, retry_after=_retry_after(response))
    return PlatformError(message, details=details)


def _retry_after(response: httpx.Response) -> float | None:
    """Minutes until access returns, from the business-use-case usage header, in seconds."""
    try:
        usage = json.loads(response.headers.get("x-business-use-case-usage", "{}"))
        waits = [entry.get("estimated_time_to_regain_access", 0) for entries in usage.values() for entry in entries]
    except (ValueError, AttributeError, TypeError):
        return None
    longest = max(waits, default=0)
    return float(longest) * 60 if longest else None
