"""Google sign-in end to end: authlib against oidc-provider-mock (a real OpenID provider), the app
under uvicorn on the test database, and an HTTP client playing the browser."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from sqlmodel import Session, select

from backend import config as config_module
from backend.api import create_api
from backend.auth.cookies import ACCESS_COOKIE
from backend.models import AuditLog, User
from tests.support.servers import ServerThread, free_port, wait_until


@pytest.fixture(scope="module")
def issuer():
    port = free_port()
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "oidc-provider-mock"), "-H", "127.0.0.1", "-p", str(port), "-n", "true"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: httpx.get(f"{url}/.well-known/openid-configuration", timeout=1).status_code == 200,
                   what="oidc-provider-mock")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture()
def app_url(committed_engine, issuer, monkeypatch):
    monkeypatch.setenv("AAE_GOOGLE_CLIENT_ID", "aae-test-client")
    monkeypatch.setenv("AAE_GOOGLE_CLIENT_SECRET", "aae-test-secret")
    monkeypatch.setenv("AAE_GOOGLE_METADATA_URL", f"{issuer}/.well-known/openid-configuration")
    config_module.reset_settings_cache()
    server = ServerThread(create_api())
    monkeypatch.setenv("AAE_PUBLIC_URL", server.url)
    config_module.reset_settings_cache()
    with server:
        yield server.url
    monkeypatch.undo()
    config_module.reset_settings_cache()


def register(issuer: str, email: str, name: str) -> None:
    response = httpx.put(f"{issuer}/users/{email.replace('@', '%40')}", json={"email": email, "name": name,
                                                                              "email_verified": True})
    assert response.status_code < 300, response.text


def sign_in(app_url: str, email: str, next_path: str = "/creatives") -> httpx.Response:
    with httpx.Client(follow_redirects=False) as browser:
        start = browser.get(f"{app_url}/api/v1/auth/oauth/google", params={"next": next_path})
        assert start.status_code in (302, 303), start.text
        authorize = start.headers["location"]
        query = parse_qs(urlsplit(authorize).query)
        assert query["code_challenge_method"] == ["S256"] and query["code_challenge"][0]
        assert query["state"][0] and query["nonce"][0]
        consent = browser.post(authorize, data={"sub": email})
        assert consent.status_code in (302, 303), consent.text
        callback = consent.headers["location"]
        assert callback.startswith(f"{app_url}/api/v1/auth/oauth/google/callback")
        done = browser.get(callback)
        done.cookies_jar = browser.cookies  # what the browser holds afterwards
        return done


def test_property_1_first_sign_in_creates_later_ones_retrieve(app_url, issuer, committed_engine):
    """Property 1: a valid Google identity creates the user once, later sign-ins return the same user,
    and each one is authenticated with a session."""
    email = "alice.google@example.com"
    register(issuer, email, "Alice Google")
    first = sign_in(app_url, email)
    assert first.status_code == 303 and first.headers["location"] == "/creatives"
    assert ACCESS_COOKIE in first.cookies_jar
    with Session(committed_engine) as session:
        user = session.exec(select(User).where(User.email == email)).one()
        assert (user.oauth_provider, user.display_name) == ("google", "Alice Google")
        assert user.gifted_credits == 500 and user.last_login_at is not None
    me = httpx.get(f"{app_url}/api/v1/users/me", cookies={ACCESS_COOKIE: first.cookies_jar[ACCESS_COOKIE]})
    assert me.json()["data"]["email"] == email
    second = sign_in(app_url, email, next_path="/")
    assert second.status_code == 303 and second.headers["location"] == "/"
    with Session(committed_engine) as session:
        assert len(session.exec(select(User).where(User.email == email)).all()) == 1
        logins = session.exec(select(AuditLog).where(AuditLog.user_id == user.id, AuditLog.action == "auth.login")).all()
        assert len(logins) == 2


def test_tampered_state_is_refused(app_url, issuer):
    register(issuer, "mallory@example.com", "Mallory")
    with httpx.Client(follow_redirects=False) as browser:
        authorize = browser.get(f"{app_url}/api/v1/auth/oauth/google").headers["location"]
        callback = browser.post(authorize, data={"sub": "mallory@example.com"}).headers["location"]
        forged = callback.replace("state=", "state=x")
        refused = browser.get(forged)
    assert refused.status_code == 303 and refused.headers["location"].startswith("/login?error=")
    assert ACCESS_COOKIE not in refused.cookies


def test_open_redirect_next_is_neutralised(app_url, issuer):
    register(issuer, "bob.google@example.com", "Bob")
    done = sign_in(app_url, "bob.google@example.com", next_path="https://evil.example/")
    assert done.headers["location"] == "/"


def test_not_configured_goes_back_to_login(committed_engine):
    from fastapi.testclient import TestClient

    client = TestClient(create_api(), follow_redirects=False)
    response = client.get("/api/v1/auth/oauth/google")
    assert response.status_code == 303 and response.headers["location"] == "/login?error=google_not_configured"
