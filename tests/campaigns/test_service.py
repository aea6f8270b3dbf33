"""Campaigns: validation, ownership, status transitions and the platform sync (Property 22)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backend.campaigns import service as campaigns
from backend.campaigns.service import CampaignData, CampaignEdit
from backend.errors import AdAccountTokenExpired, Conflict, NotFound, ValidationFailed
from backend.integrations.ad_platforms import CampaignState, PlatformTransientError, get_platform
from backend.models import AdAccountStatus, CampaignStatus, LandingPage, SyncStatus
from tests.factories import bind_sandbox_accounts, make_ad_account, make_user


def data(account, **overrides):
    values = dict(ad_account_id=account.id, name="Black Friday", objective="sales", budget="50.00",
                  targeting={"countries": ["us", "CA"], "age_min": 21, "age_max": 45})
    values.update(overrides)
    return CampaignData(**values)


@pytest.fixture()
def owner(session):
    user = make_user(session)
    account = bind_sandbox_accounts(session, user)[0]
    return user, account


class TestCreate:
    def test_create_draft_normalised(self, session, owner):
        user, account = owner
        c = campaigns.create(session, user_id=user.id, data=data(account))
        assert c.status == CampaignStatus.DRAFT and c.sync_status == SyncStatus.PENDING
        assert c.budget == Decimal("50.00") and c.targeting["countries"] == ["US", "CA"]
        assert c.platform == "sandbox" and c.platform_campaign_id is None

    @pytest.mark.parametrize(("override", "field"), [
        (dict(name="  "), "name"), (dict(objective="world_domination"), "objective"), (dict(budget="0"), "budget"),
        (dict(budget="-5"), "budget"), (dict(budget="1.234"), "budget"), (dict(budget="99999999"), "budget"),
        (dict(budget_type="weekly"), "budget_type"), (dict(targeting={"age_min": 70}), "targeting.age_min"),
        (dict(targeting={"countries": ["USA"]}), "targeting.countries"), (dict(targeting={"x": 1}), "targeting"),
        (dict(creative_ids=[999999]), "creative_ids"), (dict(landing_page_id=999999), "landing_page_id"),
    ])
    def test_validation_names_the_field(self, session, owner, override, field):
        user, account = owner
        with pytest.raises(ValidationFailed) as info:
            campaigns.create(session, user_id=user.id, data=data(account, **override))
        assert info.value.details["field"] == field

    def test_someone_elses_account_or_landing_page(self, session, owner):
        user, account = owner
        stranger = make_user(session)
        with pytest.raises(NotFound):
            campaigns.create(session, user_id=stranger.id, data=data(account))
        page = LandingPage(user_id=stranger.id, name="p", product_url="https://x.test")
        session.add(page)
        session.flush()
        with pytest.raises(ValidationFailed):
            campaigns.create(session, user_id=user.id, data=data(account, landing_page_id=page.id))


class TestStatus:
    def test_transitions(self, session, owner):
        user, account = owner
        c = campaigns.create(session, user_id=user.id, data=data(account))
        campaigns.set_status(session, user_id=user.id, campaign_id=c.id, status="active")
        campaigns.set_status(session, user_id=user.id, campaign_id=c.id, status="paused")
        campaigns.delete(session, user_id=user.id, campaign_id=c.id)
        assert c.status == CampaignStatus.DELETED
        with pytest.raises(Conflict):
            campaigns.set_status(session, user_id=user.id, campaign_id=c.id, status="active")
        with pytest.raises(Conflict):
            campaigns.update(session, user_id=user.id, campaign_id=c.id, edit=CampaignEdit(name="x"))
        with pytest.raises(ValidationFailed):
            campaigns.set_status(session, user_id=user.id, campaign_id=c.id, status="flying")

    def test_cannot_activate_on_expired_account(self, session, owner):
        user, account = owner
        c = campaigns.create(session, user_id=user.id, data=data(account))
        account.status = AdAccountStatus.EXPIRED
        session.add(account)
        with pytest.raises(AdAccountTokenExpired):
            campaigns.set_status(session, user_id=user.id, campaign_id=c.id, status="active")

    def test_list_filters_and_hides_deleted(self, session, owner):
        user, account = owner
        a = campaigns.create(session, user_id=user.id, data=data(account, name="Alpha"))
        b = campaigns.create(session, user_id=user.id, data=data(account, name="Beta"))
        campaigns.delete(session, user_id=user.id, campaign_id=a.id)
        rows, total = campaigns.list_campaigns(session, user.id)
        assert total == 1 and rows[0].id == b.id
        assert campaigns.list_campaigns(session, user.id, status="deleted")[1] == 1
        assert campaigns.list_campaigns(session, user.id, search="bet")[1] == 1
        assert campaigns.list_campaigns(session, make_user(session).id)[1] == 0


class TestSync:
    @given(name=st.text(alphabet="abcdefghij ", min_size=1, max_size=30).filter(str.strip),
           budget=st.integers(min_value=1, max_value=10_000), activate=st.booleans())
    def test_property_22_modifications_reach_the_platform(self, session, owner, name, budget, activate):
        """Property 22: every campaign modification is saved locally and synced to the ad platform."""
        user, account = owner
        c = campaigns.create(session, user_id=user.id, data=data(account))
        campaigns.sync(session, campaign_id=c.id)
        assert c.sync_status == SyncStatus.SYNCED and c.platform_campaign_id
        campaigns.update(session, user_id=user.id, campaign_id=c.id, edit=CampaignEdit(name=name, budget=budget))
        if activate:
            campaigns.set_status(session, user_id=user.id, campaign_id=c.id, status="active")
        assert c.sync_status == SyncStatus.PENDING
        campaigns.sync(session, campaign_id=c.id)
        remote = get_platform("sandbox").get_campaign(c.platform_campaign_id)
        assert c.sync_status == SyncStatus.SYNCED
        assert remote["name"] == " ".join(name.split()) and remote["budget"] == Decimal(budget)
        assert remote["status"] == (CampaignState.ACTIVE if activate else CampaignState.PAUSED)

    def test_transient_failure_raises_for_retry(self, session, owner):
        user, account = owner
        c = campaigns.create(session, user_id=user.id, data=data(account, name="x fail-transient"))
        with pytest.raises(PlatformTransientError):
            campaigns.sync(session, campaign_id=c.id)
        assert c.sync_status == SyncStatus.PENDING

    def test_refused_token_marks_account_and_campaign(self, session):
        user = make_user(session)
        account = make_ad_account(session, user, platform_account_id="sbx-1001", access_token="not-a-sandbox-token")
        c = campaigns.create(session, user_id=user.id, data=data(account))
        campaigns.sync(session, campaign_id=c.id)
        assert c.sync_status == SyncStatus.FAILED and c.sync_error.startswith("6001")
        assert account.status == AdAccountStatus.EXPIRED and account.needs_attention

    def test_deleted_draft_never_reaches_platform(self, session, owner):
        user, account = owner
        c = campaigns.create(session, user_id=user.id, data=data(account))
        campaigns.delete(session, user_id=user.id, campaign_id=c.id)
        campaigns.sync(session, campaign_id=c.id)
        assert c.platform_campaign_id is None and c.sync_status == SyncStatus.SYNCED
