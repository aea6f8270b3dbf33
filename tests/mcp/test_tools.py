"""The domain tools through /mcp/v1/execute: creatives (bytes and URLs), landing pages,
campaigns, notifications, reports."""

from __future__ import annotations

import base64
import struct
import zlib
from datetime import UTC, datetime

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from backend.config import reset_settings_cache
from backend.creatives import tools as creative_tools
from tests.mcp.conftest import new_member
from tests.mcp.support import envelope_error, execute, success
from tests.support.servers import ServerThread


def png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b""))


@pytest.fixture()
def run(api, service_headers):
    member = new_member(gifted="100", purchased="0")

    def call(tool: str, arguments: dict | None = None) -> dict:
        return success(execute(api, service_headers, member.id, tool, arguments or {}))["data"]

    call.member = member
    return call


@pytest.fixture(scope="module")
def file_server():
    async def image(request: Request) -> Response:
        return Response(png(), media_type="image/png")

    async def big(request: Request) -> Response:
        return Response(png() + b"\x00" * 5000, media_type="image/png")

    async def missing(request: Request) -> Response:
        return Response("gone", status_code=404)

    async def hop(request: Request) -> Response:
        return RedirectResponse("/image.png", status_code=302)

    app = Starlette(routes=[Route("/image.png", image), Route("/big.png", big), Route("/missing.png", missing),
                            Route("/hop", hop)])
    with ServerThread(app) as server:
        yield server.url


class TestCreatives:
    def test_save_from_base64_list_then_delete(self, run):
        saved = run("save_creative", {"name": "Hero", "content_base64": base64.b64encode(png()).decode(),
                                      "tags": ["Summer", "hero"], "score": 80})
        assert (saved["file_type"], saved["mime_type"], saved["tags"]) == ("image", "image/png", ["summer", "hero"])
        assert saved["view_url"]
        listed = run("list_creatives", {"tags": ["summer"]})
        assert [c["id"] for c in listed["items"]] == [saved["id"]]
        assert run("delete_creative", {"creative_id": saved["id"]}) == {"id": saved["id"], "deleted": True}
        assert run("list_creatives")["total"] == 0

    def test_bad_base64_is_3002(self, api, service_headers, member):
        error = envelope_error(execute(api, service_headers, member.id, "save_creative",
                                       {"name": "x", "content_base64": "@@@"}), 422, "3002")
        assert error["details"]["field"] == "content_base64"

    def test_exactly_one_source(self, api, service_headers, member):
        envelope_error(execute(api, service_headers, member.id, "save_creative", {"name": "x"}), 422, "3002")

    def test_save_from_a_url_following_a_redirect(self, run, file_server, monkeypatch):
        monkeypatch.setattr(creative_tools, "ALLOW_PRIVATE_HOSTS", True)
        saved = run("save_creative", {"name": "Fetched", "url": f"{file_server}/hop"})
        assert saved["file_size"] == len(png())

    def test_private_hosts_are_refused(self, api, service_headers, member, file_server):
        error = envelope_error(execute(api, service_headers, member.id, "save_creative",
                                       {"name": "x", "url": f"{file_server}/image.png"}), 422, "3003")
        assert error["details"]["cause"]["code"] == "4000"
        assert "public address" in error["details"]["cause"]["message"]

    @pytest.mark.parametrize(("path", "reason"), [("/missing.png", "404"), ("/big.png", "too large")])
    def test_fetch_failures(self, api, service_headers, member, file_server, monkeypatch, path, reason):
        monkeypatch.setattr(creative_tools, "ALLOW_PRIVATE_HOSTS", True)
        monkeypatch.setenv("AAE_MAX_UPLOAD_BYTES", "1000")
        reset_settings_cache()
        try:
            error = envelope_error(execute(api, service_headers, member.id, "save_creative",
                                           {"name": "x", "url": f"{file_server}{path}"}), 422, "3003")
        finally:
            monkeypatch.delenv("AAE_MAX_UPLOAD_BYTES")
            reset_settings_cache()
        assert reason in error["details"]["cause"]["message"]


class TestLandingPages:
    def test_create_update_publish_list(self, run):
        page = run("create_landing_page", {"name": "Spring", "product_url": "https://shop.example.com/shoes",
                                           "template": "bold", "language": "zh"})
        assert page["status"] == "draft" and "<html" in page["html_content"]
        edited = run("update_landing_page", {"page_id": page["id"], "name": "Spring 2027"})
        assert (edited["name"], edited["template"]) == ("Spring 2027", "bold")
        published = run("publish_landing_page", {"page_id": page["id"]})
        assert published["status"] == "published" and published["url"]
        assert run("list_landing_pages", {"status": "published"})["items"][0]["id"] == page["id"]

    def test_another_users_page_is_not_found(self, run, api, service_headers):
        page = run("create_landing_page", {"name": "Mine", "product_url": "https://shop.example.com"})
        stranger = new_member()
        error = envelope_error(execute(api, service_headers, stranger.id, "publish_landing_page",
                                       {"page_id": page["id"]}), 404, "3003")
        assert error["details"]["cause"]["code"] == "5000"


class TestCampaigns:
    def test_create_update_pause(self, run):
        campaign = run("create_campaign", {"ad_account_id": run.member.account_id, "name": "Launch",
                                           "objective": "sales", "budget": "50.00",
                                           "targeting": {"countries": ["US"]}})
        assert (campaign["status"], campaign["sync_status"]) == ("draft", "pending")
        updated = run("update_campaign", {"campaign_id": campaign["id"], "budget": "75.50", "status": "active"})
        assert (updated["budget"], updated["status"]) == ("75.50", "active")
        assert run("pause_campaign", {"campaign_id": campaign["id"]})["status"] == "paused"
        listed = run("list_campaigns", {"status": "paused"})
        assert [c["id"] for c in listed["items"]] == [campaign["id"]]


class TestNotificationsAndReports:
    def test_an_urgent_notification_goes_by_email_too(self, run):
        sent = run("create_notification", {"type": "urgent", "category": "campaigns", "title": "Budget spent",
                                           "message": "Your Launch campaign spent its daily budget.",
                                           "action_url": "/campaigns"})
        assert sent["sent_via"] == ["in_app", "email"] and sent["metadata"]["source"] == "mcp"

    def test_saved_metrics_show_on_the_dashboard(self, run):
        now = datetime.now(UTC).replace(microsecond=0).isoformat()
        run("save_report_metrics", {"rows": [{"ad_account_id": run.member.account_id, "timestamp": now,
                                              "entity_type": "campaign", "entity_id": "c1", "entity_name": "Launch",
                                              "impressions": 2000, "clicks": 40, "spend": "12.00",
                                              "conversions": 3, "revenue": "48.00"}]})
        dashboard = run("get_dashboard_metrics")
        assert dashboard["today"]["spend"] == "12.00" and dashboard["today"]["roas"] == 4.0
        envelope = run("list_ad_accounts")
        assert run.member.account_id in [a["id"] for a in envelope]
