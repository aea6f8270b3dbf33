"""Surface 2: the official MCP SDK client against /mcp on the running app, in both its current
(2026-07-28) and legacy (2025-11-25, initialize handshake) modes."""

from __future__ import annotations

import asyncio
from decimal import Decimal
from typing import Any

import httpx
import httpx2
import pytest
from mcp.client.client import Client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.exceptions import MCPError

from backend.config import get_settings
from backend.db import unit_of_work
from backend.mcp import tokens
from backend.mcp.registry import load_tools
from backend.mcp.server import CREDITS_META, OPERATION_META, REPLAYED_META
from tests.mcp.conftest import balance_of, new_member

MODES = {"auto": "2026-07-28", "legacy": "2025-11-25"}
LANDING_PAGE = {"name": "Spring sale", "product_url": "https://shop.example.com/shoes"}
INITIALIZE = {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
    "protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "raw", "version": "1"}}}
JSON_RPC_HEADERS = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}


def service_for(user_id: int) -> dict[str, str]:
    return {"Authorization": f"Bearer {get_settings().service_token}", "X-AAE-User-Id": str(user_id)}


def session(url: str, headers: dict[str, str], mode: str, work) -> Any:
    """Open an SDK client on /mcp with these headers and run `work(client)` in it."""

    async def main():
        async with httpx2.AsyncClient(headers=headers, timeout=30) as http:
            async with Client(streamable_http_client(url, http_client=http), mode=mode) as client:
                assert client.session.protocol_version == MODES[mode]
                return await work(client)

    return asyncio.run(main())


@pytest.fixture(params=sorted(MODES))
def mode(request) -> str:
    return request.param


class TestListing:
    def test_lists_every_tool_with_schema_hints_and_cost(self, live_api, member, mode):
        async def work(client):
            return (await client.list_tools()).tools

        listed = {t.name: t for t in session(live_api.mcp_url, service_for(member.id), mode, work)}
        registry = load_tools()
        assert set(listed) == {spec.name for spec in registry.all()}
        for name, tool in listed.items():
            spec = registry.get(name)
            assert tool.input_schema == spec.input_schema()
            assert tool.annotations.read_only_hint is spec.read_only
            assert tool.annotations.destructive_hint is spec.destructive
        assert listed["create_landing_page"].meta["aae/cost"]["estimate"] == "15.00"
        assert listed["delete_creative"].annotations.destructive_hint is True


class TestCalling:
    def test_a_read_only_tool(self, live_api, member, mode):
        async def work(client):
            return await client.call_tool("get_credit_balance", {})

        result = session(live_api.mcp_url, service_for(member.id), mode, work)
        assert not result.is_error
        assert result.structured_content["status"] == "success"
        assert Decimal(result.structured_content["data"]["total"]) == balance_of(member.id)
        assert result.meta[CREDITS_META] == "0.00"

    def test_a_paid_tool_reports_what_it_charged(self, live_api, mode):
        member = new_member(gifted="40", purchased="0")

        async def work(client):
            return await client.call_tool("create_landing_page", LANDING_PAGE)

        result = session(live_api.mcp_url, service_for(member.id), mode, work)
        assert not result.is_error
        assert result.meta[CREDITS_META] == result.structured_content["credits_charged"] == "15.00"
        assert balance_of(member.id) == Decimal("25")

    def test_an_operation_id_in_meta_replays(self, live_api, mode):
        member = new_member(gifted="40", purchased="0")

        async def work(client):
            meta = {OPERATION_META: f"sdk-{mode}"}
            first = await client.call_tool("create_landing_page", LANDING_PAGE, meta=meta)
            again = await client.call_tool("create_landing_page", LANDING_PAGE, meta=meta)
            return first, again

        first, again = session(live_api.mcp_url, service_for(member.id), mode, work)
        assert first.structured_content == again.structured_content
        assert REPLAYED_META not in first.meta and again.meta[REPLAYED_META] is True
        assert balance_of(member.id) == Decimal("25")

    def test_failures_are_tool_errors_in_the_envelope(self, live_api, member, mode):
        async def work(client):
            invalid = await client.call_tool("list_campaigns", {"limit": 0})
            failed = await client.call_tool("pause_campaign", {"campaign_id": 999999})
            with pytest.raises(MCPError) as unknown:
                await client.call_tool("no_such_tool", {})
            return invalid, failed, unknown.value

        invalid, failed, unknown = session(live_api.mcp_url, service_for(member.id), mode, work)
        assert invalid.is_error and invalid.structured_content["error"]["code"] == "3002"
        assert invalid.structured_content["error"]["details"]["field"] == "limit"
        assert failed.is_error and failed.structured_content["error"]["code"] == "3003"
        assert failed.structured_content["error"]["details"]["cause"]["code"] == "5000"
        assert failed.meta[CREDITS_META] == "0.00"
        assert unknown.error.code == -32602 and unknown.error.data["error"]["code"] == "3001"


class TestAuth:
    def test_a_personal_api_token_acts_for_its_user(self, live_api, member, mode):
        with unit_of_work() as db:
            created = tokens.create(db, user_id=member.id, name="Claude Desktop")

        async def work(client):
            return await client.call_tool("get_user_profile", {})

        result = session(live_api.mcp_url, {"Authorization": f"Bearer {created.plaintext}"}, mode, work)
        assert result.structured_content["data"]["id"] == member.id
        with unit_of_work() as db:
            assert tokens.list_tokens(db, member.id)[0].last_used_at is not None

    @pytest.mark.parametrize("case", ["none", "garbage", "service-without-user", "service-unknown-user",
                                      "service-bad-user", "revoked-token", "token-for-another-user"])
    def test_refused_credentials_are_401_with_resource_metadata(self, live_api, member, case):
        other = new_member()
        with unit_of_work() as db:
            token = tokens.create(db, user_id=member.id, name="laptop").plaintext
            revoked = tokens.create(db, user_id=member.id, name="old")
            tokens.revoke(db, user_id=member.id, token_id=revoked.token.id)
        service = f"Bearer {get_settings().service_token}"
        headers = {
            "none": {}, "garbage": {"Authorization": "Bearer aae_pat_nope"},
            "service-without-user": {"Authorization": service},
            "service-unknown-user": {"Authorization": service, "X-AAE-User-Id": str(10**15)},
            "service-bad-user": {"Authorization": service, "X-AAE-User-Id": "1 OR 1=1"},
            "revoked-token": {"Authorization": f"Bearer {revoked.plaintext}"},
            "token-for-another-user": {"Authorization": f"Bearer {token}", "X-AAE-User-Id": str(other.id)},
        }[case]
        response = httpx.post(live_api.mcp_url, json=INITIALIZE, headers={**JSON_RPC_HEADERS, **headers})
        assert response.status_code == 401
        challenge = response.headers["www-authenticate"]
        assert challenge.startswith("Bearer ") and 'error="invalid_token"' in challenge
        assert "resource_metadata=" in challenge and "/.well-known/oauth-protected-resource/mcp" in challenge

    def test_the_protected_resource_metadata(self, live_api):
        metadata = httpx.get(f"{live_api.url}/.well-known/oauth-protected-resource/mcp").json()
        assert metadata["resource"] == f"{get_settings().public_url.rstrip('/')}/mcp"
        assert metadata["bearer_methods_supported"] == ["header"]

    @pytest.mark.parametrize(("header", "value", "status"), [("Host", "evil.example", 421),
                                                             ("Origin", "http://evil.example", 403)])
    def test_dns_rebinding_protection(self, live_api, member, header, value, status):
        headers = {**JSON_RPC_HEADERS, **service_for(member.id), header: value}
        assert httpx.post(live_api.mcp_url, json=INITIALIZE, headers=headers).status_code == status

    def test_loopback_hosts_are_allowed(self, live_api, member):
        port = live_api.url.rsplit(":", 1)[1]
        headers = {**JSON_RPC_HEADERS, **service_for(member.id), "Host": f"localhost:{port}"}
        response = httpx.post(live_api.mcp_url, json=INITIALIZE, headers=headers)
        assert response.status_code == 200 and response.json()["result"]["serverInfo"]["name"] == "aae-web-platform"
