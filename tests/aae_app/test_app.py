"""The Reflex app object: FastAPI mounted on the same port, the shared lifespan registered."""

from fastapi import FastAPI
from fastapi.testclient import TestClient

from backend.api import create_api, lifespan


def test_app_mounts_the_api_and_registers_the_lifespan():
    from aae_app.aae_app import app

    api, upload_guard = app.api_transformer  # our FastAPI app first, then the /_upload size guard
    assert isinstance(api, FastAPI) and callable(upload_guard)
    assert lifespan in app.get_lifespan_tasks()
    paths = set(api.openapi()["paths"])
    assert {"/api/v1/health", "/api/v1/auth/dev-login", "/api/v1/auth/logout"} <= paths


def test_every_api_route_is_under_a_prefix():
    """A catch-all would swallow Reflex's /_event and the frontend (REFLEX_NOTES §1)."""
    api = create_api()
    for path in [*api.openapi()["paths"], api.openapi_url]:
        assert path.startswith(("/api/", "/mcp", "/oauth", "/webhooks", "/files")), path


def test_standalone_app_runs_the_lifespan(committed_engine):
    with TestClient(create_api()) as client:
        assert client.get("/api/v1/health").json()["data"]["database"] is True
