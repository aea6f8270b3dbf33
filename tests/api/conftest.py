"""An API client on the test database, and signed-in users with committed data."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient

from backend.api import create_api
from backend.auth.tokens import create_access_token
from backend.db import unit_of_work
from backend.models import User
from tests.factories import bind_sandbox_accounts, make_user


@dataclass
class ApiUser:
    user: User
    headers: dict[str, str]
    account_id: int


@pytest.fixture(scope="module")
def app(committed_engine):
    return create_api()


@pytest.fixture()
def client(app):
    with TestClient(app, follow_redirects=False) as test_client:
        yield test_client


def new_api_user() -> ApiUser:
    with unit_of_work() as session:
        user = make_user(session)
        account = bind_sandbox_accounts(session, user)[0]
        account_id = account.id
    return ApiUser(user, {"Authorization": f"Bearer {create_access_token(user.id)}"}, account_id)


@pytest.fixture()
def alice(committed_engine) -> ApiUser:
    return new_api_user()


@pytest.fixture()
def bob(committed_engine) -> ApiUser:
    return new_api_user()
