"""Tool-call cards name the tool in the user's language: every MCP tool has a display name in the
i18n table, English equal to the tool's own title; so do the chat's tools' arguments, the
summary templates (English equal to the backend's) and the statuses a summary can show."""

from __future__ import annotations

import string

from aae_app import i18n
from aae_app.i18n.tools import SUMMARY_PREFIX, SUMMARY_STATUS_PREFIX, TOOL_ARG_PREFIX, TOOL_NAME_PREFIX
from backend.chat import policy
from backend.mcp.registry import load_tools
from backend.models import AdAccountStatus, CampaignStatus, CreativeStatus, LandingPageStatus, UserStatus


def test_every_tool_has_an_english_and_a_chinese_name():
    tools = load_tools().all()
    assert tools
    for spec in tools:
        key = TOOL_NAME_PREFIX + spec.name
        assert key in i18n.TABLE, f"no display name for the tool {spec.name!r}: add it to aae_app/i18n/tools.py"
        assert i18n.translate(key, "en") == spec.title
        assert i18n.translate(key, "zh") != spec.title


def test_no_name_for_a_tool_that_does_not_exist():
    names = {spec.name for spec in load_tools().all()}
    stale = [key for key in i18n.TABLE if key.startswith(TOOL_NAME_PREFIX) and key[len(TOOL_NAME_PREFIX):] not in names]
    assert stale == []


def _chat_arguments() -> set[str]:
    return {name for info in policy.tool_infos() for name in (info.parameters.get("properties") or {})}


def test_every_argument_of_a_chat_tool_has_a_name_in_both_languages():
    arguments = _chat_arguments()
    assert "limit" in arguments
    for name in arguments:
        key = TOOL_ARG_PREFIX + name
        assert key in i18n.TABLE, f"no display name for the argument {name!r}: add it to aae_app/i18n/tools.py"
        assert i18n.translate(key, "en") == name
        assert i18n.translate(key, "zh") != name


def test_no_name_for_an_argument_that_does_not_exist():
    arguments = _chat_arguments()
    stale = [key for key in i18n.TABLE if key.startswith(TOOL_ARG_PREFIX) and key[len(TOOL_ARG_PREFIX):] not in arguments]
    assert stale == []


def _placeholders(template: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(template) if field}


def test_every_summary_template_is_translated_and_its_english_is_the_backends():
    for key, english in policy.SUMMARY_TEMPLATES.items():
        assert i18n.translate(SUMMARY_PREFIX + key, "en") == english
        zh = i18n.translate(SUMMARY_PREFIX + key, "zh")
        assert zh != english
        # The same placeholders in both languages (every template's, read from the strings).
        assert _placeholders(zh) == _placeholders(english) != set(), key


def test_every_status_a_summary_can_show_is_translated():
    statuses = {str(s) for enum in (CampaignStatus, LandingPageStatus, CreativeStatus, AdAccountStatus, UserStatus)
                for s in enum}
    for status in statuses:
        assert i18n.translate(SUMMARY_STATUS_PREFIX + status, "en") == status
        assert i18n.translate(SUMMARY_STATUS_PREFIX + status, "zh") != status
