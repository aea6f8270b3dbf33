"""The registry: every required tool, well-formed schemas, hints and cost estimates."""

from __future__ import annotations

from decimal import Decimal

import pytest

from backend.mcp.registry import REGISTRY, ToolParams, ToolSpec, load_tools, round_up, tool
from backend.models import CreditConfig

REQUIRED = {
    "get_user_profile", "get_credit_balance", "estimate_cost", "list_ad_accounts", "get_dashboard_metrics",
    "query_report_metrics", "save_report_metrics", "list_creatives", "save_creative", "delete_creative",
    "list_landing_pages", "create_landing_page", "update_landing_page", "publish_landing_page", "list_campaigns",
    "create_campaign", "update_campaign", "pause_campaign", "create_notification", "deduct_credits",
    "refund_credits",
}
READ_ONLY = {"get_user_profile", "get_credit_balance", "estimate_cost", "list_ad_accounts", "get_dashboard_metrics",
             "query_report_metrics", "list_creatives", "list_landing_pages", "list_campaigns"}


class TestRegistry:
    def test_every_required_tool_is_declared(self):
        assert REQUIRED <= {spec.name for spec in load_tools().all()}

    def test_read_only_and_destructive_hints(self):
        registry = load_tools()
        assert {spec.name for spec in registry.all() if spec.read_only} == READ_ONLY
        assert registry.get("delete_creative").destructive
        for spec in registry.all():
            hints = spec.annotations()
            assert not (hints["readOnlyHint"] and hints["destructiveHint"]), spec.name

    @pytest.mark.parametrize("name", sorted(REQUIRED))
    def test_schemas_are_json_objects_refusing_unknown_arguments(self, name):
        schema = load_tools().get(name).input_schema()
        assert schema["type"] == "object"
        assert schema.get("additionalProperties") is False

    def test_paid_tools_estimate_from_the_credit_config(self):
        config = CreditConfig(landing_page_rate=Decimal("12.50"))
        spec = load_tools().get("create_landing_page")
        assert spec.paid
        assert spec.cost_info(config) == {"paid": True, "estimate": "12.50", "basis": spec.cost_basis}
        assert load_tools().get("list_campaigns").cost_info(config)["estimate"] == "0.00"

    def test_a_name_cannot_be_declared_twice(self):
        class P(ToolParams):
            pass

        def first(session, user_id, params):
            return None

        def second(session, user_id, params):
            return None

        tool("test_twice", "x", P)(first)
        try:
            with pytest.raises(ValueError):
                tool("test_twice", "x", P)(second)
        finally:
            REGISTRY.tools.pop("test_twice", None)

    def test_read_only_tools_cannot_be_destructive(self):
        class P(ToolParams):
            pass

        with pytest.raises(ValueError):
            tool("test_contradiction", "x", P, read_only=True, destructive=True)

    @pytest.mark.parametrize(("value", "expected"), [("0.001", "0.01"), ("1.00", "1.00"), ("2.341", "2.35"),
                                                     ("-1", "0.00")])
    def test_estimates_round_up_to_the_cent(self, value, expected):
        assert round_up(Decimal(value)) == Decimal(expected)

    def test_cost_function_gets_params_and_config(self):
        class P(ToolParams):
            n: int = 1

        spec = ToolSpec("t", "d", P, lambda s, u, p: None, cost=lambda p, c: c.image_generation_rate * p.n)
        assert spec.estimate(P(n=3), CreditConfig(image_generation_rate=Decimal("0.5"))) == Decimal("1.50")
