"""Which MCP tools the chat offers, which of them wait for the user's approval, and how a
result is summed up on its card.

The registry's `destructive` hint covers deletions only; the chat also asks before anything
that pauses, publishes or spends (a paid tool spends credits; campaign edits can activate a
campaign or change its budget). Tools that exist for the orchestrator's own bookkeeping or for
data ingestion are not offered to the chat's model.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from backend.integrations.agents.base import ToolInfo
from backend.mcp.registry import ToolSpec, load_tools

# The orchestrator bills its own LLM usage and feeds platform metrics; a chat model must not.
HIDDEN_FROM_CHAT = frozenset({"deduct_credits", "refund_credits", "save_report_metrics", "create_notification"})
# Beyond destructive and paid tools: pause, publish, or change what a campaign spends.
NEEDS_APPROVAL = frozenset({"pause_campaign", "publish_landing_page", "create_campaign", "update_campaign"})

SUMMARY_CHARS = 200


def chat_tool(name: str) -> ToolSpec | None:
    if name in HIDDEN_FROM_CHAT:
        return None
    return load_tools().get(name)


def requires_approval(spec: ToolSpec) -> bool:
    return not spec.read_only and (spec.destructive or spec.paid or spec.name in NEEDS_APPROVAL)


@lru_cache(maxsize=1)
def tool_infos() -> tuple[ToolInfo, ...]:
    """The chat's tools as agents see them (name, description, JSON schema, approval)."""
    return tuple(
        ToolInfo(name=spec.name, description=spec.description, parameters=spec.input_schema(),
                 title=spec.title, read_only=spec.read_only, requires_approval=requires_approval(spec))
        for spec in load_tools().all() if spec.name not in HIDDEN_FROM_CHAT
    )


def title_of(name: str) -> str:
    spec = load_tools().get(name)
    return spec.title if spec is not None and spec.title else name.replace("_", " ").capitalize()


def summarize(data: Any) -> str:
    """One line for a card: counts for lists, name and status for a record, else the JSON."""
    if isinstance(data, dict):
        items = data.get("items")
        if isinstance(items, list):
            total = data.get("total", len(items))
            return f"{len(items)} of {total} shown" if total != len(items) else f"{total} found"
        if "name" in data and "status" in data:
            return f"{data['name']}: {data['status']}"
        if "total" in data and "gifted_credits" in data:
            return f"balance {data['total']}"
    if isinstance(data, list):
        return f"{len(data)} found"
    text = json.dumps(data, ensure_ascii=False, default=str)
    return text if len(text) <= SUMMARY_CHARS else text[: SUMMARY_CHARS - 1] + "…"
