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


COLD_START = """
import sys, threading
from backend.common import ratelimit
errors, done = [], []
def work():
    try:
        for _ in range(20):
            ratelimit.check("api", "cold-start-probe")
        done.append(1)
    except Exception as exc:
        errors.append(repr(exc))
threads = [threading.Thread(target=work) for _ in range(16)]
[t.start() for t in threads]
[t.join(30) for t in threads]
print(len(done), len(errors), errors[:1])
sys.exit(0 if len(done) == 16 and not errors else 1)
"""


def test_a_cold_server_counts_from_many_threads_at_once(redis_client):
    """16 worker threads hitting the limiter first at the same moment all get counted (`limits`
    resolves its Redis dependency lazily and not thread-safely; building it is serialized)."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "AAE_REDIS_URL": REDIS_URL, "AAE_RATE_LIMIT_API": "100000/minute", "PYTHONPATH": str(root)}
    result = subprocess.run([sys.executable, "-c", COLD_START], env=env, cwd=root, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr[-2000:]
    assert result.stdout.split()[:2] == ["16", "0"]
    redis_client.delete(*redis_client.keys("*cold-start-probe*"))
