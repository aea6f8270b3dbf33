"""Billing fixtures: the fake Stripe server, providers, and an app with the billing routers."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from backend.api import create_api
from backend.billing.endpoints import router as billing_router
from backend.billing.endpoints import webhook_router
from backend.config import get_settings
from backend.files.endpoints import router as files_router
from backend.integrations.payments import LocalPayments, StripePayments, get_payments
from tests.billing.fake_stripe import FakeStripe
from tests.support.servers import ServerThread


def build_app() -> FastAPI:
    """The real app (handlers, middleware) plus our routers unless create_api already has them."""
    app = create_api()
    present = {getattr(route, "path", None) for route in app.routes}
    for router in (billing_router, webhook_router, files_router):
        if not any(route.path in present for route in router.routes):
            app.include_router(router)
    return app


@pytest.fixture(scope="session")
def fake_stripe() -> Iterator[FakeStripe]:
    fake = FakeStripe()
    with ServerThread(fake.app) as server:
        fake.url = server.url
        yield fake


@pytest.fixture()
def webhook_secret() -> str:
    return get_settings().stripe_webhook_secret


@pytest.fixture()
def local_payments() -> LocalPayments:
    return LocalPayments.from_settings(get_settings())


@pytest.fixture()
def stripe_payments(fake_stripe, webhook_secret) -> StripePayments:
    return StripePayments(secret_key="sk_test_x", webhook_secret=webhook_secret, api_base=fake_stripe.url,
                          max_network_retries=0)


@pytest.fixture()
def app(committed_engine) -> FastAPI:
    return build_app()


@pytest.fixture()
def client(app) -> TestClient:
    return TestClient(app, follow_redirects=False)


def login(client: TestClient) -> str:
    email = f"billing-{uuid.uuid4().hex[:10]}@aae.local"
    response = client.post("/api/v1/auth/dev-login", data={"email": email, "display_name": "Buyer"})
    assert response.status_code == 303, response.text
    return email


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


@pytest.fixture()
def use_stripe(app, stripe_payments) -> Iterator[StripePayments]:
    app.dependency_overrides[get_payments] = lambda: stripe_payments
    yield stripe_payments
    app.dependency_overrides.pop(get_payments, None)
