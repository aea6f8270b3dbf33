"""Ad accounts: bind through the sandbox platform's OAuth, refresh, failure handling, unbind."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from urllib.parse import parse_qs, urlparse

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backend.ad_accounts import service as accounts
from backend.ad_accounts.service import AccountChanges
from backend.errors import AdAccountNotBound, AdAccountTokenExpired, NotFound, ValidationFailed
from backend.models import AdAccountStatus, Campaign
from backend.security.crypto import decrypt_token, encrypt_token
from tests.factories import make_ad_account, make_user

REDIRECT = "http://127.0.0.1:3000/api/v1/ad-accounts/oauth/callback"


def bind_sandbox(session, user):
    url = accounts.start_bind(user_id=user.id, platform="sandbox", redirect_uri=REDIRECT)
    query = parse_qs(urlparse(url).query)
    return accounts.complete_bind(session, user_id=user.id, code=query["code"][0], state=query["state"][0],
                                  redirect_uri=REDIRECT)


def make_campaign(session, user, account):
    campaign = Campaign(user_id=user.id, ad_account_id=account.id, platform=account.platform, name="C",
                        objective="sales", budget=Decimal("10"))
    session.add(campaign)
    session.flush()
    return campaign


class TestBind:
    def test_bind_stores_encrypted_tokens_and_selects_first(self, session):
        user = make_user(session)
        bound = bind_sandbox(session, user)
        assert len(bound) >= 1
        first = bound[0]
        assert first.is_active and first.status == AdAccountStatus.ACTIVE
        assert first.access_token_encrypted.startswith("v1.")
        assert decrypt_token(first.access_token_encrypted).startswith("sbx")
        assert accounts.list_accounts(session, user.id) == bound
        again = bind_sandbox(session, user)  # binding again updates, never duplicates
        assert [a.id for a in again] == [a.id for a in bound]

    def test_state_of_another_user_refused(self, session):
        me, other = make_user(session), make_user(session)
        url = accounts.start_bind(user_id=other.id, platform="sandbox", redirect_uri=REDIRECT)
        q = parse_qs(urlparse(url).query)
        with pytest.raises(ValidationFailed):
            accounts.complete_bind(session, user_id=me.id, code=q["code"][0], state=q["state"][0], redirect_uri=REDIRECT)

    def test_forged_state_refused(self, session):
        user = make_user(session)
        with pytest.raises(ValidationFailed):
            accounts.complete_bind(session, user_id=user.id, code="sbx-code-x", state="forged", redirect_uri=REDIRECT)

    def test_no_account_bound(self, session):
        with pytest.raises(AdAccountNotBound) as info:
            accounts.get_active_or_raise(session, make_user(session).id)
        assert info.value.code == "6000"


class TestOwnershipAndUpdates:
    def test_other_users_account_is_not_found(self, session):
        owner, other = make_user(session), make_user(session)
        account = make_ad_account(session, owner)
        with pytest.raises(NotFound):
            accounts.get_owned_or_raise(session, other.id, account.id)

    def test_selecting_one_account_unselects_the_others(self, session):
        user = make_user(session)
        a, b = make_ad_account(session, user, is_active=True), make_ad_account(session, user)
        accounts.update(session, user_id=user.id, account_id=b.id, changes=AccountChanges(is_active=True))
        session.refresh(a)
        assert b.is_active and not a.is_active
        with pytest.raises(ValidationFailed):
            accounts.update(session, user_id=user.id, account_id=b.id, changes=AccountChanges(account_name="  "))

    def test_unbind_forgets_tokens_and_pauses_automation(self, session):
        user = make_user(session)
        account = make_ad_account(session, user)
        campaign = make_campaign(session, user, account)
        accounts.unbind(session, user_id=user.id, account_id=account.id)
        session.refresh(campaign)
        assert account.status == AdAccountStatus.REVOKED and account.access_token_encrypted == ""
        assert campaign.automation_paused
        assert accounts.list_accounts(session, user.id) == []
        with pytest.raises(NotFound):
            accounts.get_owned_or_raise(session, user.id, account.id)


class TestRefresh:
    @given(hours=st.integers(min_value=-48, max_value=24 * 40))
    def test_property_3_accounts_expiring_within_24h_are_due(self, session, hours):
        """Property 3: every active account whose token expires within 24 hours is picked for refresh."""
        now = datetime(2026, 11, 26, 12, tzinfo=UTC)
        user = make_user(session)
        account = make_ad_account(session, user, token_expires_at=now + timedelta(hours=hours))
        due = accounts.accounts_due_for_refresh(session, now=now)
        assert (account.id in due) == (hours <= 24)

    def test_refresh_success_rotates_tokens(self, session):
        user = make_user(session)
        account = bind_sandbox(session, user)[0]
        before = account.access_token_encrypted
        outcome = accounts.refresh_tokens(session, account=account)
        assert outcome.refreshed and account.access_token_encrypted != before
        assert account.status == AdAccountStatus.ACTIVE and not account.needs_attention

    def test_refused_refresh_marks_expired_pauses_and_flags_banner(self, session):
        """Property 4 (service part): a failed refresh pauses the account's operations and sets the banner."""
        user = make_user(session)
        account = make_ad_account(session, user, platform_account_id="sbx-1001", access_token="sbx-at-revoked",
                                  refresh_token_encrypted=encrypt_token("sbx-rt-revoked"))
        campaign = make_campaign(session, user, account)
        outcome = accounts.refresh_tokens(session, account=account)
        session.refresh(campaign)
        assert not outcome.refreshed and outcome.error
        assert account.status == AdAccountStatus.EXPIRED and account.needs_attention
        assert campaign.automation_paused
        assert accounts.accounts_needing_attention(session, user.id) == [account]
        with pytest.raises(AdAccountTokenExpired):
            accounts.usable_access_token(account)
        # reconnecting the same platform account clears it all
        rebound = bind_sandbox(session, user)
        session.refresh(campaign)
        assert account.id in [a.id for a in rebound]
        assert account.status == AdAccountStatus.ACTIVE and not account.needs_attention
        assert not campaign.automation_paused
