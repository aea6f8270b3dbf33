"""Settings sections for access: ad accounts and API tokens (state: `AccessState`)."""

from __future__ import annotations

import reflex as rx

from aae_app.components.banners import notice
from aae_app.components.status import confirm_dialog, field_error, list_view, section
from aae_app.components.tables import header, table_shell
from aae_app.i18n import t
from aae_app.state.auth import AuthState
from aae_app.state.settings_access import NEW_TOKEN_ELEMENT, AccessState, AccountRow, TokenRow

PLATFORM_COLORS = {"sandbox": "violet", "meta": "blue", "tiktok": "gray", "google": "green"}


def platform_badge(platform: rx.Var[str]) -> rx.Component:
    return rx.badge(AuthState.texts[f"platform.{platform}"], variant="surface", radius="full",
                    color_scheme=rx.match(platform, *PLATFORM_COLORS.items(), "gray"))


def bind_outcome() -> rx.Component:
    dismiss = rx.icon_button(rx.icon("x", size=14), variant="ghost", color_scheme="gray", size="1",
                             on_click=AccessState.dismiss_bind_outcome, aria_label=t("common.close"))
    return rx.match(
        AccessState.bind_outcome,
        ("ok", notice(t("settings.bind_ok"), " (", AccessState.bind_count, ")", color="grass",
                      icon="circle-check", element_id="bind-ok", action=dismiss)),
        ("failed", notice(t("settings.bind_failed"), " ", t("errors.code_prefix"), " ", AccessState.bind_code,
                          color="red", icon="circle-alert", element_id="bind-failed", action=dismiss)),
        ("cancelled", notice(t("settings.bind_cancelled"), color="gray", icon="circle-x", element_id="bind-cancelled",
                             action=dismiss)),
        rx.fragment(),
    )


def expiry_text(row: AccountRow) -> rx.Component:
    return rx.cond(
        row.expired,
        rx.badge(rx.icon("clock-alert", size=12), t("settings.token_expired"), color_scheme="red", variant="soft"),
        rx.cond(row.expires != "",
                rx.vstack(rx.text(row.expires, size="2", font_variant_numeric="tabular-nums"),
                          rx.text(t("settings.days_left"), ": ", row.days_left, size="1",
                                  color=rx.cond(row.days_left < 2, rx.color("amber", 11), rx.color("gray", 10))),
                          spacing="0"),
                rx.text(t("settings.no_expiry"), size="2", color_scheme="gray")),
    )


def account_row(row: AccountRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.vstack(
            rx.hstack(rx.text(row.name, weight="medium", size="2"),
                      rx.cond(row.is_active, rx.badge(t("settings.active"), color_scheme="indigo", radius="full",
                                                      class_name="active-badge"), rx.fragment()),
                      spacing="2", align="center"),
            rx.text(row.platform_account_id, " · ", row.currency, size="1", color_scheme="gray"),
            spacing="1")),
        rx.table.cell(platform_badge(row.platform)),
        rx.table.cell(rx.cond(row.expired | row.needs_attention,
                              rx.badge(t("settings.needs_reconnect"), color_scheme="red"),
                              rx.badge(t("settings.connected"), color_scheme="grass"))),
        rx.table.cell(expiry_text(row), class_name="token-expiry"),
        rx.table.cell(rx.hstack(
            rx.cond(row.is_active, rx.fragment(),
                    rx.button(t("settings.make_active"), size="1", variant="soft",
                              on_click=AccessState.make_active(row.id), class_name="make-active")),
            rx.button(rx.cond(AccessState.refreshing == row.id, rx.spinner(size="1"), rx.icon("refresh-cw", size=12)),
                      t("settings.refresh"), size="1", variant="soft", color_scheme="gray",
                      disabled=AccessState.refreshing != 0, on_click=AccessState.refresh(row.id),
                      class_name="refresh-account"),
            confirm_dialog(
                rx.button(rx.icon("unlink", size=12), t("settings.unbind"), size="1", variant="soft",
                          color_scheme="red", class_name="unbind-account"),
                title=t("settings.unbind_title"), description=t("settings.unbind_text"),
                confirm_label=t("settings.unbind"), on_confirm=AccessState.unbind(row.id),
            ),
            spacing="2", justify="end",
        ), justify="end"),
        class_name="account-row", align="center", data_platform_account=row.platform_account_id,
    )


def accounts_section() -> rx.Component:
    connect = rx.hstack(
        rx.select.root(
            rx.select.trigger(aria_label=t("settings.platform"), id="bind-platform"),
            rx.select.content(rx.foreach(AccessState.platforms,
                                         lambda p: rx.select.item(AuthState.texts[f"platform.{p}"], value=p))),
            value=AccessState.bind_platform, on_change=AccessState.set_bind_platform, size="2",
        ),
        rx.button(rx.icon("plug", size=14), t("settings.connect"), on_click=AccessState.bind, id="bind-account"),
        spacing="2",
    )
    return section(
        t("settings.ad_accounts"), t("settings.ad_accounts_hint"),
        bind_outcome(),
        list_view(
            table_shell(
                header(t("settings.account"), t("settings.platform"), t("settings.status"),
                       t("settings.token_expires"), (t("settings.actions"), "end")),
                rx.table.body(rx.foreach(AccessState.account_rows, account_row)),
                element_id="account-table", min_width="760px",
            ),
            loading=AccessState.accounts_loading, error=AccessState.accounts_error,
            empty=AccessState.account_rows.length() == 0, on_retry=AccessState.load_accounts,
            empty_icon="plug", empty_title=t("settings.no_accounts"), empty_text=t("settings.no_accounts_hint"),
        ),
        action=connect,
        element_id="ad-accounts",
    )


def new_token_panel() -> rx.Component:
    return rx.callout.root(
        rx.callout.icon(rx.icon("key-round", size=16)),
        rx.vstack(
            rx.callout.text(rx.text.strong(t("settings.token_created")), " ", t("settings.token_copy_now")),
            rx.hstack(
                rx.code(id=NEW_TOKEN_ELEMENT, size="2", variant="outline", word_break="break-all", flex="1"),
                rx.button(rx.icon("copy", size=14), t("common.copy"), size="1", variant="soft",
                          on_click=rx.call_script(
                              f"navigator.clipboard.writeText(document.getElementById('{NEW_TOKEN_ELEMENT}')"
                              ".textContent)"), id="copy-token"),
                rx.button(t("common.done"), size="1", on_click=AccessState.hide_new_token, id="hide-token"),
                width="100%", align="center", spacing="2",
            ),
            spacing="2", width="100%",
        ),
        color_scheme="grass",
        width="100%",
        id="new-token-panel",
        display=rx.cond(AccessState.token_revealed, "flex", "none"),
    )


def token_row(row: TokenRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(row.name, weight="medium", size="2")),
        rx.table.cell(rx.code(row.prefix, "…", size="1", variant="ghost")),
        rx.table.cell(rx.text(row.created, size="2")),
        rx.table.cell(rx.text(rx.cond(row.last_used != "", row.last_used, t("settings.never")), size="2",
                              color_scheme="gray")),
        rx.table.cell(confirm_dialog(
            rx.button(t("settings.revoke"), size="1", variant="soft", color_scheme="red", class_name="revoke-token"),
            title=t("settings.revoke_title"), description=t("settings.revoke_text"),
            confirm_label=t("settings.revoke"), on_confirm=AccessState.revoke_token(row.id),
        ), justify="end"),
        class_name="token-row", align="center",
    )


def tokens_section() -> rx.Component:
    form = rx.form(
        rx.flex(
            rx.vstack(
                rx.input(value=AccessState.token_name, on_change=AccessState.set_token_name,
                         placeholder=t("settings.token_name_placeholder"), id="token-name", max_length=120,
                         width="100%", aria_label=t("settings.token_name")),
                field_error(AccessState.token_name_error, element_id="token-name-error"),
                spacing="1", flex="1", width="100%",
            ),
            rx.button(rx.icon("plus", size=14), t("settings.create_token"), type="submit", id="create-token"),
            gap="8px", align="start", width="100%",
        ),
        on_submit=lambda _: AccessState.create_token(),
        width="100%",
    )
    return section(
        t("settings.api_tokens"), t("settings.api_tokens_hint"),
        new_token_panel(),
        form,
        list_view(
            table_shell(
                header(t("settings.token_name"), t("settings.token_prefix"), t("settings.created"),
                       t("settings.last_used"), ("", "end")),
                rx.table.body(rx.foreach(AccessState.tokens, token_row)),
                element_id="token-table",
            ),
            loading=AccessState.tokens_loading, error=AccessState.tokens_error,
            empty=AccessState.tokens.length() == 0, on_retry=AccessState.load_tokens,
            empty_icon="key-round", empty_title=t("settings.no_tokens"), empty_text=t("settings.no_tokens_hint"),
        ),
        element_id="api-tokens",
    )
