"""GZip for API responses over 1 KB (when the client accepts it); small ones and Reflex's own
traffic are sent as they are, and every response keeps its request id."""

from __future__ import annotations

import gzip
import json

import httpx
import pytest

from backend.api import GZIP_MINIMUM_BYTES
from backend.db import unit_of_work
from backend.models import Creative


@pytest.fixture()
def alice_with_creatives(alice):
    with unit_of_work() as session:
        for i in range(30):
            session.add(Creative(user_id=alice.user.id, name=f"Creative number {i} with a descriptive name",
                                 storage_key=f"creatives/{alice.user.id}/{i}.png", file_url=f"/files/{i}.png",
                                 cdn_url=f"/files/{i}.png", file_type="image", mime_type="image/png",
                                 file_size=1000, tags=["summer", "sale"], score=50))
    return alice


def raw_get(client, path: str, headers: dict[str, str]) -> httpx.Response:
    """The response as sent (TestClient decodes gzip itself, so read the raw stream)."""
    with client.stream("GET", path, headers=headers) as response:
        response.raw_body = b"".join(response.iter_raw())
    return response


def test_a_large_api_response_is_gzipped_when_accepted(client, alice_with_creatives):
    headers = {**alice_with_creatives.headers, "Accept-Encoding": "gzip"}
    response = raw_get(client, "/api/v1/creatives?limit=50", headers)
    assert response.status_code == 200
    assert response.headers["content-encoding"] == "gzip"
    assert "accept-encoding" in response.headers["vary"].lower()
    assert response.headers["x-request-id"].startswith("req_")
    body = json.loads(gzip.decompress(response.raw_body))
    assert len(body["data"]["items"]) == 30 and body["data"]["total"] == 30
    assert len(gzip.decompress(response.raw_body)) > GZIP_MINIMUM_BYTES
    assert len(response.raw_body) < len(gzip.decompress(response.raw_body)) / 2  # repetitive JSON compresses well


def test_the_same_response_is_plain_without_accept_encoding(client, alice_with_creatives):
    headers = {**alice_with_creatives.headers, "Accept-Encoding": "identity"}
    response = raw_get(client, "/api/v1/creatives?limit=50", headers)
    assert response.status_code == 200
    assert "content-encoding" not in response.headers
    assert len(json.loads(response.raw_body)["data"]["items"]) == 30


def test_a_small_response_is_not_compressed(client, alice):
    headers = {**alice.headers, "Accept-Encoding": "gzip"}
    response = raw_get(client, "/api/v1/credits/balance", headers)
    assert response.status_code == 200
    assert len(response.raw_body) < GZIP_MINIMUM_BYTES
    assert "content-encoding" not in response.headers
    assert json.loads(response.raw_body)["status"] == "success"


def test_only_api_paths_are_compressed():
    """Reflex's pages and events share the app; only the API's prefixes go through GZip."""
    from starlette.applications import Starlette
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route
    from starlette.testclient import TestClient

    from backend.api import ApiGZipMiddleware

    async def big(request):
        return PlainTextResponse("x" * 5000)

    app = ApiGZipMiddleware(Starlette(routes=[Route("/api/v1/big", big), Route("/dashboard", big)]))
    with TestClient(app) as test_client:
        assert test_client.get("/api/v1/big", headers={"Accept-Encoding": "gzip"}).headers["content-encoding"] == "gzip"
        page = test_client.get("/dashboard", headers={"Accept-Encoding": "gzip"})
        assert "content-encoding" not in page.headers and page.text == "x" * 5000
