"""schemathesis over /api/openapi.json with every check: no server errors, no schema violations.

The app runs under uvicorn on the per-run MariaDB database, signed in as a user with a bound
sandbox account; the schemathesis CLI drives it (coverage, fuzzing and stateful phases).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import uvicorn

from backend import config as config_module
from backend.api import create_api
from backend.auth.tokens import create_access_token
from tests.api.conftest import new_api_user
from tests.support.servers import ServerThread

CONFIG = Path(__file__).with_name("schemathesis.toml")


@pytest.fixture()
def api_server(committed_engine, monkeypatch):
    # The fuzzer sends thousands of requests as one user: lift the per-user limit for this run.
    monkeypatch.setenv("AAE_RATE_LIMIT_API", "1000000/minute")
    config_module.reset_settings_cache()
    with ServerThread(create_api()) as server:
        yield server.url
    monkeypatch.undo()
    config_module.reset_settings_cache()


def test_schemathesis_all_checks(api_server):
    user = new_api_user()
    token = create_access_token(user.user.id, ttl_seconds=3600)
    command = [
        str(Path(sys.executable).parent / "schemathesis"), "--config-file", str(CONFIG), "run",
        f"{api_server}/api/openapi.json", "--checks", "all", "--max-examples", "25",
        "--header", f"Authorization: Bearer {token}", "--seed", "20261126", "--no-color",
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=900)
    summary = result.stdout[-4000:]
    assert result.returncode == 0, summary
    assert "Server error" not in result.stdout, summary
    assert "schema violation" not in result.stdout.lower(), summary
