"""A tool-call card's summary: one English line (`summary`, as /ws/chat clients always had it) and
the template it came from (`summary_key`, `summary_params`), which the web UI shows in the
user's language. Checked on `policy.describe` and on cards of a real turn, as the history keeps
them."""

from __future__ import annotations

from decimal import Decimal

import pytest

from backend.chat import flow, policy, service
from backend.db import unit_of_work
from backend.integrations.agents.base import Final, TextDelta, ToolCall, ToolResult
from tests.chat.conftest import ScriptedAgent, new_campaign


@pytest.mark.parametrize(("data", "text", "key", "params"), [
    ({"items": [{}, {}, {}, {}], "total": 4}, "4 found", "found", {"total": 4}),
    ({"items": [{}, {}], "total": 9, "limit": 2}, "2 of 9 shown", "shown", {"shown": 2, "total": 9}),
    ([1, 2, 3], "3 found", "found", {"total": 3}),
    ({"name": "Spring sale", "status": "paused", "id": 7}, "Spring sale: paused", "status",
     {"name": "Spring sale", "status": "paused"}),
    ({"total": Decimal("79.95"), "gifted_credits": Decimal("79.95")}, "balance 79.95", "balance",
     {"total": "79.95"}),
    # the other tools' results (backend/*/tools.py), as they come out of model_dump(mode="json")
    ({"tool": "generate_image", "estimate": "0.50", "balance": "79.95", "affordable": True},
     "about 0.50 credits (balance 79.95)", "estimate", {"estimate": "0.50", "balance": "79.95"}),
    ({"operation_id": "op-1", "amount": "1.20", "transaction_id": 9, "replayed": False,
      "balance": {"total": "78.75", "gifted_credits": "78.75"}},
     "1.20 credits charged, balance 78.75", "charged", {"amount": "1.20", "balance": "78.75"}),
    ({"operation_id": "op-2", "refunded": "1.20", "transaction_id": 10, "replayed": False,
      "balance": {"total": "79.95"}},
     "1.20 credits refunded, balance 79.95", "refunded", {"refunded": "1.20", "balance": "79.95"}),
    ({"id": 42, "deleted": True}, "#42 deleted", "deleted", {"id": 42}),
    ({"saved": 12}, "data points saved: 12", "saved", {"saved": 12}),
    ({"today": {"spend": "120.50", "roas": 2.3456, "cpa": "10.04", "ctr": 0.021}, "yesterday": {}, "trend": []},
     "today: spend 120.50, ROAS 2.35, CPA 10.04", "dashboard", {"spend": "120.50", "roas": "2.35", "cpa": "10.04"}),
    ({"id": 3, "email": "ann@example.com", "display_name": "Ann", "status": "active", "gifted_credits": "1"},
     "Ann (ann@example.com)", "profile", {"name": "Ann", "email": "ann@example.com"}),
    ({"id": 5, "title": "Budget low", "message": "…", "sent_via": ["app"], "type": "warning"},
     "sent: Budget low", "notified", {"title": "Budget low"}),
])
def test_templated_summaries(data, text, key, params):
    summary = policy.describe(data)
    assert (summary.text, summary.key, summary.params) == (text, key, params)
    assert policy.summarize(data) == text
    assert policy.SUMMARY_TEMPLATES[key].format(**params) == text


def test_other_results_are_a_json_preview_without_a_template():
    summary = policy.describe({"queued": 3, "affordable": True})
    assert (summary.text, summary.key, summary.params) == ('{"queued": 3, "affordable": true}', "", {})
    long = policy.describe({"text": "x" * 500})
    assert len(long.text) == policy.SUMMARY_CHARS and long.text.endswith("…") and long.key == ""


def test_an_orchestrators_own_summary_is_kept_as_it_is():
    data = {"items": [], "total": 0}
    assert policy.described("0 found", data) == policy.describe(data)
    assert policy.described("Nothing there yet", data) == policy.Summary("Nothing there yet")


async def test_cards_of_a_turn_carry_their_template_into_the_history(member):
    new_campaign(member, name="Spring sale")
    new_campaign(member, name="Autumn sale")
    agent = ScriptedAgent(
        ToolCall("c1", "get_credit_balance", {}),
        ToolCall("c2", "list_campaigns", {"limit": 1}),
        # Run by the orchestrator itself: its own summary, or none (then the data's line).
        ToolResult("c3", "list_landing_pages", True, data={"items": [], "total": 0}, summary="No pages yet"),
        ToolResult("c4", "list_landing_pages", True, data={"items": [], "total": 0}),
        TextDelta("Done."), Final())
    session = await flow.open_session(member.id, agent=agent)
    turn = await session.send("balance and campaigns")
    await turn.wait()
    with unit_of_work() as db:
        _, answer = service.load_history(db, member.id, turn.conversation_id)
    cards = {card.id: card for card in answer.tool_calls}
    balance, page, own, derived = cards["c1"], cards["c2"], cards["c3"], cards["c4"]
    assert balance.summary_key == "balance" and balance.summary == f"balance {balance.summary_params['total']}"
    assert Decimal(balance.summary_params["total"]) > 0
    assert (page.summary, page.summary_key, page.summary_params) == ("1 of 2 shown", "shown", {"shown": 1, "total": 2})
    assert (own.summary, own.summary_key, own.summary_params) == ("No pages yet", "", {})
    assert (derived.summary, derived.summary_key, derived.summary_params) == ("0 found", "found", {"total": 0})
    assert page.to_dict()["summary_params"] == {"shown": 1, "total": 2}  # as /ws/chat sends it


def test_every_tools_real_result_has_a_templated_summary(member):
    """Run every registered tool for real (through the MCP execution path) and check that its
    result gets a summary template: no card shows a raw JSON preview."""
    import base64

    from backend.mcp import service as mcp
    from backend.mcp.registry import load_tools
    from tests.mcp.test_tools import png

    def run(tool: str, arguments: dict) -> dict:
        return mcp.execute(member.id, tool, arguments).data

    creative = run("save_creative", {"name": "Hero", "content_base64": base64.b64encode(png()).decode()})
    page = run("create_landing_page", {"name": "Spring", "product_url": "https://shop.example.com/shoes"})
    campaign = run("create_campaign", {"ad_account_id": member.account_id, "name": "Spring sale",
                                       "objective": "sales", "budget": "50"})
    results = {
        "save_creative": creative, "create_landing_page": page, "create_campaign": campaign,
        "get_user_profile": run("get_user_profile", {}),
        "get_credit_balance": run("get_credit_balance", {}),
        "estimate_cost": run("estimate_cost", {"operation": "image_generation", "quantity": 2}),
        "list_ad_accounts": run("list_ad_accounts", {}),
        "get_dashboard_metrics": run("get_dashboard_metrics", {}),
        "save_report_metrics": run("save_report_metrics", {"rows": [{
            "ad_account_id": member.account_id, "timestamp": "2026-11-20T00:00:00Z", "entity_type": "campaign",
            "entity_id": "c-1", "entity_name": "Spring sale", "impressions": 1000, "clicks": 20, "spend": "12.50",
            "conversions": 2, "revenue": "40.00"}]}),
        "query_report_metrics": run("query_report_metrics", {"since": "2026-11-14", "until": "2026-11-20"}),
        "list_creatives": run("list_creatives", {}),
        "list_landing_pages": run("list_landing_pages", {}),
        "update_landing_page": run("update_landing_page", {"page_id": page["id"], "name": "Spring 2"}),
        "publish_landing_page": run("publish_landing_page", {"page_id": page["id"]}),
        "list_campaigns": run("list_campaigns", {}),
        "update_campaign": run("update_campaign", {"campaign_id": campaign["id"], "name": "Spring sale 2"}),
        "pause_campaign": run("pause_campaign", {"campaign_id": campaign["id"]}),
        "create_notification": run("create_notification", {"title": "Budget low", "message": "Top up soon"}),
        "deduct_credits": run("deduct_credits", {"operation_id": "llm-1", "amount": "1.50"}),
        "refund_credits": run("refund_credits", {"operation_id": "llm-1-back", "original_operation_id": "llm-1",
                                                 "amount": "0.50"}),
        "delete_creative": run("delete_creative", {"creative_id": creative["id"]}),
    }
    assert set(results) == set(load_tools().tools), "a tool is missing from this test"
    untemplated = {name: policy.describe(data).text for name, data in results.items() if not policy.describe(data).key}
    assert untemplated == {}
    assert policy.describe(results["refund_credits"]).text.startswith("0.50 credits refunded, balance ")
    assert policy.describe(results["delete_creative"]).text == f"#{creative['id']} deleted"
