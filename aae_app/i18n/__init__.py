"""One translation table for every user-visible string, English and Chinese.

Each page or component module registers its own strings next to the code that shows them:

    register({"dashboard.title": ("Dashboard", "仪表盘")})

and renders them with `t("dashboard.title")`, a Var that follows the signed-in user's language
(their profile setting), so a language change applies at once. `missing()` lists keys without a
Chinese text; a test keeps it empty.
"""

from __future__ import annotations

from typing import Any

LANGUAGES = ("en", "zh")
TABLE: dict[str, dict[str, str]] = {}


def register(entries: dict[str, tuple[str, str]]) -> None:
    for key, (en, zh) in entries.items():
        existing = TABLE.get(key)
        if existing is not None and existing != {"en": en, "zh": zh}:
            raise ValueError(f"translation key {key!r} registered twice with different texts")
        TABLE[key] = {"en": en, "zh": zh}


def translate(key: str, language: str = "en") -> str:
    entry = TABLE.get(key)
    if entry is None:
        return key
    return entry.get(language) or entry["en"]


def texts_for(language: str) -> dict[str, str]:
    return {key: entry.get(language) or entry["en"] for key, entry in TABLE.items()}


def missing() -> list[str]:
    return sorted(key for key, entry in TABLE.items() if not entry.get("zh") or not entry.get("en"))


def t(key: str) -> Any:
    """The text for `key` in the user's language, as a reactive Var."""
    if key not in TABLE:
        raise KeyError(f"untranslated UI string {key!r}: register it first")
    from aae_app.state.auth import AuthState

    return AuthState.texts[key]


# The shared and page texts (registered on import; modules elsewhere register their own).
from aae_app.i18n import billing, common, dashboard, notifications, settings  # noqa: E402, F401
from aae_app.i18n import tools  # noqa: E402, F401  (the chat's tool names)
