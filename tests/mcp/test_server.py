"""The /mcp endpoint's life: served only while the lifespan runs, whoever runs it."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

from fastapi.testclient import TestClient

from backend.api import create_api, lifespan
from tests.mcp.support import ERROR_KEYS


class TestLifespan:
    def test_not_running_is_503_in_the_envelope(self, committed_engine):
        client = TestClient(create_api())  # no `with`: the lifespan never ran
        response = client.post("/mcp", json={})
        assert response.status_code == 503
        assert set(response.json()["error"]) == ERROR_KEYS

    def test_the_standalone_lifespan_runs_its_own_apps_endpoint(self, committed_engine):
        first, second = create_api(), create_api()
        with TestClient(first):
            assert first.state.mcp_endpoint._app is not None
            assert second.state.mcp_endpoint._app is None
        assert first.state.mcp_endpoint._app is None

    def test_reflex_runs_the_latest_apis_endpoint_and_may_run_it_again(self, committed_engine):
        api = create_api()

        async def reflex_lifespan():  # Reflex passes its rx.App, not the FastAPI app
            async with lifespan(SimpleNamespace(name="rx.App")):
                return api.state.mcp_endpoint._app is not None

        assert asyncio.run(reflex_lifespan()) and asyncio.run(reflex_lifespan())
        assert api.state.mcp_endpoint._app is None
