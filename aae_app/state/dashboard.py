"""The dashboard: today vs yesterday, the 7-day trend, AI suggestions and per-campaign rows.

Numbers come from `backend.reports.service.summary` (Property 12) for the selected ad account
or for all of them; the formatting helpers here are the only place they become text.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import reflex as rx

from aae_app.state.auth import AuthState, format_time, on_active_account_change
from aae_app.state.shell import ShellState
from backend.ad_accounts import service as ad_accounts
from backend.db import unit_of_work
from backend.errors import AppError
from backend.models import Notification, User
from aae_app.state.notifications import safe_action_url
from backend.notifications import service as notifications
from backend.notifications.schemas import NotificationCategory
from backend.reports import service as reports

SCOPE_ACTIVE = "active"
SCOPE_ALL = "all"
SUGGESTION_LIMIT = 4
CURRENCY_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "CNY": "¥", "JPY": "¥"}
# Metric → whether a rise is good news (CPA is a cost: lower is better).
KPI_METRICS = (("spend", None), ("roas", True), ("cpa", False), ("ctr", True), ("conversions", True))


def money(value: Decimal | float, currency: str = "") -> str:
    return f"{CURRENCY_SYMBOLS.get(currency, '')}{Decimal(str(value)):,.2f}"


def format_metric(metric: str, value: Any, currency: str = "") -> str:
    if metric in ("spend", "cpa", "revenue", "cpc"):
        return money(value, currency)
    if metric == "roas":
        return f"{float(value):.2f}×"
    if metric == "ctr":
        return f"{float(value) * 100:.2f}%"
    return f"{int(value):,}"


def format_change(change: float | None) -> str:
    if change is None:
        return "—"
    return f"{change * 100:+.1f}%"


@dataclasses.dataclass
class Kpi:
    metric: str = ""
    today: str = ""
    yesterday: str = ""
    change: str = ""
    trend: str = "flat"  # up | down | flat
    tone: str = "gray"  # grass (good) | red (bad) | gray


@dataclasses.dataclass
class CampaignRow:
    id: str = ""
    name: str = ""
    spend: str = ""
    impressions: str = ""
    clicks: str = ""
    ctr: str = ""
    conversions: str = ""
    cpa: str = ""
    roas: str = ""


@dataclasses.dataclass
class Suggestion:
    id: int = 0
    title: str = ""
    message: str = ""
    when: str = ""
    action_url: str = ""
    action_text: str = ""
    is_read: bool = False


def kpis_of(summary: reports.Summary, currency: str) -> list[Kpi]:
    out = []
    for metric, rise_is_good in KPI_METRICS:
        change = summary.change(metric)
        trend = "flat" if not change else "up" if change > 0 else "down"
        tone = "gray" if rise_is_good is None or trend == "flat" else (
            "grass" if (trend == "up") == rise_is_good else "red")
        out.append(Kpi(metric=metric, today=format_metric(metric, getattr(summary.today, metric), currency),
                       yesterday=format_metric(metric, getattr(summary.yesterday, metric), currency),
                       change=format_change(change), trend=trend, tone=tone))
    return out


def trend_of(summary: reports.Summary) -> list[dict[str, Any]]:
    return [{"label": day["day"][5:], "spend": float(day["spend"]), "revenue": float(day["revenue"]),
             "conversions": int(day["conversions"])} for day in summary.trend]


def campaigns_of(summary: reports.Summary, currency: str) -> list[CampaignRow]:
    return [CampaignRow(
        id=str(row["entity_id"]), name=row["entity_name"], spend=money(row["spend"], currency),
        impressions=f"{row['impressions']:,}", clicks=f"{row['clicks']:,}", ctr=format_metric("ctr", row["ctr"]),
        conversions=f"{row['conversions']:,}", cpa=money(row["cpa"], currency), roas=format_metric("roas", row["roas"]),
    ) for row in summary.campaigns]


def suggestion_of(notification: Notification, timezone: str) -> Suggestion:
    return Suggestion(id=notification.id or 0, title=notification.title, message=notification.message,
                      when=format_time(notification.created_at, timezone),
                      action_url=safe_action_url(notification.action_url),
                      action_text=notification.action_text or "",
                      is_read=notification.is_read)


# A brand-new user is greeted "Welcome, …" rather than "Welcome back, …": until they sign in a
# second time, and for NEW_USER_WELCOME at most after their account was made (a session kept
# for days is a returning user's). The sign-in that made the account sets `last_login_at` in
# the same transaction, so a later one is one more than SAME_SIGN_IN after `created_at`; an
# account found by email from another provider was made earlier and is a returning user's.
NEW_USER_WELCOME = timedelta(hours=12)
SAME_SIGN_IN = timedelta(minutes=1)


def is_new_user(user: User, now: datetime | None = None) -> bool:
    now = now or datetime.now(UTC)
    if user.created_at is None:
        return False
    signed_in_again = user.last_login_at is not None and user.last_login_at - user.created_at > SAME_SIGN_IN
    return not signed_in_again and now - user.created_at < NEW_USER_WELCOME


class DashboardState(AuthState):
    scope: str = SCOPE_ACTIVE
    saved_scope: str = rx.LocalStorage("", name="aae_dashboard_scope")
    loading: bool = True
    error: str = ""
    kpis: list[Kpi] = []
    trend: list[dict[str, Any]] = []
    campaigns: list[CampaignRow] = []
    suggestions: list[Suggestion] = []
    suggestions_error: str = ""
    scope_name: str = ""
    updated_at: str = ""
    nothing_today: bool = False  # no delivery reported for today yet (but some yesterday)
    new_user: bool = False  # greeted as new (`is_new_user`), else welcomed back

    @rx.var
    def welcome(self) -> str:
        return self.tr("dashboard.welcome_new" if self.new_user else "dashboard.welcome", name=self.first_name)

    @rx.var
    def has_data(self) -> bool:
        return any(point["spend"] or point["conversions"] for point in self.trend)

    @rx.event
    def load(self):
        if self.user_id is None:
            return
        if self.saved_scope in (SCOPE_ACTIVE, SCOPE_ALL):
            self.scope = self.saved_scope
        self.loading, self.error = True, ""
        with unit_of_work() as session:
            user = session.get(User, self.user_id)
            self.new_user = user is not None and is_new_user(user)
        yield
        try:
            self._load_summary()
        except AppError as exc:
            self.error = exc.message
            yield self.fail(exc)
        finally:
            self.loading = False
        self._load_suggestions()

    def _load_summary(self) -> None:
        with unit_of_work() as session:
            accounts = ad_accounts.list_accounts(session, self.user_id)
            active = next((a for a in accounts if a.is_active), accounts[0] if accounts else None)
            single = active if self.scope == SCOPE_ACTIVE else None
            if single is not None:
                currency = single.currency
            else:
                currencies = {a.currency for a in accounts}
                currency = currencies.pop() if len(currencies) == 1 else ""
            summary = reports.summary(session, user_id=self.user_id,
                                      ad_account_id=single.id if single is not None else None)
        self.scope_name = single.account_name if single is not None else ""
        self.nothing_today = summary.today.impressions == 0 and summary.yesterday.impressions > 0
        self.kpis = kpis_of(summary, currency)
        self.trend = trend_of(summary)
        self.campaigns = campaigns_of(summary, currency)
        self.updated_at = format_time(datetime.now().astimezone(), self.timezone)

    def _load_suggestions(self) -> None:
        self.suggestions_error = ""
        try:
            with unit_of_work() as session:
                rows, _ = notifications.list_notifications(
                    session, self.user_id, category=NotificationCategory.SUGGESTIONS, unread_only=True,
                    limit=SUGGESTION_LIMIT)
                self.suggestions = [suggestion_of(n, self.timezone) for n in rows]
        except AppError as exc:
            self.suggestions_error = exc.message

    @rx.event
    async def set_scope(self, scope: str | list[str]):
        scope = scope[0] if isinstance(scope, list) and scope else scope
        if scope not in (SCOPE_ACTIVE, SCOPE_ALL):
            return None
        self.scope = scope
        shell = await self.get_state(ShellState)
        if shell.preferences_allowed:  # remembered on this device only with consent
            self.saved_scope = scope
        return DashboardState.load

    @rx.event
    def dismiss_suggestion(self, notification_id: int):
        """Mark the suggestion read (it stays in /notifications)."""
        if self.user_id is None:
            return None
        try:
            with unit_of_work() as session:
                notifications.mark_read(session, user_id=self.user_id, notification_id=int(notification_id))
                self.unread_count = notifications.unread_count(session, self.user_id)
        except AppError as exc:
            return self.fail(exc)
        self.suggestions = [s for s in self.suggestions if s.id != int(notification_id)]
        return None

    @rx.event
    def reload_if_shown(self):
        """After the top-bar account switch: reload when the dashboard is on screen."""
        if (self.router.url.path or "/").rstrip("/") == "":
            return DashboardState.load
        return None


on_active_account_change(DashboardState.reload_if_shown)
