"""Surface 1 over HTTP: POST /mcp/v1/tools and /mcp/v1/execute (Properties 23, 24, 25)."""

from __future__ import annotations

import string
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from backend.config import get_settings
from backend.errors import StorageError
from backend.mcp.registry import ToolParams, ToolSpec, load_tools
from tests.mcp.conftest import new_member
from tests.mcp.support import envelope_error, execute, success

READ_ONLY_ARGUMENTS = {
    "estimate_cost": {"tool": "create_landing_page",
                      "arguments": {"name": "Spring", "product_url": "https://shop.example.com/shoes"}},
    "query_report_metrics": {"group_by_day": False},
}
HEADER_TEXT = st.text(alphabet=string.ascii_letters + string.digits + "-._~+/=:", max_size=80)


class Probe(ToolParams):
    pass


@pytest.fixture()
def probe(temporary_tool):
    """A tool that records every run: a refused call must never reach a handler."""
    calls: list[int] = []

    def handler(session, user_id, params):
        calls.append(user_id)
        return {"ran": True}

    temporary_tool(ToolSpec("test_probe", "Records its calls", Probe, handler))
    return calls


class TestServiceToken:
    @given(token=HEADER_TEXT, scheme=st.sampled_from(["Bearer", "bearer", "Basic", "Token", ""]),
           tamper=st.sampled_from(["none", "append", "prefix", "truncate"]))
    def test_wrong_tokens_are_refused_and_never_execute(self, api, member, probe, token, scheme, tamper):
        """Property 23: MCP tool invocations verify the caller's service token before execution:
        any other token (altered, truncated, another scheme, or none) is 1002 and nothing runs."""
        real = get_settings().service_token
        presented = {"none": token, "append": real + (token or "x"), "prefix": (token or "x") + real,
                     "truncate": real[: len(token) % len(real)]}[tamper]
        assume(presented.strip() != real)  # HTTP trims header whitespace: "real + ' '" is the real token
        headers = {"Authorization": f"{scheme} {presented}".strip()} if scheme or presented else {}
        for path, body in (("/mcp/v1/execute", {"user_id": member.id, "tool": "test_probe", "arguments": {}}),
                           ("/mcp/v1/tools", {})):
            envelope_error(api.post(path, json=body, headers=headers), 401, "1002")
        assert probe == []

    def test_malformed_bodies_without_a_token_are_still_1002(self, api, probe):
        response = api.post("/mcp/v1/execute", content=b"{not json", headers={"Content-Type": "application/json"})
        envelope_error(response, 401, "1002")
        assert probe == []

    def test_the_service_token_executes(self, api, service_headers, member, probe):
        assert success(execute(api, service_headers, member.id, "test_probe"))["data"] == {"ran": True}
        assert probe == [member.id]


class TestListTools:
    def test_lists_every_tool_with_schema_annotations_and_cost(self, api, service_headers):
        body = api.post("/mcp/v1/tools", headers=service_headers).json()
        assert body["status"] == "success"
        tools = {t["name"]: t for t in body["data"]["tools"]}
        assert set(tools) == {spec.name for spec in load_tools().all()}
        landing = tools["create_landing_page"]
        assert landing["input_schema"]["type"] == "object" and "product_url" in landing["input_schema"]["properties"]
        assert landing["cost"]["paid"] is True and landing["cost"]["estimate"] == "15.00"
        assert tools["list_campaigns"]["annotations"]["readOnlyHint"] is True
        assert tools["delete_creative"]["annotations"]["destructiveHint"] is True

    def test_mcp_routes_do_not_swallow_each_other(self, api, service_headers):
        assert api.post("/mcp/v1/tools", headers=service_headers).status_code == 200
        envelope_error(api.get("/mcp/v1/tools", headers=service_headers), 405, "4000")
        assert api.post("/mcp", json={}).status_code == 401  # the protocol surface's own auth


def seed_metrics(api, service_headers, member) -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    rows = [{"ad_account_id": member.account_id, "timestamp": (now - timedelta(days=d)).isoformat(),
             "entity_type": "campaign", "entity_id": "cmp-1", "entity_name": "Spring sale", "impressions": 1000,
             "clicks": 50, "spend": "20.00", "conversions": 5, "revenue": "80.00"} for d in range(3)]
    assert success(execute(api, service_headers, member.id, "save_report_metrics", {"rows": rows}))["data"] == \
        {"saved": 3}


class TestSuccessShape:
    @pytest.mark.parametrize("name", sorted(spec.name for spec in load_tools().all() if spec.read_only))
    def test_every_read_only_tool(self, api, service_headers, member, name):
        """Property 24: a successful MCP tool execution returns status "success", the requested data
        and the credits it charged (0 for every read-only tool)."""
        seed_metrics(api, service_headers, member)
        body = success(execute(api, service_headers, member.id, name, READ_ONLY_ARGUMENTS.get(name, {})))
        assert body["data"] is not None
        assert body["credits_charged"] == "0.00"

    def test_data_is_the_users_own(self, api, service_headers, member):
        seed_metrics(api, service_headers, member)
        other = new_member()
        mine = success(execute(api, service_headers, member.id, "query_report_metrics", {"group_by_day": False}))
        theirs = success(execute(api, service_headers, other.id, "query_report_metrics", {"group_by_day": False}))
        assert mine["data"]["total"] == 1 and mine["data"]["items"][0]["spend"] == "60.00"
        assert theirs["data"]["total"] == 0
        profile = success(execute(api, service_headers, member.id, "get_user_profile"))["data"]
        assert profile["id"] == member.id


class FailingParams(ToolParams):
    pass


class TestErrorShape:
    @given(name=st.text(alphabet=string.ascii_lowercase + "_", min_size=1, max_size=40))
    def test_unknown_tools_are_3001(self, api, service_headers, member, name):
        """Property 25: a failed MCP tool execution returns status "error" with an error code and
        message in the envelope: an unknown tool is 3001."""
        if load_tools().get(name) is not None:
            return
        error = envelope_error(execute(api, service_headers, member.id, name), 404, "3001")
        assert error["details"]["tool"] == name

    @pytest.mark.parametrize(("tool", "arguments", "operation_id", "field"), [
        ("list_campaigns", {"limit": 0}, None, "limit"),
        ("list_campaigns", {"colour": "red"}, None, "colour"),
        ("list_campaigns", ["not", "an", "object"], None, "arguments"),
        ("create_landing_page", {"product_url": "https://shop.example.com"}, None, "name"),
        ("save_report_metrics", {"rows": [{"ad_account_id": 1}]}, None, "rows.0.timestamp"),
        ("get_credit_balance", {}, "spaces are not allowed", "operation_id"),
    ])
    def test_bad_params_are_3002_naming_the_field(self, api, service_headers, member, tool, arguments,
                                                 operation_id, field):
        """Property 25: parameters failing validation are 3002, with the failing field."""
        error = envelope_error(execute(api, service_headers, member.id, tool, arguments, operation_id), 422, "3002")
        assert error["details"]["field"] == field

    def test_a_business_failure_is_3003_with_its_cause(self, api, service_headers, member):
        """Property 25: a handler failure is 3003; details carry the cause's code and message."""
        error = envelope_error(execute(api, service_headers, member.id, "pause_campaign", {"campaign_id": 999999}),
                               404, "3003")
        assert error["details"]["cause"]["code"] == "5000"
        assert error["details"]["tool"] == "pause_campaign"

    @pytest.mark.parametrize(("raised", "status", "cause"), [
        (RuntimeError("secret internals"), 500, "5002"), (StorageError(), 502, "5003")])
    def test_a_crash_is_3003_without_leaking(self, api, service_headers, member, temporary_tool, raised, status,
                                             cause):
        def handler(session, user_id, params):
            raise raised

        temporary_tool(ToolSpec("test_crash", "Always fails", FailingParams, handler))
        error = envelope_error(execute(api, service_headers, member.id, "test_crash"), status, "3003")
        assert error["details"]["cause"]["code"] == cause
        assert "secret internals" not in str(error)

    def test_an_unknown_user_is_5000(self, api, service_headers):
        envelope_error(execute(api, service_headers, 10**12, "get_credit_balance"), 404, "5000")

    def test_a_malformed_body_is_4000(self, api, service_headers):
        error = envelope_error(api.post("/mcp/v1/execute", json={"tool": "x"}, headers=service_headers), 422, "4000")
        assert {f["field"] for f in error["details"]["fields"]} == {"user_id"}
