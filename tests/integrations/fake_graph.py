"""A local stand-in for the Meta Graph API v27.0 answering with the documented shapes
(../shared/docs/EXTERNAL_APIS.md section 1): string metric values, `paging.next` full URLs,
error objects with code/subcode, form-encoded POSTs with JSON-string list params.

Fixed data: user tokens "EAAB-valid" (works) and "EAAB-expired" (code 190/463); the code
"good-code" for REDIRECT_URI; accounts act_111, act_222, act_333 (two pages); insights for act_111
(two campaigns, three rows per page); act_613 answers a rate limit, act_500 an HTTP 500 error
object, act_down a non-JSON 503, act_evil a paging link to another host.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse
from starlette.routing import Route

APP_ID = "138483919580948"
APP_SECRET = "fake-app-secret"
REDIRECT_URI = "https://app.example.com/oauth/meta/callback"
VERSION = "v27.0"
PAGE_SIZE_ACCOUNTS = 2
PAGE_SIZE_INSIGHTS = 3

ACCOUNTS = [
    {"id": "act_111", "account_id": "111", "name": "Acme US", "currency": "USD",
     "timezone_name": "America/Los_Angeles", "account_status": 1},
    {"id": "act_222", "account_id": "222", "name": "Acme JP", "currency": "JPY",
     "timezone_name": "Asia/Tokyo", "account_status": 2},
    {"id": "act_333", "account_id": "333", "name": "Acme Old", "currency": "EUR",
     "timezone_name": "Europe/Paris", "account_status": 101},
]
CAMPAIGNS = [("120210000000000001", "BF Sale"), ("120210000000000002", "Retargeting")]


def error(code: int, message: str, *, subcode: int | None = None, status: int = 400,
          type_: str = "OAuthException", headers: dict[str, str] | None = None, **extra: Any) -> JSONResponse:
    body = {"message": message, "type": type_, "code": code, "fbtrace_id": "AbCdEf123", **extra}
    if subcode is not None:
        body["error_subcode"] = subcode
    return JSONResponse({"error": body}, status_code=status, headers=headers)


class FakeGraph:
    def __init__(self) -> None:
        self.requests: list[tuple[str, str, dict[str, str]]] = []
        self.valid_tokens = {"EAAB-valid"}
        self.campaigns: dict[str, dict[str, str]] = {}
        self._ids = itertools.count(120210000000000100)
        self._tokens = itertools.count(1)
        prefix = f"/{VERSION}"
        self.app = Starlette(routes=[
            Route(f"{prefix}/oauth/access_token", self.access_token),
            Route(f"{prefix}/me/adaccounts", self.adaccounts),
            Route(f"{prefix}/{{account}}/insights", self.insights),
            Route(f"{prefix}/{{account}}/campaigns", self.create_campaign, methods=["POST"]),
            Route(f"{prefix}/{{node}}", self.node, methods=["GET", "POST"]),
        ])

    async def _params(self, request: Request) -> dict[str, str]:
        params = dict(request.query_params)
        if request.method == "POST":
            params.update({k: str(v) for k, v in (await request.form()).items()})
        self.requests.append((request.method, request.url.path, params))
        return params

    def _check_token(self, params: dict[str, str]) -> JSONResponse | None:
        token = params.get("access_token", "")
        if token == "EAAB-expired":
            return error(190, "Error validating access token: Session has expired on Tuesday.", subcode=463)
        if token not in self.valid_tokens:
            return error(190, "Invalid OAuth access token.", subcode=467)
        expected = hmac.new(APP_SECRET.encode(), token.encode(), hashlib.sha256).hexdigest()
        if params.get("appsecret_proof") != expected:
            return error(100, "Invalid appsecret_proof provided in the API argument", type_="GraphMethodException")
        return None

    def _issue(self, prefix: str) -> str:
        token = f"EAAB-{prefix}-{next(self._tokens)}"
        self.valid_tokens.add(token)
        return token

    async def access_token(self, request: Request) -> JSONResponse:
        params = await self._params(request)
        if params.get("client_id") != APP_ID or params.get("client_secret") != APP_SECRET:
            return error(1, "Error validating client secret.", subcode=None)
        if params.get("grant_type") == "fb_exchange_token":
            token = params.get("fb_exchange_token", "")
            if token not in self.valid_tokens:
                return error(190, "Error validating access token: Session has expired.", subcode=463)
            return JSONResponse({"access_token": self._issue("long"), "token_type": "bearer", "expires_in": 5183944})
        if params.get("code") != "good-code" or params.get("redirect_uri") != REDIRECT_URI:
            return error(100, "Invalid verification code format.", type_="OAuthException")
        return JSONResponse({"access_token": self._issue("short"), "token_type": "bearer", "expires_in": 5183976})

    def _page(self, request: Request, params: dict[str, str], items: list[dict], size: int) -> JSONResponse:
        offset = int(params.get("after", "0"))
        page = items[offset:offset + size]
        body: dict[str, Any] = {"data": page, "paging": {"cursors": {"before": str(offset), "after": str(offset + size)}}}
        if offset + size < len(items):
            following = {k: v for k, v in params.items() if k != "after"} | {"after": str(offset + size)}
            body["paging"]["next"] = f"{request.base_url}{request.url.path.lstrip('/')}?{urlencode(following)}"
        return JSONResponse(body)

    async def adaccounts(self, request: Request) -> JSONResponse:
        params = await self._params(request)
        if failure := self._check_token(params):
            return failure
        fields = params.get("fields", "id").split(",")
        items = [{k: v for k, v in account.items() if k in fields} for account in ACCOUNTS]
        return self._page(request, params, items, PAGE_SIZE_ACCOUNTS)

    async def insights(self, request: Request):
        params = await self._params(request)
        if failure := self._check_token(params):
            return failure
        account = request.path_params["account"]
        if account == "act_613":
            usage = {"111": [{"type": "ads_insights", "call_count": 100, "total_cputime": 20, "total_time": 20,
                              "estimated_time_to_regain_access": 5}]}
            return error(613, "(#613) Calls to this api have exceeded the rate limit.", subcode=1487742,
                         headers={"x-business-use-case-usage": json.dumps(usage)})
        if account == "act_500":
            return error(2, "An unexpected error has occurred. Please retry your request later.", status=500,
                         is_transient=True)
        if account == "act_down":
            return PlainTextResponse("upstream connect error", status_code=503)
        if account == "act_evil":  # a paging link to another host must never get our token
            return JSONResponse({"data": [], "paging": {"next": "https://evil.example/v27.0/steal?after=1"}})
        if params.get("time_increment") != "1" or "level" not in params:
            return error(100, "(#100) time_increment and level are required here", type_="GraphMethodException")
        time_range = json.loads(params["time_range"])
        level, day, until = params["level"], date.fromisoformat(time_range["since"]), date.fromisoformat(time_range["until"])
        rows = []
        while day <= until:
            for n, (campaign_id, campaign_name) in enumerate(CAMPAIGNS):
                rows.append(self._row(level, campaign_id, campaign_name, day, n))
            day += timedelta(days=1)
        return self._page(request, params, rows, PAGE_SIZE_INSIGHTS)

    @staticmethod
    def _row(level: str, campaign_id: str, campaign_name: str, day: date, n: int) -> dict[str, Any]:
        ids = {"campaign": (campaign_id, campaign_name), "adset": (campaign_id + "1", campaign_name + " / Set"),
               "ad": (campaign_id + "11", campaign_name + " / Ad"), "account": ("111", "Acme US")}[level]
        row: dict[str, Any] = {
            f"{level}_id": ids[0], f"{level}_name": ids[1],
            "impressions": str(18234 + day.day), "clicks": str(412 + n), "spend": "153.27",
            "date_start": day.isoformat(), "date_stop": day.isoformat(), "account_currency": "USD",
        }
        if n == 0:  # the second campaign had no conversions: Meta then omits these keys
            row["actions"] = [{"action_type": "link_click", "value": "389"},
                              {"action_type": "omni_purchase", "value": "7"},
                              {"action_type": "offsite_conversion.fb_pixel_purchase", "value": "7"}]
            row["action_values"] = [{"action_type": "omni_purchase", "value": "612.40"}]
            row["purchase_roas"] = [{"action_type": "omni_purchase", "value": "3.995563"}]
        return row

    async def create_campaign(self, request: Request) -> JSONResponse:
        params = await self._params(request)
        if failure := self._check_token(params):
            return failure
        if "special_ad_categories" not in params or not isinstance(json.loads(params["special_ad_categories"]), list):
            return error(100, "(#100) The parameter special_ad_categories is required", type_="OAuthException")
        if not params.get("objective", "").startswith("OUTCOME_") or params.get("status") not in ("ACTIVE", "PAUSED"):
            return error(100, "(#100) Invalid parameter", type_="OAuthException")
        for budget in ("daily_budget", "lifetime_budget"):
            if budget in params and not params[budget].isdigit():
                return error(100, f"(#100) {budget} must be an integer", type_="OAuthException")
        campaign_id = str(next(self._ids))
        self.campaigns[campaign_id] = {k: v for k, v in params.items() if k not in ("access_token", "appsecret_proof")}
        return JSONResponse({"id": campaign_id})

    async def node(self, request: Request) -> JSONResponse:
        params = await self._params(request)
        if failure := self._check_token(params):
            return failure
        campaign = self.campaigns.get(request.path_params["node"])
        if campaign is None:
            return error(100, "Unsupported post request.", subcode=33, type_="GraphMethodException")
        if request.method == "POST":
            campaign.update({k: v for k, v in params.items() if k not in ("access_token", "appsecret_proof")})
            return JSONResponse({"success": True})
        return JSONResponse({"id": request.path_params["node"], "status": campaign["status"],
                             "effective_status": campaign["status"]})
