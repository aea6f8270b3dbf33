"""The request path the API's speed rests on (backend/common/routing.py): one worker-thread hop per
request, the transaction finished in it before the response, the user row loaded lazily, verified
tokens remembered without skipping expiry, and rate-limit hits shared by the async and sync paths.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import anyio.to_thread
import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import event, text

from backend import config as config_module
from backend.api import create_api
from backend.auth import tokens
from backend.auth.dependencies import SessionDep
from backend.common import ratelimit
from backend.common.deps import ApiUser
from backend.common.routing import DbRoute, api_router
from backend.db import get_engine, unit_of_work
from backend.errors import NotFound
from backend.models import User, UserStatus
from tests.conftest import REDIS_URL


def test_every_api_route_is_a_db_route():
    """A route outside DbRoute would hand its endpoint a PendingUser instead of a User."""
    plain = [route.path for route in create_api().routes
             if isinstance(route, APIRoute) and not isinstance(route, DbRoute) and route.path != "/api/v1/health"]
    assert plain == []


@pytest.fixture()
def thread_hops(monkeypatch):
    calls: list[str] = []
    original = anyio.to_thread.run_sync

    async def counting(func, *args, **kwargs):
        calls.append(getattr(func, "__name__", repr(func)))
        return await original(func, *args, **kwargs)

    monkeypatch.setattr(anyio.to_thread, "run_sync", counting)
    return calls


def test_an_authenticated_read_makes_one_thread_hop(client, alice, thread_hops):
    assert client.get("/api/v1/credits/balance", headers=alice.headers).status_code == 200  # warm
    thread_hops.clear()
    response = client.get("/api/v1/credits/balance", headers=alice.headers)
    assert response.status_code == 200 and response.json()["data"]["total"] is not None
    assert len(thread_hops) == 1, thread_hops
    thread_hops.clear()
    response = client.get("/api/v1/creatives?limit=50", headers=alice.headers)
    assert response.status_code == 200
    assert len(thread_hops) == 1, thread_hops


def test_the_user_row_is_read_once_and_only_as_far_as_needed(client, alice):
    statements: list[str] = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(get_engine(), "before_cursor_execute", record)
    try:
        assert client.get("/api/v1/credits/balance", headers=alice.headers).status_code == 200
        balance_statements = list(statements)
        statements.clear()
        me = client.get("/api/v1/users/me", headers=alice.headers)
    finally:
        event.remove(get_engine(), "before_cursor_execute", record)
    # balance: one SELECT, the status check carrying the balance columns; no full user row
    user_reads = [s for s in balance_statements if "FROM users" in s]
    assert len(user_reads) == 1 and "users.email" not in user_reads[0]
    assert "users.gifted_credits" in user_reads[0] and "users.status" in user_reads[0]
    # the profile needs the whole row: loaded on first use, once, and right
    assert me.status_code == 200 and me.json()["data"]["email"] == alice.user.email
    assert sum("users.email" in s for s in statements) == 1


def test_the_balance_is_the_databases_as_of_this_request(client, alice):
    """The balance rides on the user check's SELECT: a change committed elsewhere shows at once."""
    from decimal import Decimal

    from backend.credits import service as credits

    before = client.get("/api/v1/credits/balance", headers=alice.headers).json()["data"]
    with unit_of_work() as session:
        credits.deduct(session, user_id=alice.user.id, amount=Decimal("1.25"), operation_type="test",
                       operation_id="balance-freshness")
    after = client.get("/api/v1/credits/balance", headers=alice.headers).json()["data"]
    assert Decimal(str(after["total"])) == Decimal(str(before["total"])) - Decimal("1.25")


def test_a_deactivated_account_is_refused_at_once(client, alice):
    assert client.get("/api/v1/credits/balance", headers=alice.headers).status_code == 200
    with unit_of_work() as session:
        session.get(User, alice.user.id).status = UserStatus.DELETING
    refused = client.get("/api/v1/credits/balance", headers=alice.headers)
    assert refused.status_code == 401 and refused.json()["error"]["code"] == "1002"


def test_a_remembered_token_still_expires(monkeypatch, committed_engine):
    token = tokens.create_access_token(7, ttl_seconds=60)
    assert tokens.decode_access_token(token).user_id == 7  # verified, now remembered
    assert tokens.decode_access_token(token).user_id == 7
    later = time.time() + 61
    monkeypatch.setattr(tokens.time, "time", lambda: later)
    with pytest.raises(tokens.Unauthorized) as refused:
        tokens.decode_access_token(token)
    assert refused.value.details["reason"] == "expired"


def test_a_forged_token_is_never_remembered(committed_engine):
    token = tokens.create_access_token(7, ttl_seconds=60)
    header, payload, signature = token.split(".")
    forged = f"{header}.{payload}.{signature[:-2]}{'AA' if signature[-2:] != 'AA' else 'BB'}"
    remembered = tokens._verified_claims.cache_info().currsize
    for _ in range(2):
        with pytest.raises(tokens.Unauthorized):
            tokens.decode_access_token(forged)
    assert tokens._verified_claims.cache_info().currsize == remembered


def test_the_token_cache_is_keyed_by_the_signing_key(monkeypatch, committed_engine):
    token = tokens.create_access_token(7, ttl_seconds=60)
    assert tokens.decode_access_token(token).user_id == 7
    monkeypatch.setenv("AAE_SECRET_KEY", "another-secret-key-of-sufficient-length-0123456789")
    config_module.reset_settings_cache()
    try:
        with pytest.raises(tokens.Unauthorized):
            tokens.decode_access_token(token)  # the new key did not sign it
    finally:
        monkeypatch.undo()
        config_module.reset_settings_cache()


# --- the transaction is finished in the endpoint's hop, before the response ------------------------


@pytest.fixture()
def probe_app(committed_engine):
    with committed_engine.begin() as connection:
        connection.execute(text("CREATE TABLE IF NOT EXISTS routing_probe (id INT PRIMARY KEY, label VARCHAR(20))"))
        connection.execute(text("DELETE FROM routing_probe"))
    router = api_router(prefix="/probe")

    @router.post("/sync/{n}")
    def write_sync(n: int, session: SessionDep, user: ApiUser) -> dict:
        session.execute(text("INSERT INTO routing_probe VALUES (:n, :label)"), {"n": n, "label": f"u{user.id}"})
        if n < 0:
            raise NotFound("refused after the write")
        return {"visible_elsewhere": _visible(n)}

    @router.post("/async/{n}")
    async def write_async(n: int, session: SessionDep, user: ApiUser) -> dict:
        assert isinstance(user, User) and user.email  # resolved before the endpoint runs
        session.execute(text("INSERT INTO routing_probe VALUES (:n, :label)"), {"n": n, "label": f"u{user.id}"})
        if n < 0:
            raise NotFound("refused after the write")
        return {"ok": True}

    app = FastAPI()
    app.include_router(router)
    from backend.api import _app_error_handler
    from backend.errors import AppError

    app.add_exception_handler(AppError, _app_error_handler)
    with TestClient(app) as client:
        yield client
    with committed_engine.begin() as connection:
        connection.execute(text("DROP TABLE routing_probe"))


def _visible(n: int) -> bool:
    with get_engine().connect() as connection:
        return connection.execute(text("SELECT COUNT(*) FROM routing_probe WHERE id = :n"), {"n": n}).scalar() == 1


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_writes_commit_before_the_response_and_roll_back_on_error(probe_app, alice, kind):
    ok = probe_app.post(f"/probe/{kind}/1", headers=alice.headers)
    assert ok.status_code == 200
    if kind == "sync":
        assert ok.json() == {"visible_elsewhere": False}  # inside the endpoint: not yet committed
    assert _visible(1)  # but committed by the time the client has the response
    refused = probe_app.post(f"/probe/{kind}/-1", headers=alice.headers)
    assert refused.status_code == 404
    assert not _visible(-1)


def test_async_and_sync_rate_limit_paths_share_one_counter(client, alice, monkeypatch, redis_client):
    monkeypatch.setenv("AAE_REDIS_URL", REDIS_URL)
    monkeypatch.setenv("AAE_RATE_LIMIT_API", "3/minute")
    config_module.reset_settings_cache()
    try:
        ratelimit.reset("api", str(alice.user.id))
        ratelimit.check("api", str(alice.user.id))  # one hit through the synchronous path
        statuses = [client.get("/api/v1/credits/balance", headers=alice.headers).status_code for _ in range(3)]
        assert statuses == [200, 200, 429]
        ratelimit.reset("api", str(alice.user.id))
        assert client.get("/api/v1/credits/balance", headers=alice.headers).status_code == 200
    finally:
        monkeypatch.undo()
        config_module.reset_settings_cache()


def test_shared_links_are_reused_only_while_valid_long_enough(tmp_path):
    from backend.integrations.storage import BucketKind, LocalStorage, verify_local_signature

    now = [datetime(2026, 1, 1, tzinfo=UTC)]
    storage = LocalStorage(tmp_path, base_url="http://files.test", secret="s" * 40, clock=lambda: now[0])
    first = storage.shared_get_link(BucketKind.CREATIVES, "creatives/1/a.png", valid_for=3600)
    assert storage.shared_get_link(BucketKind.CREATIVES, "creatives/1/a.png", valid_for=3600) == first
    now[0] += timedelta(seconds=3599)  # still valid for 3601 s: reused
    assert storage.shared_get_link(BucketKind.CREATIVES, "creatives/1/a.png", valid_for=3600) == first
    now[0] += timedelta(seconds=2)  # only 3599 s left: a new link
    second = storage.shared_get_link(BucketKind.CREATIVES, "creatives/1/a.png", valid_for=3600)
    assert second != first
    from urllib.parse import parse_qs, urlsplit

    query = {k: v[0] for k, v in parse_qs(urlsplit(second).query).items()}
    # every link handed out is valid for at least the asked time
    assert verify_local_signature("creatives", "creatives/1/a.png", expires=query["expires"],
                                  signature=query["signature"], secret="s" * 40,
                                  now=now[0] + timedelta(seconds=3600))
    assert storage.shared_get_link(BucketKind.CREATIVES, "creatives/1/b.png", valid_for=3600) != second


def test_the_worker_thread_pool_is_sized_by_the_settings(app, monkeypatch):
    monkeypatch.setenv("AAE_API_WORKER_THREADS", "5")
    config_module.reset_settings_cache()

    async def tokens() -> float:
        return anyio.to_thread.current_default_thread_limiter().total_tokens

    try:
        with TestClient(app) as client:  # runs the lifespan
            assert client.portal.call(tokens) == 5
    finally:
        monkeypatch.undo()
        config_module.reset_settings_cache()
