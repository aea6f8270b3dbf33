"""CampaignsState without a browser: the list, the validated form, status changes, deletion."""

from __future__ import annotations

from decimal import Decimal

import pytest

from aae_app.state.campaigns import CampaignRow, CampaignsState, form_of
from backend.campaigns import service as campaigns
from backend.campaigns.service import CampaignData
from backend.creatives import service as creatives
from backend.db import unit_of_work
from backend.landing_pages import service as pages
from backend.landing_pages.service import PageData
from backend.models import AdAccount, Campaign
from tests.aae_app.test_creatives import run, shown, signed_in, tiny_png
from tests.factories import make_ad_account, make_user


@pytest.fixture()
def account(committed_engine):
    """A user with an ad account, two creatives, a landing page and one draft campaign."""
    with unit_of_work() as session:
        user = make_user(session)
        bound = make_ad_account(session, user, account_name="Shoe Store", currency="EUR")
        ids = [creatives.create_from_bytes(session, user_id=user.id, data=tiny_png(), name=f"Creative {n}").id
               for n in (1, 2)]
        page = pages.create(session, user_id=user.id, data=PageData(name="Launch page",
                                                                    product_url="https://shoes.example"))
        draft = campaigns.create(session, user_id=user.id, data=CampaignData(
            ad_account_id=bound.id, name="Existing draft", objective="traffic", budget="25",
            targeting={"countries": ["DE"], "age_min": 25, "age_max": 40}, creative_ids=ids[:1],
            landing_page_id=page.id))
    return {"user": user.id, "account": bound.id, "creatives": ids, "page": page.id, "draft": draft.id}


def loaded(user_id: int) -> CampaignsState:
    state = signed_in(CampaignsState, user_id, path="/campaigns/")
    run(state.load())
    return state


def stored(campaign_id: int) -> Campaign:
    with unit_of_work() as session:
        return session.get(Campaign, campaign_id)


def fill(state: CampaignsState, **values: str) -> None:
    for name, value in values.items():
        state.set_field(name, value)


class TestList:
    def test_rows_are_dtos_with_status_sync_and_assets(self, account):
        state = loaded(account["user"])
        assert state.rows == [CampaignRow(
            id=account["draft"], name="Existing draft", objective="traffic", status="draft", sync_status="pending",
            budget="EUR 25.00", budget_type="daily", account="Shoe Store · sandbox", creatives=1,
            landing_page="Launch page", updated=state.rows[0].updated)]

    def test_status_tabs(self, account):
        state = loaded(account["user"])
        run(state.set_status_filter("active"))
        assert state.rows == []
        run(state.set_status_filter("draft"))
        assert len(state.rows) == 1
        run(state.set_status_filter("deleted"))
        assert state.status_filter == "draft"


class TestForm:
    def test_new_form_lists_the_users_options(self, account):
        state = loaded(account["user"])
        state.open_new()
        assert state.form_open and state.editing_id == 0
        assert state.form.account == str(account["account"])
        assert [o.label for o in state.creative_options] == ["Creative 2", "Creative 1"]
        assert all("signature=" in o.image for o in state.creative_options)
        assert [o.label for o in state.page_options] == ["Launch page"]

    def test_validation_messages_next_to_the_fields(self, account):
        state = loaded(account["user"])
        state.open_new()
        fill(state, name=" ", budget="1.234", countries="USA, C1", age_min="70", age_max="30")
        assert run(state.save()) == []
        assert set(state.form_errors) == {"name", "budget", "countries", "ages"}
        state.set_field("age_min", "20")
        assert "ages" not in state.form_errors
        state.set_field("owner", "someone else")
        assert not hasattr(state.form, "owner")

    def test_create_saves_targeting_and_queues_the_sync(self, account):
        state = loaded(account["user"])
        state.open_new()
        fill(state, name="Autumn sale", objective="sales", budget="80.5", budget_type="lifetime",
             countries="us, fr", age_min="21", age_max="50", gender="male", interests="running, trail",
             landing_page=str(account["page"]))
        state.toggle_creative(str(account["creatives"][1]))
        state.toggle_creative(str(account["creatives"][0]))
        state.toggle_creative(str(account["creatives"][1]))
        events = run(state.save())
        assert "Campaign created" in shown(events) and not state.form_open
        row = next(r for r in state.rows if r.name == "Autumn sale")
        assert (row.status, row.sync_status, row.budget) == ("draft", "pending", "EUR 80.50")
        saved = stored(row.id)
        assert saved.budget == Decimal("80.50") and saved.budget_type == "lifetime"
        assert saved.targeting == {"countries": ["US", "FR"], "age_min": 21, "age_max": 50, "genders": ["male"],
                                   "interests": ["running", "trail"]}
        assert saved.creative_ids == [account["creatives"][0]] and saved.landing_page_id == account["page"]

    def test_edit_prefills_and_saves(self, account):
        state = loaded(account["user"])
        state.open_edit(account["draft"])
        assert state.form == form_of(stored(account["draft"])) and state.editing_id == account["draft"]
        assert state.form.countries == "DE" and state.form.landing_page == str(account["page"])
        fill(state, budget="30", landing_page="none")
        assert "Changes saved" in shown(run(state.save()))
        saved = stored(account["draft"])
        assert saved.budget == Decimal("30.00") and saved.landing_page_id is None

    def test_service_refusals_land_on_the_field(self, account):
        with unit_of_work() as session:
            stranger = make_user(session)
            theirs = creatives.create_from_bytes(session, user_id=stranger.id, data=tiny_png(), name="Not yours")
        state = loaded(account["user"])
        state.open_new()
        fill(state, name="Sneaky", budget="10")
        state.toggle_creative(str(theirs.id))
        events = run(state.save())
        assert "Unknown creatives" in shown(events) and "Error code 4000" in shown(events)
        assert state.form_errors == {"creatives": "Unknown creatives"} and state.form_open


class TestStatus:
    def test_activate_pause_resume(self, account):
        state = loaded(account["user"])
        draft = account["draft"]
        assert "Campaign activated" in shown(run(state.change_status(draft, "active")))
        assert stored(draft).status == "active" and state.rows[0].status == "active"
        assert "Campaign paused" in shown(run(state.change_status(draft, "paused")))
        assert "Campaign resumed" in shown(run(state.change_status(draft, "active")))
        assert stored(draft).status == "active" and state.busy_id == 0
        assert run(state.change_status(draft, "deleted")) == []

    def test_activating_needs_a_connected_account(self, account):
        with unit_of_work() as session:
            stored_account = session.get(AdAccount, account["account"])
            stored_account.status = "expired"
            session.add(stored_account)
        state = loaded(account["user"])
        events = run(state.change_status(account["draft"], "active"))
        assert "Error code 6001" in shown(events) and stored(account["draft"]).status == "draft"

    def test_delete_asks_then_removes_from_the_list(self, account):
        state = loaded(account["user"])
        state.ask_delete(account["draft"])
        assert state.confirm_open and state.confirm_name == "Existing draft"
        state.cancel_delete()
        assert not state.confirm_open and stored(account["draft"]).status == "draft"
        state.ask_delete(account["draft"])
        assert "Campaign deleted" in shown(run(state.delete_confirmed()))
        assert stored(account["draft"]).status == "deleted" and state.rows == [] and not state.confirm_open
