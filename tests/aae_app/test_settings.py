"""Settings states without a browser: profile, preferences, ad accounts, API tokens, export, deletion."""

from datetime import UTC, datetime, timedelta

import pytest

from aae_app.state.settings import SettingsState, timezone_choices
from aae_app.state.settings_access import AccessState, AccountRow, reveal_token_script
from backend.ad_accounts import service as ad_accounts
from backend.db import unit_of_work
from backend.mcp import tokens as api_tokens
from backend.models import AdAccount, ApiToken, DataExport, User, UserStatus
from tests.aae_app.test_shell_support import run, signed_in, spec_args, toast_text
from tests.factories import make_ad_account, make_user


@pytest.fixture()
def user(committed_engine):
    with unit_of_work() as session:
        return make_user(session, display_name="Walter Skinner")


def settings_of(user_id: int, path: str = "/settings/") -> SettingsState:
    state = signed_in(user_id, path=path)[SettingsState]
    run(state.load())
    return state


def access_of(user_id: int, path: str = "/settings/") -> AccessState:
    state = signed_in(user_id, path=path)[AccessState]
    for event in run(state.load()):
        run(getattr(state, event.fn.__name__)())
    return state


class TestProfile:
    def test_load_fills_the_form_and_opens_the_requested_tab(self, user):
        state = settings_of(user.id, "/settings/?tab=tokens")
        assert (state.form_name, state.form_language, state.form_timezone, state.tab) == (
            "Walter Skinner", "en", "UTC", "tokens")
        assert settings_of(user.id, "/settings/?bind=ok&count=2").tab == "accounts"
        assert settings_of(user.id, "/settings/?tab=nope").tab == "profile"
        assert not state.profile_dirty

    def test_field_errors(self, user):
        state = settings_of(user.id)
        state.set_form_name("   ")
        state.set_form_timezone("Mars/Olympus")
        assert state.save_profile() is None
        assert state.name_error == "Enter a display name." and state.timezone_error == "Choose a time zone from the list."
        state.set_form_name("x" * 256)
        assert state.save_profile() is None and state.name_error == "At most 255 characters."
        state.set_form_name("ok")
        assert state.name_error == ""

    def test_save_applies_the_language_at_once(self, user):
        state = settings_of(user.id)
        state.set_form_name("  Walter S. Skinner ")
        state.set_form_language("zh")
        state.set_form_timezone("Asia/Shanghai")
        assert state.profile_dirty
        events = state.save_profile()
        assert "个人资料已保存" in toast_text([events])
        assert state.user_name == "Walter S. Skinner" and state.texts["nav.settings"] == "设置"
        with unit_of_work() as session:
            saved = session.get(User, user.id)
            assert (saved.display_name, saved.language, saved.timezone) == ("Walter S. Skinner", "zh", "Asia/Shanghai")

    def test_timezone_choices_keep_an_unlisted_current_zone(self):
        assert "Asia/Shanghai" in timezone_choices("UTC")
        assert timezone_choices("America/Anchorage")[1] == "America/Anchorage"
        assert "Nope/Zone" not in timezone_choices("Nope/Zone")


class TestPreferences:
    def test_toggles_save_and_merge(self, user):
        state = settings_of(user.id)
        assert state.email_enabled and all(c.email for c in state.categories)
        state.set_category_email("campaigns", False)
        state.set_email_enabled(False)
        with unit_of_work() as session:
            stored = session.get(User, user.id).notification_preferences
        assert stored == {"email_enabled": False, "email_categories": {"campaigns": False}}
        reloaded = settings_of(user.id)
        assert not reloaded.email_enabled
        assert {c.category: c.email for c in reloaded.categories}["campaigns"] is False
        assert reloaded.set_category_email("not-a-category", True) is None


class TestExportAndDeletion:
    def test_request_export_shows_progress_and_starts_watching(self, user):
        state = settings_of(user.id)
        assert state.export.status == ""
        events = state.request_export()
        assert SettingsState.watch_export in events
        assert state.export.status == "pending" and state.export_in_progress and state.export.download_url == ""
        with unit_of_work() as session:
            assert session.get(DataExport, state.export.id).user_id == user.id

    def test_delete_needs_the_exact_email_then_signs_out(self, user):
        state = settings_of(user.id)
        state.set_delete_confirm("someone@else.example")
        assert not state.delete_matches and state.delete_account() is None
        assert state.delete_error == "The email does not match your account."
        state.set_delete_confirm(user.email.upper())
        assert state.delete_matches and state.delete_error == ""
        events = state.delete_account()
        assert "/api/v1/auth/logout" in spec_args(events[-1])["javascript_code"]
        assert not state.signed_in
        with unit_of_work() as session:
            assert session.get(User, user.id).status == UserStatus.DELETING


class TestAdAccounts:
    def test_rows_with_token_expiry_and_bind_outcome(self, user):
        with unit_of_work() as session:
            owner = session.get(User, user.id)
            make_ad_account(session, owner, account_name="Fresh", is_active=True,
                            token_expires_at=datetime.now(UTC) + timedelta(days=10, hours=1))
            make_ad_account(session, owner, account_name="Stale",
                            token_expires_at=datetime.now(UTC) - timedelta(hours=1))
        state = access_of(user.id, "/settings/?bind=failed&code=4000")
        fresh, stale = state.account_rows
        assert isinstance(fresh, AccountRow) and fresh.is_active and fresh.days_left == 10 and not fresh.expired
        assert stale.expired and stale.days_left == 0
        assert (state.bind_outcome, state.bind_code, state.platforms) == ("failed", "4000", ["sandbox"])

    def test_bind_goes_to_the_platform_with_a_full_page_load(self, user):
        state = access_of(user.id)
        script = spec_args(state.bind())["javascript_code"]
        assert "window.location.assign" in script and "/api/v1/ad-accounts/oauth/callback?code=sbx-code-" in script

    def test_unbind_and_make_active(self, user):
        with unit_of_work() as session:
            owner = session.get(User, user.id)
            one = make_ad_account(session, owner, account_name="One", is_active=True)
            two = make_ad_account(session, owner, account_name="Two")
        state = access_of(user.id)
        state.make_active(two.id)
        state.select_account(str(two.id))
        assert state.active_account_id == str(two.id)
        events = state.unbind(one.id)
        assert "Ad account unbound" in toast_text(events)
        with unit_of_work() as session:
            assert session.get(AdAccount, one.id).status == "revoked"
        assert "5000" in toast_text([state.unbind(one.id)])  # gone already

    def test_refresh_marks_a_refused_grant_for_reconnecting(self, user):
        from aae_app.state.settings_access import refresh_account

        with unit_of_work() as session:
            account = make_ad_account(session, session.get(User, user.id), access_token="sbx-at-1-revoked")
        outcome = refresh_account(user.id, account.id)
        assert not outcome.refreshed
        with unit_of_work() as session:
            assert session.get(AdAccount, account.id).needs_attention
            assert [a.id for a in ad_accounts.accounts_needing_attention(session, user.id)] == [account.id]


class TestApiTokens:
    def test_create_shows_the_plaintext_once_and_never_keeps_it(self, user):
        state = access_of(user.id)
        state.set_token_name("   ")
        assert state.create_token() is None and state.token_name_error == "Give the token a name."
        state.set_token_name("x" * 101)
        assert state.create_token() is None and state.token_name_error == "At most 100 characters."
        state.set_token_name("Claude  Desktop")
        script = spec_args(state.create_token())["javascript_code"]
        plaintext = script.split('el.textContent="')[1].split('"')[0]
        assert plaintext.startswith("aae_pat_") and state.token_revealed and state.token_name == ""
        assert plaintext not in repr(state.dict()) and plaintext not in repr(state.parent_state.dict())
        assert [(t.name, t.prefix) for t in state.tokens] == [("Claude Desktop", plaintext[:12])]
        with unit_of_work() as session:
            assert api_tokens.verify(session, plaintext) is not None
        state.hide_new_token()
        assert not state.token_revealed

    def test_revoke(self, user):
        with unit_of_work() as session:
            created = api_tokens.create(session, user_id=user.id, name="CI")
        state = access_of(user.id)
        assert [t.name for t in state.tokens] == ["CI"]
        assert "Token revoked" in toast_text([state.revoke_token(created.token.id)])
        assert state.tokens == []
        with unit_of_work() as session:
            assert session.get(ApiToken, created.token.id).revoked_at is not None
            assert api_tokens.verify(session, created.plaintext) is None

    def test_reveal_script_escapes_the_value(self):
        assert '"a\\"b"' in reveal_token_script('a"b')
