"""Per-user API tokens: created once in plaintext, stored hashed, listed, verified, revoked."""

from __future__ import annotations

import hashlib

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from backend.api import create_api
from backend.auth.tokens import create_access_token
from backend.errors import NotFound, ValidationFailed
from backend.mcp import tokens
from backend.models import ApiToken
from tests.factories import make_user
from tests.mcp.conftest import new_member
from tests.mcp.support import envelope_error


class TestCreate:
    def test_plaintext_once_hash_stored(self, session):
        user = make_user(session)
        created = tokens.create(session, user_id=user.id, name="  Claude   Desktop ")
        assert created.plaintext.startswith("aae_pat_") and len(created.plaintext) > 40
        row = session.exec(select(ApiToken).where(ApiToken.id == created.token.id)).one()
        assert row.name == "Claude Desktop"
        assert row.token_hash == hashlib.sha256(created.plaintext.encode()).hexdigest()
        assert row.token_prefix == created.plaintext[:12]
        assert created.plaintext not in str(row.model_dump())

    def test_tokens_differ(self, session):
        user = make_user(session)
        assert len({tokens.create(session, user_id=user.id, name="t").plaintext for _ in range(5)}) == 5

    @pytest.mark.parametrize("name", ["", "   ", "x" * 101])
    def test_a_name_is_required(self, session, name):
        with pytest.raises(ValidationFailed):
            tokens.create(session, user_id=make_user(session).id, name=name)

    def test_active_tokens_are_capped(self, session):
        user = make_user(session)
        for _ in range(tokens.MAX_ACTIVE_TOKENS):
            tokens.create(session, user_id=user.id, name="t")
        with pytest.raises(ValidationFailed):
            tokens.create(session, user_id=user.id, name="one more")


class TestVerifyAndRevoke:
    def test_verify_by_hash_then_revoke(self, session):
        user = make_user(session)
        created = tokens.create(session, user_id=user.id, name="laptop")
        found = tokens.verify(session, created.plaintext)
        assert found is not None and found.user_id == user.id and found.last_used_at is not None
        assert tokens.verify(session, created.plaintext[:-1] + "x") is None
        assert tokens.verify(session, "not-a-token") is None
        tokens.revoke(session, user_id=user.id, token_id=created.token.id)
        assert tokens.verify(session, created.plaintext) is None
        assert tokens.list_tokens(session, user.id) == []
        assert [t.id for t in tokens.list_tokens(session, user.id, include_revoked=True)] == [created.token.id]

    def test_another_users_token_is_not_found(self, session):
        owner, stranger = make_user(session), make_user(session)
        created = tokens.create(session, user_id=owner.id, name="laptop")
        with pytest.raises(NotFound):
            tokens.revoke(session, user_id=stranger.id, token_id=created.token.id)
        assert tokens.verify(session, created.plaintext) is not None

    def test_a_deleting_users_token_stops_working(self, session):
        user = make_user(session)
        created = tokens.create(session, user_id=user.id, name="laptop")
        user.status = "deleting"
        session.add(user)
        session.flush()
        assert tokens.verify(session, created.plaintext) is None


class TestEndpoints:
    @pytest.fixture()
    def client(self, committed_engine):
        with TestClient(create_api()) as client:
            yield client

    def test_create_list_revoke(self, client):
        member, stranger = new_member(), new_member()
        headers = {"Authorization": f"Bearer {create_access_token(member.id)}"}
        created = client.post("/api/v1/api-tokens", json={"name": "Cursor"}, headers=headers)
        assert created.status_code == 201
        token = created.json()["data"]
        assert token["token"].startswith(token["token_prefix"])
        listed = client.get("/api/v1/api-tokens", headers=headers).json()["data"]
        assert [t["id"] for t in listed] == [token["id"]] and "token" not in listed[0]
        foreign = {"Authorization": f"Bearer {create_access_token(stranger.id)}"}
        envelope_error(client.delete(f"/api/v1/api-tokens/{token['id']}", headers=foreign), 404, "5000")
        revoked = client.delete(f"/api/v1/api-tokens/{token['id']}", headers=headers).json()["data"]
        assert revoked["revoked_at"] is not None
        assert client.get("/api/v1/api-tokens", headers=headers).json()["data"] == []

    def test_validation_and_auth(self, client):
        member = new_member()
        headers = {"Authorization": f"Bearer {create_access_token(member.id)}"}
        envelope_error(client.post("/api/v1/api-tokens", json={"name": ""}, headers=headers), 422, "4000")
        envelope_error(client.get("/api/v1/api-tokens"), 401, "1002")
