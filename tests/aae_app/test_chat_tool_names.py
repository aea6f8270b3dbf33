"""Tool-call cards name the tool in the user's language: every MCP tool has a display name in the
i18n table, English equal to the tool's own title."""

from __future__ import annotations

from aae_app import i18n
from aae_app.i18n.tools import TOOL_NAME_PREFIX
from backend.mcp.registry import load_tools


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
