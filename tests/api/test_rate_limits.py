"""Per-user rate limits with `limits` on real Redis: enforced with 429 + Retry-After, then reset."""

from __future__ import annotations

import pytest

from backend import config as config_module
from backend.common import ratelimit
from tests.conftest import REDIS_URL


@pytest.fixture()
def tight_limits(monkeypatch, redis_client):
    monkeypatch.setenv("AAE_REDIS_URL", REDIS_URL)
    monkeypatch.setenv("AAE_RATE_LIMIT_API", "5/minute")
    monkeypatch.setenv("AAE_RATE_LIMIT_UPLOAD", "2/minute")
    config_module.reset_settings_cache()
    yield redis_client
    monkeypatch.undo()
    config_module.reset_settings_cache()


def test_api_limit_enforced_per_user_and_reset(client, alice, bob, tight_limits):
    assert ratelimit.limiter().storage.__class__.__name__ == "RedisStorage"
    for _ in range(5):
        assert client.get("/api/v1/credits/balance", headers=alice.headers).status_code == 200
    limited = client.get("/api/v1/credits/balance", headers=alice.headers)
    assert limited.status_code == 429
    body = limited.json()
    assert body["status"] == "error" and body["error"]["code"] == "1029"
    retry_after = int(limited.headers["retry-after"])
    assert 1 <= retry_after <= 60 and body["error"]["details"]["retry_after"] == retry_after
    # another user has a budget of their own
    assert client.get("/api/v1/credits/balance", headers=bob.headers).status_code == 200
    # the counters live in Redis
    assert any(b"LIMITER" in key or b"api" in key for key in tight_limits.scan_iter("*"))
    ratelimit.reset("api", str(alice.user.id))
    assert client.get("/api/v1/credits/balance", headers=alice.headers).status_code == 200


def test_upload_limit_is_stricter(client, alice, tight_limits):
    body = {"filename": "a.png", "content_type": "image/png", "size": 10}
    statuses = [client.post("/api/v1/creatives/upload-url", json=body, headers=alice.headers).status_code
                for _ in range(3)]
    assert statuses == [200, 200, 429]
