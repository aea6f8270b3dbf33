import uuid

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from backend import config as config_module
from backend.api import create_api
from backend.auth.cookies import ACCESS_COOKIE, REFRESH_COOKIE
from backend.auth.tokens import hash_refresh_token
from backend.db import unit_of_work
from backend.models import RefreshToken, User


@pytest.fixture()
def client(committed_engine):
    return TestClient(create_api(), follow_redirects=False)


def _email() -> str:
    return f"api-{uuid.uuid4().hex[:10]}@aae.local"


def _login(client: TestClient, email: str | None = None, **extra) -> tuple[str, object]:
    email = email or _email()
    response = client.post("/api/v1/auth/dev-login", data={"email": email, "display_name": "Api User", **extra})
    return email, response


def _set_cookies(response) -> dict[str, str]:
    return {header.split("=", 1)[0]: header for header in response.headers.get_list("set-cookie")}


@pytest.fixture()
def production_env(monkeypatch, committed_engine):
    values = {
        "AAE_ENV": "production",
        "AAE_SECRET_KEY": "p" * 40,
        "AAE_ENCRYPTION_KEYS": "k9:" + "A" * 43 + "=",
        "AAE_SERVICE_TOKEN": "s" * 40,
        "AAE_REDIS_URL": "redis://127.0.0.1:6379/15",
        "AAE_STORAGE_BACKEND": "s3",
        "AAE_PAYMENTS_BACKEND": "stripe",
        "AAE_STRIPE_SECRET_KEY": "sk_test_x",
        "AAE_STRIPE_WEBHOOK_SECRET": "whsec_production",
        "AAE_EMAIL_BACKEND": "smtp",
        "AAE_AD_PLATFORMS": "meta",
        "AAE_AGENT_BACKEND": "remote",
        "AAE_GOOGLE_CLIENT_ID": "client",
        "AAE_GOOGLE_CLIENT_SECRET": "secret",
        "AAE_PUBLIC_URL": "https://app.example.com",
    }
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    config_module.reset_settings_cache()
    assert config_module.get_settings().is_production
    yield
    monkeypatch.undo()
    config_module.reset_settings_cache()


class TestDevLogin:
    def test_sets_httponly_cookies_and_redirects(self, client):
        email, response = _login(client, next="/billing")
        assert response.status_code == 303
        assert response.headers["location"] == "/billing"
        cookies = _set_cookies(response)
        for name in (ACCESS_COOKIE, REFRESH_COOKIE):
            header = cookies[name].lower()
            assert "httponly" in header and "samesite=lax" in header
            assert "secure" not in header  # http public URL in tests
        assert "path=/api/v1/auth" in cookies[REFRESH_COOKIE].lower()
        with unit_of_work() as session:
            user = session.exec(select(User).where(User.email == email)).one()
            assert user.oauth_provider == "dev" and user.display_name == "Api User"
            assert user.gifted_credits > 0  # registration bonus

    def test_cookie_and_bearer_both_authenticate(self, client):
        email, response = _login(client)
        me = client.get("/api/v1/auth/session")
        assert me.status_code == 200 and me.json()["data"]["email"] == email
        token = response.cookies[ACCESS_COOKIE]
        bare = TestClient(client.app)
        assert bare.get("/api/v1/auth/session").status_code == 401
        assert bare.get("/api/v1/auth/session", headers={"Authorization": f"Bearer {token}"}).status_code == 200

    @pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)", ""])
    def test_next_must_be_a_same_site_path(self, client, target):
        _, response = _login(client, next=target)
        assert response.headers["location"] == "/"

    def test_refused_in_production_with_1004(self, client, production_env):
        _, response = _login(client)
        assert response.status_code == 403
        error = response.json()["error"]
        assert error["code"] == "1004" and error["type"] == "FORBIDDEN"
        assert ACCESS_COOKIE not in response.headers.get("set-cookie", "")

    def test_validation_error_is_the_4000_envelope(self, client):
        response = client.post("/api/v1/auth/dev-login", data={"email": "not-an-email"})
        assert response.status_code == 422
        body = response.json()
        assert body["status"] == "error"
        assert body["error"]["code"] == "4000" and body["error"]["type"] == "VALIDATION_ERROR"
        assert [f["field"] for f in body["error"]["details"]["fields"]] == ["email"]
        assert body["error"]["request_id"] == response.headers["x-request-id"]
        assert "detail" not in body


class TestRefresh:
    def test_rotates_and_sets_new_cookies(self, client):
        _, login = _login(client)
        old_refresh = login.cookies[REFRESH_COOKIE]
        response = client.post("/api/v1/auth/refresh")
        assert response.status_code == 200
        assert response.json()["status"] == "success"
        assert "access_token" not in response.json()["data"]  # browsers get cookies only
        new_refresh = response.cookies[REFRESH_COOKIE]
        assert new_refresh != old_refresh
        assert client.get("/api/v1/auth/session").status_code == 200

    def test_reusing_an_old_refresh_token_revokes_the_family(self, client):
        _, login = _login(client)
        old_refresh = login.cookies[REFRESH_COOKIE]
        new_refresh = client.post("/api/v1/auth/refresh").cookies[REFRESH_COOKIE]
        replay = TestClient(client.app).post("/api/v1/auth/refresh", json={"refresh_token": old_refresh})
        assert replay.status_code == 401 and replay.json()["error"]["code"] == "1002"
        with unit_of_work() as session:
            row = session.exec(select(RefreshToken).where(
                RefreshToken.token_hash == hash_refresh_token(new_refresh))).one()
            assert row.revoked_at is not None  # committed despite the 401
        refused = client.post("/api/v1/auth/refresh")
        assert refused.status_code == 401
        assert all('=""' in h or "max-age=0" in h.lower() for h in refused.headers.get_list("set-cookie"))

    def test_api_clients_get_tokens_in_json(self, client):
        _, login = _login(client)
        response = TestClient(client.app).post(
            "/api/v1/auth/refresh", json={"refresh_token": login.cookies[REFRESH_COOKIE]})
        data = response.json()["data"]
        assert data["token_type"] == "bearer" and data["access_token"] and data["refresh_token"]
        assert "set-cookie" not in response.headers

    def test_without_a_token_is_1002(self, client):
        response = client.post("/api/v1/auth/refresh")
        assert response.status_code == 401 and response.json()["error"]["code"] == "1002"


class TestLogout:
    def test_form_post_revokes_clears_cookies_and_redirects_to_login(self, client):
        _, login = _login(client)
        refresh = login.cookies[REFRESH_COOKIE]
        response = client.post("/api/v1/auth/logout", headers={"content-type": "application/x-www-form-urlencoded"})
        assert response.status_code == 303 and response.headers["location"] == "/login"
        assert set(_set_cookies(response)) == {ACCESS_COOKIE, REFRESH_COOKIE}
        assert client.get("/api/v1/auth/session").status_code == 401
        with unit_of_work() as session:
            row = session.exec(select(RefreshToken).where(
                RefreshToken.token_hash == hash_refresh_token(refresh))).one()
            assert row.revoked_at is not None

    def test_json_post_answers_json(self, client):
        _login(client)
        response = client.post("/api/v1/auth/logout")
        assert response.status_code == 200 and response.json()["data"] == {"signed_out": True}


class TestEnvelopeAndRequestId:
    def test_health_has_a_request_id(self, client):
        response = client.get("/api/v1/health")
        assert response.status_code == 200 and response.json()["data"]["database"] is True
        assert response.headers["x-request-id"].startswith("req_")

    def test_sane_incoming_request_id_is_reused(self, client):
        response = client.get("/api/v1/health", headers={"X-Request-ID": "abc-123.x"})
        assert response.headers["x-request-id"] == "abc-123.x"

    def test_insane_incoming_request_id_is_replaced(self, client):
        response = client.get("/api/v1/health", headers={"X-Request-ID": "bad id <script>"})
        assert response.headers["x-request-id"].startswith("req_")

    def test_unhandled_error_is_a_logged_5002_envelope(self, client, caplog):
        def boom():
            raise RuntimeError("kaboom")

        client.app.add_api_route("/api/v1/test-boom", boom)
        response = client.get("/api/v1/test-boom")
        assert response.status_code == 500
        error = response.json()["error"]
        assert error["code"] == "5002" and "kaboom" not in error["message"]
        assert error["request_id"] == response.headers["x-request-id"]
        assert "kaboom" in caplog.text

    def test_unknown_api_route_is_a_5000_envelope(self, client):
        response = client.get("/api/v1/no-such-thing")
        assert response.status_code == 404 and response.json()["error"]["code"] == "5000"

    def test_openapi_is_served_and_docs_are_off(self, client):
        assert client.get("/api/openapi.json").status_code == 200
        assert client.get("/docs").status_code == 404
