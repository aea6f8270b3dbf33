"""Billing routes: packages, recharge, orders, the local checkout simulator, and the Stripe webhook.

`router` serves /api/v1/credits/{packages,recharge} and /api/v1/billing/...; `webhook_router`
serves POST /webhooks/stripe (raw body, signature verified before anything else).
"""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import Depends, Form, Header, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from sqlmodel import Session
from starlette.responses import Response

from backend.common.routing import api_router
from backend.common.deps import ResourceId
from backend.auth.dependencies import CurrentUser, SessionDep
from backend.billing import service as billing
from backend.billing.checkout_page import PAGE_HEADERS, render_checkout_page
from backend.billing.schemas import (
    OrderPublic,
    OrdersResponse,
    PackagePublic,
    PackagesResponse,
    RechargeData,
    RechargeRequest,
    RechargeResponse,
    WebhookReceipt,
    WebhookResponse,
)
from backend.common.paging import DEFAULT_LIMIT, MAX_LIMIT, Page
from backend.db import unit_of_work
from backend.errors import Conflict, Forbidden, NotFound
from backend.integrations.payments import LOCAL_CHECKOUT_PATH, LocalPayments, PaymentProvider, get_payments
from backend.models import CreditOrder, OrderStatus

logger = logging.getLogger(__name__)

router = api_router(tags=["billing"])
webhook_router = api_router(tags=["webhooks"])

PaymentsDep = Annotated[PaymentProvider, Depends(get_payments)]


@router.get("/api/v1/credits/packages", summary="The credit packages on sale")
def get_packages(session: SessionDep, user: CurrentUser) -> PackagesResponse:
    packages = billing.list_packages(session)
    return PackagesResponse(data=[PackagePublic.model_validate(p) for p in packages])


@router.post("/api/v1/credits/recharge", summary="Start a checkout for a credit package")
def recharge(body: RechargeRequest, session: SessionDep, user: CurrentUser, payments: PaymentsDep) -> RechargeResponse:
    started = billing.start_checkout(session, user=user, package_id=body.package_id, provider=payments)
    assert started.order.id is not None
    return RechargeResponse(data=RechargeData(checkout_url=started.checkout_url, order_id=started.order.id))


@router.get("/api/v1/billing/orders", summary="The signed-in user's credit orders, newest first")
def get_orders(
    session: SessionDep,
    user: CurrentUser,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> OrdersResponse:
    rows, total = billing.list_orders(session, user_id=user.id, limit=limit, offset=offset)
    items = [OrderPublic.model_validate(row) for row in rows]
    return OrdersResponse(data=Page[OrderPublic](items=items, total=total, limit=limit, offset=offset))


# --- the local checkout simulator (embedded shape) ---------------------------------------------


def _local(payments: PaymentProvider) -> LocalPayments:
    if not isinstance(payments, LocalPayments):
        raise NotFound("The local checkout is only available with AAE_PAYMENTS_BACKEND=local")
    return payments


def _checkout_details(payments: LocalPayments, order_id: int, token: str) -> dict:
    details = payments.read_token(order_id, token)
    if details is None:
        raise Forbidden("Invalid or expired checkout link")
    return details


@router.get(LOCAL_CHECKOUT_PATH + "/{order_id:int}", response_class=HTMLResponse, include_in_schema=False)
def local_checkout_page(
    order_id: ResourceId, token: Annotated[str, Query(max_length=2048)], session: SessionDep, payments: PaymentsDep
) -> Response:
    local = _local(payments)
    details = _checkout_details(local, order_id, token)
    order = _order_of_checkout(session, order_id, details)
    package = next((p for p in billing.list_packages(session) if p.id == order.package_id), None)
    html = render_checkout_page(
        order_id=order_id, package_name=package.name if package else order.package_id, credits=order.credits,
        amount_cents=order.amount_cents, currency=order.currency, email=details.get("email"),
        status=order.status, payable=order.status == OrderStatus.PENDING, token=token,
        pay_action=f"{LOCAL_CHECKOUT_PATH}/{order_id}/pay", cancel_action=f"{LOCAL_CHECKOUT_PATH}/{order_id}/cancel",
    )
    return HTMLResponse(html, headers=PAGE_HEADERS)


@router.post(LOCAL_CHECKOUT_PATH + "/{order_id:int}/pay", include_in_schema=False)
def local_checkout_pay(
    order_id: ResourceId, token: Annotated[str, Form(max_length=2048)], session: SessionDep, payments: PaymentsDep
) -> Response:
    """Simulate a successful payment: Stripe's signed `checkout.session.completed`, delivered to us."""
    local = _local(payments)
    details = _checkout_details(local, order_id, token)
    order = _order_of_checkout(session, order_id, details)
    success = str(details["success_url"]).replace("{CHECKOUT_SESSION_ID}", details["session_id"])
    if order.status == OrderStatus.PAID:
        return RedirectResponse(success, status_code=303)  # a second click
    if order.status != OrderStatus.PENDING:
        raise Conflict(f"This order is {order.status}", details={"order_id": order_id, "status": order.status})
    event = local.completed_event(billing.checkout_item(order), session_id=details["session_id"],
                                  email=details.get("email"))
    payload, signature = local.signed_event(event)
    # Delivered like a separate Stripe request: its own transaction, through signature verification.
    with unit_of_work() as delivery:
        outcome = billing.process_webhook(delivery, payload=payload, signature_header=signature, provider=local)
    if outcome.retry is not None:
        raise outcome.retry
    logger.info("local checkout: order %s paid (event %s)", order_id, outcome.event_id)
    return RedirectResponse(success, status_code=303)


@router.post(LOCAL_CHECKOUT_PATH + "/{order_id:int}/cancel", include_in_schema=False)
def local_checkout_cancel(
    order_id: ResourceId, token: Annotated[str, Form(max_length=2048)], payments: PaymentsDep
) -> Response:
    """Like Stripe's back link: the session stays open until it expires; nothing is charged."""
    details = _checkout_details(_local(payments), order_id, token)
    return RedirectResponse(str(details["cancel_url"]), status_code=303)


def _order_of_checkout(session: Session, order_id: int, details: dict) -> CreditOrder:
    order = billing.get_order_or_raise(session, order_id)
    if order.checkout_session_id != details.get("session_id"):
        raise Forbidden("Invalid or expired checkout link")
    return order


# --- the Stripe webhook ----------------------------------------------------------------------


async def raw_body(request: Request) -> bytes:
    """The request body exactly as received: the signature covers these bytes."""
    return await request.body()


@webhook_router.post("/webhooks/stripe", summary="Stripe events (signature verified)")
def stripe_webhook(
    request: Request,
    payload: Annotated[bytes, Depends(raw_body)],
    session: SessionDep,
    payments: PaymentsDep,
    stripe_signature: Annotated[str | None, Header(max_length=4096)] = None,
) -> Response:
    event = payments.verify_webhook(payload, stripe_signature)  # InvalidWebhookSignature → 400 envelope
    outcome = billing.handle_event(session, event)
    if outcome.retry is not None:
        # Returned, not raised: the failed attempt commits, and a non-2xx makes Stripe deliver again.
        error = outcome.retry
        return JSONResponse(error.to_envelope(getattr(request.state, "request_id", None)), status_code=error.http_status)
    receipt = WebhookReceipt(event_id=outcome.event_id, type=outcome.type, outcome=outcome.status,
                             duplicate=outcome.duplicate)
    return JSONResponse(WebhookResponse(data=receipt).model_dump(mode="json"))
