"""/settings: ad accounts (bind, make active, refresh, unbind) and API tokens for MCP clients.

A new API token's plaintext is never put in a state var (state is persisted to Redis or disk):
it is written straight into the page by a script (`#new-token-value`) and shown once.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
from datetime import UTC, datetime

import reflex as rx

from aae_app.state.auth import AuthState, format_time, full_page_load
from backend.ad_accounts import service as ad_accounts
from backend.ad_accounts.endpoints import callback_url
from backend.ad_accounts.service import AccountChanges
from backend.db import unit_of_work
from backend.errors import AppError, NotFound, ValidationFailed
from backend.integrations.ad_platforms import enabled_platforms
from backend.mcp import tokens as api_tokens
from backend.models import AdAccount, AdAccountStatus, ApiToken

TOKEN_NAME_MAX = 100
NEW_TOKEN_ELEMENT = "new-token-value"


@dataclasses.dataclass
class AccountRow:
    id: int = 0
    name: str = ""
    platform: str = ""
    platform_account_id: str = ""
    currency: str = ""
    status: str = ""
    is_active: bool = False
    needs_attention: bool = False
    expires: str = ""
    days_left: int = 0
    expired: bool = False
    last_error: str = ""

    @classmethod
    def of(cls, account: AdAccount, timezone: str, now: datetime) -> AccountRow:
        expires_at = account.token_expires_at
        if expires_at is not None and expires_at.tzinfo is None:
            expires_at = expires_at.replace(tzinfo=UTC)
        expired = account.status == AdAccountStatus.EXPIRED or (expires_at is not None and expires_at <= now)
        return cls(
            id=account.id or 0, name=account.account_name, platform=account.platform,
            platform_account_id=account.platform_account_id, currency=account.currency, status=account.status,
            is_active=account.is_active, needs_attention=account.needs_attention,
            expires=format_time(expires_at, timezone),
            days_left=max(0, (expires_at - now).days) if expires_at is not None else 0,
            expired=expired, last_error=account.last_error or "",
        )


@dataclasses.dataclass
class TokenRow:
    id: int = 0
    name: str = ""
    prefix: str = ""
    created: str = ""
    last_used: str = ""

    @classmethod
    def of(cls, token: ApiToken, timezone: str) -> TokenRow:
        return cls(id=token.id or 0, name=token.name, prefix=token.token_prefix,
                   created=format_time(token.created_at, timezone), last_used=format_time(token.last_used_at, timezone))


def reveal_token_script(plaintext: str) -> str:
    """Put the plaintext into the page once the element exists (the panel renders with this event)."""
    return (
        "(function show(n){const el=document.getElementById(" + json.dumps(NEW_TOKEN_ELEMENT) + ");"
        "if(el){el.textContent=" + json.dumps(plaintext) + ";}else if(n>0){setTimeout(()=>show(n-1),50);}})(40)"
    )


def refresh_account(user_id: int, account_id: int) -> ad_accounts.RefreshOutcome:
    with unit_of_work() as session:
        account = ad_accounts.get_owned_or_raise(session, user_id, account_id)
        return ad_accounts.refresh_tokens(session, account=account)


class AccessState(AuthState):
    platforms: list[str] = []
    bind_platform: str = "sandbox"
    account_rows: list[AccountRow] = []
    accounts_loading: bool = False
    accounts_error: str = ""
    refreshing: int = 0  # the account whose token is being refreshed
    bind_outcome: str = ""  # ok | failed | cancelled, from the OAuth callback's redirect
    bind_count: int = 0
    bind_code: str = ""
    tokens: list[TokenRow] = []
    tokens_loading: bool = False
    tokens_error: str = ""
    token_name: str = ""
    token_name_error: str = ""
    token_revealed: bool = False

    @rx.event
    def load(self):
        if self.user_id is None:
            return None
        params = self.router.url.query_parameters
        self.bind_outcome = params.get("bind", "") if params.get("bind") in ("ok", "failed", "cancelled") else ""
        self.bind_count = int(params.get("count", "0")) if params.get("count", "").isdigit() else 0
        self.bind_code = params.get("code", "")[:8] if self.bind_outcome == "failed" else ""
        self.platforms = enabled_platforms()
        if self.bind_platform not in self.platforms and self.platforms:
            self.bind_platform = self.platforms[0]
        self.token_revealed, self.token_name, self.token_name_error = False, "", ""
        return [AccessState.load_accounts, AccessState.load_tokens]

    # --- ad accounts ---------------------------------------------------------------------

    @rx.event
    def load_accounts(self):
        if self.user_id is None:
            return
        self.accounts_loading, self.accounts_error = True, ""
        yield
        try:
            with unit_of_work() as session:
                now = datetime.now(UTC)
                self.account_rows = [AccountRow.of(a, self.timezone, now)
                                     for a in ad_accounts.list_accounts(session, self.user_id)]
                self._load_shell(session)
        except AppError as exc:
            self.accounts_error = exc.message
            yield self.fail(exc)
        finally:
            self.accounts_loading = False

    @rx.event
    def set_bind_platform(self, value: str):
        if value in self.platforms:
            self.bind_platform = value

    @rx.event
    def bind(self):
        """Open the platform's consent page (the sandbox's comes straight back to the callback)."""
        if self.user_id is None:
            return None
        try:
            url = ad_accounts.start_bind(user_id=self.user_id, platform=self.bind_platform,
                                         redirect_uri=callback_url())
        except AppError as exc:
            return self.fail(exc)
        return full_page_load(url)

    @rx.event
    def make_active(self, account_id: int):
        return [AuthState.select_account(str(account_id)), AccessState.load_accounts]

    @rx.event(background=True)
    async def refresh(self, account_id: int):
        """Refresh one account's tokens now (a platform call: off the event loop)."""
        async with self:
            if self.user_id is None or self.refreshing:
                return
            self.refreshing = int(account_id)
            user_id = self.user_id
        try:
            outcome = await asyncio.to_thread(refresh_account, user_id, int(account_id))
        except AppError as exc:
            async with self:
                self.refreshing = 0
                return self.fail(exc)
        async with self:
            self.refreshing = 0
            if outcome.refreshed:
                done = rx.toast.success(self.tr("settings.token_refreshed"))
            else:
                done = rx.toast.error(self.tr("settings.token_refresh_failed"), description=outcome.error or "")
        return [done, AccessState.load_accounts]

    @rx.event
    def unbind(self, account_id: int):
        if self.user_id is None:
            return None
        try:
            with unit_of_work() as session:
                ad_accounts.unbind(session, user_id=self.user_id, account_id=int(account_id),
                                   context=self.request_context())
        except AppError as exc:
            return self.fail(exc)
        return [rx.toast.success(self.tr("settings.account_unbound")), AccessState.load_accounts]

    @rx.event
    def dismiss_bind_outcome(self):
        self.bind_outcome = ""

    # --- API tokens ----------------------------------------------------------------------

    @rx.event
    def load_tokens(self):
        if self.user_id is None:
            return
        self.tokens_loading, self.tokens_error = True, ""
        yield
        try:
            with unit_of_work() as session:
                self.tokens = [TokenRow.of(tok, self.timezone) for tok in api_tokens.list_tokens(session, self.user_id)]
        except AppError as exc:
            self.tokens_error = exc.message
            yield self.fail(exc)
        finally:
            self.tokens_loading = False

    @rx.event
    def set_token_name(self, value: str):
        self.token_name = value
        self.token_name_error = ""

    @rx.event
    def create_token(self):
        if self.user_id is None:
            return None
        name = " ".join(self.token_name.split())
        if not name:
            self.token_name_error = self.tr("settings.error_token_name_required")
            return None
        if len(name) > TOKEN_NAME_MAX:
            self.token_name_error = self.tr("settings.error_token_name_long", max=TOKEN_NAME_MAX)
            return None
        try:
            with unit_of_work() as session:
                created = api_tokens.create(session, user_id=self.user_id, name=name)
                plaintext = created.plaintext
                row = TokenRow.of(created.token, self.timezone)
        except ValidationFailed as exc:
            self.token_name_error = exc.message
            return self.fail(exc)
        except AppError as exc:
            return self.fail(exc)
        self.tokens = [row, *self.tokens]
        self.token_name, self.token_revealed = "", True
        return rx.call_script(reveal_token_script(plaintext))

    @rx.event
    def hide_new_token(self):
        self.token_revealed = False
        return rx.call_script(f"(document.getElementById({json.dumps(NEW_TOKEN_ELEMENT)})||{{}}).textContent=''")

    @rx.event
    def revoke_token(self, token_id: int):
        if self.user_id is None:
            return None
        try:
            with unit_of_work() as session:
                api_tokens.revoke(session, user_id=self.user_id, token_id=int(token_id))
        except NotFound as exc:
            return [self.fail(exc), AccessState.load_tokens]
        except AppError as exc:
            return self.fail(exc)
        self.tokens = [tok for tok in self.tokens if tok.id != int(token_id)]
        return rx.toast.success(self.tr("settings.token_revoked"))
