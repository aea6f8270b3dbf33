"""/settings: profile, notifications, ad accounts, API tokens, privacy (export, delete account).

`?tab=accounts|tokens|notifications|privacy` opens a tab; the ad account OAuth callback
returns with `?bind=...`, which opens the ad accounts tab.
"""

from __future__ import annotations

import reflex as rx

from aae_app.components.settings_access import accounts_section, tokens_section
from aae_app.components.status import confirm_dialog, field_error, form_field, page_header, section
from aae_app.i18n import t
from aae_app.pages.template import app_page
from aae_app.state.auth import AuthState
from aae_app.state.settings import TABS, CategoryPreference, SettingsState
from aae_app.state.settings_access import AccessState


def profile_section() -> rx.Component:
    return section(
        t("settings.profile"), t("settings.profile_hint"),
        rx.form(
            rx.vstack(
                rx.grid(
                    form_field(t("settings.display_name"),
                               rx.input(value=SettingsState.form_name, on_change=SettingsState.set_form_name,
                                        id="profile-name", max_length=300, width="100%"),
                               error=SettingsState.name_error, html_for="profile-name"),
                    form_field(t("settings.email"), rx.input(value=AuthState.user_email, disabled=True, width="100%"),
                               hint=t("settings.email_hint")),
                    form_field(t("settings.language"), rx.select.root(
                        rx.select.trigger(width="100%", id="profile-language"),
                        rx.select.content(rx.select.item("English", value="en"), rx.select.item("中文", value="zh")),
                        value=SettingsState.form_language, on_change=SettingsState.set_form_language)),
                    form_field(t("settings.timezone"), rx.select.root(
                        rx.select.trigger(width="100%", id="profile-timezone"),
                        rx.select.content(rx.foreach(SettingsState.timezones, lambda z: rx.select.item(z, value=z))),
                        value=SettingsState.form_timezone, on_change=SettingsState.set_form_timezone),
                        error=SettingsState.timezone_error),
                    columns=rx.breakpoints(initial="1", sm="2"),
                    spacing="4",
                    width="100%",
                ),
                rx.hstack(
                    rx.button(t("common.save"), type="submit", id="save-profile", disabled=~SettingsState.profile_dirty),
                    justify="end", width="100%",
                ),
                spacing="4",
                width="100%",
            ),
            on_submit=lambda _: SettingsState.save_profile(),
            width="100%",
        ),
        element_id="profile",
    )


def category_switch(pref: CategoryPreference) -> rx.Component:
    return rx.hstack(
        rx.text(AuthState.texts[pref.label_key], size="2"),
        rx.spacer(),
        rx.switch(checked=pref.email, on_change=lambda value: SettingsState.set_category_email(pref.category, value),
                  disabled=~SettingsState.email_enabled, aria_label=AuthState.texts[pref.label_key]),
        width="100%", padding_y="6px", border_bottom=f"1px solid {rx.color('gray', 4)}",
    )


def notifications_section() -> rx.Component:
    return section(
        t("settings.notifications"), t("settings.notifications_hint"),
        rx.hstack(
            rx.vstack(rx.text(t("settings.email_enabled"), weight="medium", size="2"),
                      rx.text(t("settings.email_enabled_hint"), size="1", color_scheme="gray"), spacing="0"),
            rx.spacer(),
            rx.switch(checked=SettingsState.email_enabled, on_change=SettingsState.set_email_enabled,
                      id="email-enabled"),
            width="100%", align="center",
        ),
        rx.text(t("settings.email_by_category"), size="2", weight="medium"),
        rx.grid(rx.foreach(SettingsState.categories, category_switch), columns=rx.breakpoints(initial="1", md="2"),
                spacing_x="6", width="100%"),
        element_id="notification-preferences",
    )


def export_status() -> rx.Component:
    export = SettingsState.export
    return rx.match(
        export.status,
        ("", rx.text(t("settings.export_none"), size="2", color_scheme="gray")),
        ("ready", rx.hstack(
            rx.icon("circle-check", size=16, color=rx.color("grass", 10)),
            rx.text(t("settings.export_ready"), " ", t("settings.export_expires"), " ", export.expires, size="2"),
            rx.spacer(),
            rx.link(rx.button(rx.icon("download", size=14), t("settings.download")), href=export.download_url,
                    is_external=True, reload_document=True, id="export-download"),
            width="100%", align="center", wrap="wrap")),
        ("failed", rx.text(t("settings.export_failed"), size="2", color=rx.color("red", 11))),
        ("expired", rx.text(t("settings.export_expired"), size="2", color_scheme="gray")),
        rx.vstack(
            rx.hstack(rx.spinner(size="1"),
                      rx.text(t("settings.export_progress"), " ", export.progress, " %", size="2",
                              id="export-progress-text"),
                      align="center", spacing="2"),
            rx.progress(value=export.progress, max=100, width="100%", id="export-progress"),
            rx.text(t("settings.export_running"), " ", export.requested, size="1", color_scheme="gray"),
            width="100%", spacing="2"),
    )


def privacy_section() -> rx.Component:
    delete_input = rx.vstack(
        rx.text(t("settings.delete_type_email"), " ", rx.code(AuthState.user_email), size="2"),
        rx.input(value=SettingsState.delete_confirm, on_change=SettingsState.set_delete_confirm,
                 placeholder=AuthState.user_email, id="delete-confirm-email", width="100%"),
        field_error(SettingsState.delete_error, element_id="delete-error"),
        spacing="2", width="100%", margin_top="12px",
    )
    return rx.vstack(
        section(
            t("settings.export"), t("settings.export_hint"),
            rx.card(export_status(), variant="surface", width="100%", id="export-status"),
            action=rx.button(rx.icon("archive", size=14), t("settings.request_export"),
                             on_click=SettingsState.request_export, disabled=SettingsState.export_in_progress,
                             id="request-export"),
            element_id="data-export",
        ),
        section(
            t("settings.delete_account"), t("settings.delete_hint"),
            action=confirm_dialog(
                rx.button(rx.icon("trash-2", size=14), t("settings.delete_account"), color_scheme="red",
                          variant="soft", id="delete-account"),
                title=t("settings.delete_title"), description=t("settings.delete_text"),
                confirm_label=t("settings.delete_forever"), on_confirm=SettingsState.delete_account,
                extra=delete_input, confirm_disabled=~SettingsState.delete_matches, element_id="delete-dialog",
            ),
            element_id="delete-account-section",
        ),
        spacing="5", width="100%",
    )


TAB_CONTENT = {
    "profile": profile_section,
    "notifications": notifications_section,
    "accounts": accounts_section,
    "tokens": tokens_section,
    "privacy": privacy_section,
}


@app_page("/settings", title="Settings",
          on_load=[SettingsState.load, AccessState.load])
def settings() -> rx.Component:
    return rx.vstack(
        page_header(t("settings.title"), t("settings.subtitle")),
        rx.tabs.root(
            rx.tabs.list(*[rx.tabs.trigger(t(f"settings.tab.{name}"), value=name, id=f"tab-{name}")
                           for name in TABS], size="2", overflow_x="auto", overflow_y="hidden"),
            *[rx.tabs.content(rx.box(TAB_CONTENT[name](), padding_top="20px"), value=name) for name in TABS],
            value=SettingsState.tab,
            on_change=SettingsState.set_tab,
            width="100%",
        ),
        spacing="5",
        width="100%",
    )
