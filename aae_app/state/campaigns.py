"""Campaigns: the list with status and platform sync, the create/edit form, status changes."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import reflex as rx

import aae_app.components.library.campaigns_text  # noqa: F401  (registers the texts)
from aae_app import i18n
from aae_app.components.library.errors import error_text, error_toast, field_of
from aae_app.state.auth import AuthState
from backend.ad_accounts import service as ad_accounts
from backend.campaigns import service
from backend.campaigns.service import CampaignData, CampaignEdit, Objective
from backend.creatives import service as creatives
from backend.db import unit_of_work
from backend.errors import AppError
from backend.landing_pages import service as landing_pages
from backend.models import Campaign

PAGE_SIZE = 100
STATUS_FILTERS = ("all", "active", "paused", "draft")
OBJECTIVES = [o.value for o in Objective]
GENDERS = ("all", "female", "male")
# Service field names → the form's fields.
FORM_FIELDS = {"targeting.countries": "countries", "targeting.age_min": "ages", "targeting": "countries",
               "creative_ids": "creatives", "landing_page_id": "landing_page", "ad_account_id": "account"}
COUNTRY = re.compile(r"^[A-Za-z]{2}$")


@dataclass
class CampaignRow:
    id: int = 0
    name: str = ""
    objective: str = ""
    status: str = "draft"
    sync_status: str = "pending"
    sync_error: str = ""
    budget: str = ""
    budget_type: str = "daily"
    account: str = ""
    creatives: int = 0
    landing_page: str = ""
    automation_paused: bool = False
    updated: str = ""


@dataclass
class Option:
    value: str = ""
    label: str = ""
    image: str = ""


@dataclass
class CampaignForm:
    account: str = ""
    name: str = ""
    objective: str = "traffic"
    budget: str = ""
    budget_type: str = "daily"
    countries: str = "US"
    age_min: str = "18"
    age_max: str = "65"
    gender: str = "all"
    interests: str = ""
    creatives: list[str] = field(default_factory=list)
    landing_page: str = "none"


def split_list(text: str) -> list[str]:
    return [part.strip() for part in (text or "").split(",") if part.strip()]


def form_of(campaign: Campaign) -> CampaignForm:
    targeting = campaign.targeting or {}
    genders = targeting.get("genders") or []
    return CampaignForm(
        account=str(campaign.ad_account_id), name=campaign.name, objective=campaign.objective,
        budget=f"{campaign.budget:.2f}", budget_type=campaign.budget_type,
        countries=", ".join(targeting.get("countries", [])), age_min=str(targeting.get("age_min", 18)),
        age_max=str(targeting.get("age_max", 65)), gender=genders[0] if len(genders) == 1 else "all",
        interests=", ".join(targeting.get("interests", [])), creatives=[str(i) for i in campaign.creative_ids or []],
        landing_page=str(campaign.landing_page_id) if campaign.landing_page_id else "none",
    )


class CampaignsState(AuthState):
    rows: list[CampaignRow] = []
    status_filter: str = "all"
    loading: bool = False
    error: str = ""

    accounts: list[Option] = []
    creative_options: list[Option] = []
    page_options: list[Option] = []

    form_open: bool = False
    editing_id: int = 0
    form: CampaignForm = CampaignForm()
    form_errors: dict[str, str] = {}
    saving: bool = False

    confirm_id: int = 0
    confirm_name: str = ""
    busy_id: int = 0

    @rx.var
    def confirm_open(self) -> bool:
        return self.confirm_id != 0

    @rx.var
    def objectives(self) -> list[str]:
        extra = [self.form.objective] if self.form.objective and self.form.objective not in OBJECTIVES else []
        return OBJECTIVES + extra

    def _text(self, key: str) -> str:
        return i18n.translate(key, self.language)

    # --- the list -------------------------------------------------------------------------

    def _reload(self) -> list[rx.event.EventSpec]:
        if self.user_id is None:
            return []
        status = None if self.status_filter == "all" else self.status_filter
        try:
            with unit_of_work() as session:
                accounts = {a.id: a for a in ad_accounts.list_accounts(session, self.user_id, include_revoked=True)}
                pages = {p.id: p.name for p in landing_pages.list_pages(session, self.user_id, limit=500)[0]}
                campaigns, _ = service.list_campaigns(session, self.user_id, status=status, limit=PAGE_SIZE)
                self.rows = [self._row(c, accounts, pages) for c in campaigns]
        except AppError as exc:
            self.error = error_text(exc)
            return [error_toast(exc, self.language)]
        self.error = ""
        return []

    @staticmethod
    def _row(campaign: Campaign, accounts: dict[int, Any], pages: dict[int, str]) -> CampaignRow:
        account = accounts.get(campaign.ad_account_id)
        currency = account.currency if account is not None else ""
        return CampaignRow(
            id=campaign.id or 0, name=campaign.name, objective=campaign.objective, status=campaign.status,
            sync_status=campaign.sync_status, sync_error=campaign.sync_error or "",
            budget=f"{currency} {Decimal(campaign.budget):,.2f}".strip(), budget_type=campaign.budget_type,
            account=f"{account.account_name} · {account.platform}" if account is not None else "",
            creatives=len(campaign.creative_ids or []),
            landing_page=pages.get(campaign.landing_page_id or 0, ""), automation_paused=campaign.automation_paused,
            updated=campaign.updated_at.strftime("%Y-%m-%d %H:%M") if campaign.updated_at else "",
        )

    @rx.event
    def load(self):
        self.loading = True
        yield
        toasts = self._reload()
        self.loading = False
        yield toasts

    @rx.event
    def refresh(self):
        return self._reload()

    @rx.event
    def set_status_filter(self, value: str):
        if value in STATUS_FILTERS:
            self.status_filter = value
            yield from self.load()

    # --- the form ---------------------------------------------------------------------------

    def _load_options(self, session) -> None:
        self.accounts = [Option(str(a.id), f"{a.account_name} · {a.platform}")
                         for a in ad_accounts.list_accounts(session, self.user_id)]
        items, _ = creatives.list_creatives(session, self.user_id, limit=60)
        self.creative_options = [Option(str(c.id), c.name, creatives.view_url(c) if c.file_type == "image" else "")
                                 for c in items]
        pages, _ = landing_pages.list_pages(session, self.user_id, limit=200)
        self.page_options = [Option(str(p.id), p.name) for p in pages if p.status != "archived"]

    @rx.event
    def open_new(self):
        if self.user_id is None:
            return None
        try:
            with unit_of_work() as session:
                self._load_options(session)
        except AppError as exc:
            return error_toast(exc, self.language)
        self.editing_id, self.form_errors = 0, {}
        self.form = CampaignForm(account=self.accounts[0].value if self.accounts else "")
        self.form_open = True
        return None

    @rx.event
    def open_edit(self, campaign_id: int):
        if self.user_id is None:
            return None
        try:
            with unit_of_work() as session:
                self._load_options(session)
                campaign = service.get_owned_or_raise(session, self.user_id, campaign_id)
                self.form = form_of(campaign)
        except AppError as exc:
            return error_toast(exc, self.language)
        self.editing_id, self.form_errors = campaign_id, {}
        self.form_open = True
        return None

    @rx.event
    def set_form_open(self, value: bool):
        self.form_open = value

    @rx.event
    def set_field(self, name: str, value: str | list[str]):
        if name in CampaignForm.__dataclass_fields__ and isinstance(value, str):
            self.form = CampaignForm(**{**self.form.__dict__, name: value})
            shown = "ages" if name in ("age_min", "age_max") else name
            if shown in self.form_errors:
                self.form_errors = {k: v for k, v in self.form_errors.items() if k != shown}

    @rx.event
    def toggle_creative(self, creative_id: str):
        chosen = list(self.form.creatives)
        chosen = [c for c in chosen if c != creative_id] if creative_id in chosen else [*chosen, creative_id]
        self.form = CampaignForm(**{**self.form.__dict__, "creatives": chosen})

    def _validated(self) -> dict[str, Any] | None:
        f, errors = self.form, {}
        if not f.account and not self.editing_id:
            errors["account"] = self._text("campaigns.err.account")
        if not f.name.strip():
            errors["name"] = self._text("campaigns.err.name")
        try:
            budget = Decimal(f.budget.strip())
            if budget <= 0 or budget.as_tuple().exponent < -2 or budget > service.MAX_BUDGET:
                raise InvalidOperation
        except (InvalidOperation, ValueError):
            errors["budget"] = self._text("campaigns.err.budget")
            budget = None
        countries = split_list(f.countries)
        if not all(COUNTRY.match(c) for c in countries):
            errors["countries"] = self._text("campaigns.err.countries")
        try:
            age_min, age_max = int(f.age_min), int(f.age_max)
            if not 13 <= age_min <= age_max <= 65:
                raise ValueError
        except ValueError:
            errors["ages"] = self._text("campaigns.err.ages")
            age_min = age_max = 0
        self.form_errors = errors
        if errors:
            return None
        targeting: dict[str, Any] = {"countries": [c.upper() for c in countries], "age_min": age_min,
                                     "age_max": age_max}
        if f.gender in ("female", "male"):
            targeting["genders"] = [f.gender]
        if split_list(f.interests):
            targeting["interests"] = split_list(f.interests)
        return {"name": f.name, "objective": f.objective, "budget": str(budget), "budget_type": f.budget_type,
                "targeting": targeting, "creative_ids": [int(c) for c in f.creatives],
                "landing_page_id": None if f.landing_page == "none" else int(f.landing_page)}

    @rx.event
    def save(self):
        values = self._validated()
        if values is None or self.user_id is None:
            return None
        self.saving = True
        yield
        try:
            with unit_of_work() as session:
                if self.editing_id:
                    # An objective from before today's list (e.g. the seed's "conversions") is kept as it is.
                    legacy = values["objective"] not in OBJECTIVES
                    service.update(session, user_id=self.user_id, campaign_id=self.editing_id, edit=CampaignEdit(
                        **{**values, "objective": None if legacy else values["objective"]},
                        clear_landing_page=values["landing_page_id"] is None))
                else:
                    service.create(session, user_id=self.user_id, context=self.request_context(),
                                   data=CampaignData(ad_account_id=int(self.form.account), **values))
        except AppError as exc:
            self.saving = False
            name = field_of(exc)
            if name:
                self.form_errors = {**self.form_errors, FORM_FIELDS.get(name, name): exc.message}
            yield error_toast(exc, self.language)
            return
        self.saving = False
        self.form_open = False
        done = "campaigns.updated" if self.editing_id else "campaigns.created"
        yield [rx.toast.success(self._text(done)), *self._reload()]

    # --- status -----------------------------------------------------------------------------

    def _set_status(self, campaign_id: int, status: str, done_key: str) -> list[rx.event.EventSpec]:
        try:
            with unit_of_work() as session:
                service.set_status(session, user_id=self.user_id, campaign_id=campaign_id, status=status,
                                   context=self.request_context())
        except AppError as exc:
            return [error_toast(exc, self.language), *self._reload()]
        return [rx.toast.success(self._text(done_key)), *self._reload()]

    @rx.event
    def change_status(self, campaign_id: int, status: str):
        if self.user_id is None or status not in ("active", "paused"):
            return None
        current = next((r.status for r in self.rows if r.id == campaign_id), "")
        done = {"paused": "campaigns.paused"}.get(status) or (
            "campaigns.resumed" if current == "paused" else "campaigns.activated")
        self.busy_id = campaign_id
        yield
        events = self._set_status(campaign_id, status, done)
        self.busy_id = 0
        yield events

    @rx.event
    def ask_delete(self, campaign_id: int):
        row = next((r for r in self.rows if r.id == campaign_id), None)
        if row is not None:
            self.confirm_id, self.confirm_name = row.id, row.name

    @rx.event
    def cancel_delete(self):
        self.confirm_id = 0

    @rx.event
    def delete_confirmed(self):
        if self.user_id is None or not self.confirm_id:
            return None
        self.busy_id = self.confirm_id
        yield
        events = self._set_status(self.confirm_id, "deleted", "campaigns.deleted")
        self.busy_id = self.confirm_id = 0
        yield events
