"""Which MCP tools the chat offers, which of them wait for the user's approval, and how a
result is summed up on its card.

A card's summary is one English line (`summary`: what /ws/chat clients and the history always
had) and, when it comes from a template, that template's key and values (`summary_key`,
`summary_params`), so that the web UI shows it in the user's language (aae_app/i18n/tools.py
has the templates, `chat.summary.<key>`; their English is `SUMMARY_TEMPLATES`).

The registry's `destructive` hint covers deletions only; the chat also asks before anything
that pauses, publishes or spends (a paid tool spends credits; campaign edits can activate a
campaign or change its budget). Tools that exist for the orchestrator's own bookkeeping or for
data ingestion are not offered to the chat's model.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal
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


# The English of each summary template; a card names one by its key, with the values to fill in.
SUMMARY_TEMPLATES = {
    "found": "{total} found",  # a whole list
    "shown": "{shown} of {total} shown",  # one page of a longer list
    "status": "{name}: {status}",  # a record (campaign, landing page, …)
    "balance": "balance {total}",  # the credit balance
    "estimate": "about {estimate} credits (balance {balance})",  # estimate_cost
    "charged": "{amount} credits charged, balance {balance}",  # deduct_credits
    "refunded": "{refunded} credits refunded, balance {balance}",  # refund_credits
    "deleted": "#{id} deleted",  # delete_creative and the like
    "saved": "data points saved: {saved}",  # save_report_metrics
    "dashboard": "today: spend {spend}, ROAS {roas}, CPA {cpa}",  # get_dashboard_metrics
    "profile": "{name} ({email})",  # get_user_profile
    "notified": "sent: {title}",  # create_notification
}


@dataclass(frozen=True)
class Summary:
    """A card's one line: `text` in English; `key` and `params` name the template it came from
    (no key: a JSON preview of the result, the same in every language)."""

    text: str
    key: str = ""
    params: dict[str, Any] = field(default_factory=dict)


def _templated(key: str, **params: Any) -> Summary:
    params = {name: str(value) if isinstance(value, Decimal) else value for name, value in params.items()}
    return Summary(SUMMARY_TEMPLATES[key].format(**params), key, params)


def describe(data: Any) -> Summary:
    """One line for a card: counts for lists, name and status for a record, the tools' other
    result shapes by their templates, else the JSON."""
    if isinstance(data, dict):
        items = data.get("items")
        if isinstance(items, list):
            total = data.get("total", len(items))
            if total != len(items):
                return _templated("shown", shown=len(items), total=total)
            return _templated("found", total=total)
        if "name" in data and "status" in data:
            return _templated("status", name=str(data["name"]), status=str(data["status"]))
        if "total" in data and "gifted_credits" in data:
            return _templated("balance", total=data["total"])
        templated = _record_summary(data)
        if templated is not None:
            return templated
    if isinstance(data, list):
        return _templated("found", total=len(data))
    text = json.dumps(data, ensure_ascii=False, default=str)
    return Summary(text if len(text) <= SUMMARY_CHARS else text[: SUMMARY_CHARS - 1] + "…")


def _number(value: Any) -> str:
    return f"{value:.2f}" if isinstance(value, float) else str(value)


def _balance_total(data: dict[str, Any]) -> Any:
    balance = data.get("balance")
    return balance.get("total") if isinstance(balance, dict) else balance


def _record_summary(data: dict[str, Any]) -> Summary | None:
    """The line for the tools' other result shapes (see SUMMARY_TEMPLATES); None: no template."""
    if "estimate" in data and "balance" in data:
        return _templated("estimate", estimate=data["estimate"], balance=_balance_total(data))
    if "refunded" in data and "balance" in data:
        return _templated("refunded", refunded=data["refunded"], balance=_balance_total(data))
    if "operation_id" in data and "amount" in data and "balance" in data:
        return _templated("charged", amount=data["amount"], balance=_balance_total(data))
    if data.get("deleted") is True and "id" in data:
        return _templated("deleted", id=data["id"])
    if isinstance(data.get("saved"), int) and not isinstance(data.get("saved"), bool):
        return _templated("saved", saved=data["saved"])
    today = data.get("today")
    if isinstance(today, dict) and {"spend", "roas", "cpa"} <= today.keys():
        return _templated("dashboard", spend=_number(today["spend"]), roas=_number(today["roas"]),
                          cpa=_number(today["cpa"]))
    if "email" in data and "display_name" in data:
        return _templated("profile", name=data["display_name"], email=data["email"])
    if "title" in data and "message" in data and "sent_via" in data:
        return _templated("notified", title=data["title"])
    return None


def summarize(data: Any) -> str:
    """The English line of `describe(data)`."""
    return describe(data).text


def described(text: str, data: Any) -> Summary:
    """The card summary for a result shown as `text`: templated when `text` is the line the data
    gives (`describe`), else `text` as it is (e.g. an orchestrator's own summary)."""
    summary = describe(data)
    return summary if summary.text == text else Summary(text)
