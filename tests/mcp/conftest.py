"""The app under uvicorn (lifespan on, so /mcp runs), committed users, temporary test tools."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal

import httpx
import pytest
import uvicorn

from backend.api import create_api
from backend.common import ratelimit
from backend.config import get_settings
from backend.db import unit_of_work
from backend.mcp.registry import REGISTRY, ToolSpec
from tests.factories import bind_sandbox_accounts, make_user
from tests.support.servers import free_port, wait_until


@dataclass
class LiveApi:
    url: str
    client: httpx.Client

    @property
    def mcp_url(self) -> str:
        return f"{self.url}/mcp"


@pytest.fixture(scope="session")
def live_api(committed_engine) -> Iterator[LiveApi]:
    """create_api() under uvicorn on 127.0.0.1, with its lifespan (the MCP session manager)."""
    port = free_port()
    config = uvicorn.Config(create_api(), host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name=f"uvicorn-mcp-{port}", daemon=True)
    thread.start()
    wait_until(lambda: server.started, what=f"uvicorn on {port}")
    url = f"http://127.0.0.1:{port}"
    with httpx.Client(base_url=url, timeout=30) as client:
        yield LiveApi(url, client)
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture()
def api(live_api: LiveApi) -> httpx.Client:
    return live_api.client


@pytest.fixture(scope="session")
def service_headers() -> dict[str, str]:
    return {"Authorization": f"Bearer {get_settings().service_token}"}


@dataclass
class Member:
    id: int
    account_id: int


def new_member(*, gifted: str | None = None, purchased: str | None = None) -> Member:
    """A committed user with sandbox ad accounts; the rate-limit window starts empty."""
    with unit_of_work() as session:
        user = make_user(session, gifted=gifted, purchased=purchased)
        account = bind_sandbox_accounts(session, user)[0]
        member = Member(user.id, account.id)
    ratelimit.reset("mcp", str(member.id))
    return member


@pytest.fixture()
def member(committed_engine) -> Member:
    return new_member()


@pytest.fixture()
def temporary_tool() -> Iterator[Callable[[ToolSpec], ToolSpec]]:
    """Register tools for one test only (the registry is process-wide, the server shares it)."""
    added: list[str] = []

    def register(spec: ToolSpec) -> ToolSpec:
        REGISTRY.add(spec)
        added.append(spec.name)
        return spec

    yield register
    for name in added:
        REGISTRY.tools.pop(name, None)


def balance_of(user_id: int) -> Decimal:
    from backend.credits import service as credits

    with unit_of_work() as session:
        return credits.get_balance(session, user_id).total
