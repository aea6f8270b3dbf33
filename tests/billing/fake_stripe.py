"""A local stand-in for Stripe's `POST /v1/checkout/sessions` (EXTERNAL_APIS.md section 2.2).

It records each request's form-encoded params (bracket notation, as the SDK sends them) and its
Idempotency-Key, replays the first answer for a repeated key like Stripe does, and can be told
to fail the next request with a Stripe error object.
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route


@dataclass
class RecordedRequest:
    params: dict[str, str]
    idempotency_key: str | None
    authorization: str | None
    stripe_version: str | None


class FakeStripe:
    def __init__(self) -> None:
        self.url = ""
        self.requests: list[RecordedRequest] = []
        self.fail_next: tuple[int, dict[str, Any]] | None = None
        self._answers: dict[str, dict[str, Any]] = {}
        self._ids = itertools.count(1)
        self.app = Starlette(routes=[Route("/v1/checkout/sessions", self.create_session, methods=["POST"])])

    async def create_session(self, request: Request) -> JSONResponse:
        form = await request.form()
        recorded = RecordedRequest(
            params={key: str(value) for key, value in form.multi_items()},
            idempotency_key=request.headers.get("idempotency-key"),
            authorization=request.headers.get("authorization"),
            stripe_version=request.headers.get("stripe-version"),
        )
        self.requests.append(recorded)
        headers = {"Request-Id": f"req_{next(self._ids)}"}
        if self.fail_next is not None:
            status, error = self.fail_next
            self.fail_next = None
            return JSONResponse({"error": error}, status_code=status, headers=headers)
        key = recorded.idempotency_key
        if key and key in self._answers:
            return JSONResponse(self._answers[key], headers={**headers, "Idempotent-Replayed": "true"})
        if "line_items[0][price_data][unit_amount]" not in recorded.params:
            return JSONResponse({"error": {
                "type": "invalid_request_error", "code": "parameter_missing", "param": "line_items",
                "message": "Missing required param: line_items.",
            }}, status_code=400, headers=headers)
        answer = self._session(recorded.params)
        if key:
            self._answers[key] = answer
        return JSONResponse(answer, headers=headers)

    def _session(self, params: dict[str, str]) -> dict[str, Any]:
        session_id = f"cs_test_{next(self._ids):06d}"
        amount = int(params["line_items[0][price_data][unit_amount]"])
        now = int(time.time())
        metadata = {k[len("metadata["):-1]: v for k, v in params.items() if k.startswith("metadata[")}
        return {
            "id": session_id, "object": "checkout.session", "mode": params.get("mode"), "status": "open",
            "payment_status": "unpaid", "url": f"https://checkout.stripe.com/c/pay/{session_id}#fidkdWxOYHwnPyd1blpxYHZxWjA0",
            "amount_subtotal": amount, "amount_total": amount,
            "currency": params.get("line_items[0][price_data][currency]"),
            "client_reference_id": params.get("client_reference_id"), "metadata": metadata,
            "payment_intent": None, "customer": None, "customer_email": params.get("customer_email"),
            "created": now, "expires_at": now + 86400, "success_url": params.get("success_url"),
            "cancel_url": params.get("cancel_url"), "livemode": False,
        }
