"""Pure functions returning components. Shared pieces any page can reuse:

- `layout.shell` — the app shell (applied by `pages.template.app_page`); `layout.NAV_ITEMS`.
- `status` — `list_view` (loading / error / empty / content), `loading_state`, `error_state`,
  `empty_state`, `confirm_dialog` (every destructive action), `field_error`, `form_field`,
  `page_header`, `section`, `skeleton_lines`.
- `tables` — `table_shell`, `header`, `numeric_cell`, `pager`.
- `charts` — `trend_chart` (recharts; areas and lines, follows light/dark).
- `banners` — `notice`/`bar` (callout row with an action), the low-balance and reconnect banners.
- `credits` — balance card, package card, ledger table.
- `cookie_consent.cookie_consent`, `chat_slot.chat_drawer` (the chat feature fills it in).

State-side helpers live in `aae_app.state.auth`: `error_toast(exc, language)` / `AuthState.fail(exc)`
(a toast with the message and the error code), `AuthState.tr(key, **values)`, `format_time`,
`full_page_load(url)`, and `on_active_account_change(handler)`.
"""
