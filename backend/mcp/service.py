"""Running one tool for one user: the single path behind both MCP surfaces and the in-app chat.

    execute(user_id, "create_landing_page", {...}, operation_id="orch-42")

1. Unknown tool → 3001; arguments failing the tool's params model → 3002 naming the field.
2. With an operation id (the caller's, or a generated one for a paid tool) the call is claimed
   in `tool_invocations`; the same call again replays the first result without running or
   charging again, a different call under the same id is refused (4009).
3. A paid tool reserves its estimate in its own committed transaction (6011 when the balance is
   short), then runs its handler and settles the actual cost in one transaction (Property 35).
   If the handler fails, that transaction rolls back and the hold is released in full
   (Property 36).
4. A handler failure is 3003 with the cause (code, type, message, details) in `details.cause`;
   insufficient credits stay 6011 so the caller can send the user to recharge.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import to_jsonable_python
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from backend.credits import service as credits
from backend.db import unit_of_work
from backend.errors import (
    AppError,
    Conflict,
    InsufficientCredits,
    InvalidParameters,
    NotFound,
    RateLimited,
    ToolExecutionFailed,
    ToolNotFound,
)
from backend.mcp.registry import ZERO, ToolOutput, ToolSpec, load_tools, round_up
from backend.models import InvocationStatus, ToolInvocation, User, UserStatus
from backend.notifications import service as notifications

logger = logging.getLogger(__name__)

OPERATION_ID = re.compile(r"^[A-Za-z0-9._:\-]{1,100}$")
# A claim still "running" after this long belongs to a process that died: it may be retried.
STALE_AFTER = timedelta(minutes=15)


@dataclass(frozen=True)
class ExecutionResult:
    tool: str
    data: Any
    credits_charged: Decimal
    operation_id: str | None = None
    replayed: bool = False

    def body(self) -> dict[str, Any]:
        """The success shape both surfaces return (Property 24)."""
        return {"status": "success", "data": self.data, "credits_charged": str(self.credits_charged)}


class ToolFailed(ToolExecutionFailed):
    """3003 that keeps the HTTP status of its cause: a missing campaign is still a 404."""

    def __init__(self, message: str, *, details: dict[str, Any], http_status: int = 500) -> None:
        super().__init__(message, details=details)
        self.http_status = http_status  # type: ignore[misc]


def get_tool_or_raise(name: str) -> ToolSpec:
    spec = load_tools().get(name) if isinstance(name, str) else None
    if spec is None:
        raise ToolNotFound(f"Unknown tool: {name}", details={"tool": name})
    return spec


def validate_params(spec: ToolSpec, arguments: Any) -> BaseModel:
    """The tool's params, or 3002 with the first failing field in `details.field`."""
    if arguments is None:
        arguments = {}
    if not isinstance(arguments, dict):
        raise InvalidParameters("Arguments must be a JSON object", details={"tool": spec.name, "field": "arguments"})
    try:
        return spec.params.model_validate(arguments)
    except ValidationError as exc:
        fields = [{"field": ".".join(str(p) for p in err["loc"]) or "arguments", "message": err["msg"],
                   "type": err["type"]} for err in exc.errors(include_url=False, include_input=False)]
        raise InvalidParameters(
            f"Invalid parameters for {spec.name}: {fields[0]['field']}: {fields[0]['message']}",
            details={"tool": spec.name, "field": fields[0]["field"], "fields": fields},
        ) from None


def execute(user_id: int, tool: str, arguments: Any, operation_id: str | None = None) -> ExecutionResult:
    """Run `tool` for `user_id`; see the module docstring for the rules."""
    spec = get_tool_or_raise(tool)
    params = validate_params(spec, arguments)
    if operation_id is not None and (not isinstance(operation_id, str) or not OPERATION_ID.match(operation_id)):
        raise InvalidParameters("operation_id must be 1-100 letters, digits or . _ : -",
                                details={"tool": spec.name, "field": "operation_id"})
    recorded = operation_id is not None or spec.paid
    operation_id = operation_id or f"auto-{uuid.uuid4().hex}"
    request_hash = _request_hash(spec, params)

    hold_id: str | None = None
    held, attempt = ZERO, 1
    try:
        with unit_of_work() as session:
            _require_active_user(session, user_id)
            if recorded:
                claim = _claim(session, user_id, operation_id, spec.name, request_hash)
                if isinstance(claim, ExecutionResult):
                    return claim
                attempt = claim.attempts
            held = spec.estimate(params, credits.get_current_config(session)) if spec.paid else ZERO
            if held > 0:
                hold_id = f"mcp:{operation_id}#{attempt}"
                reserved = credits.reserve(session, user_id=user_id, operation_id=hold_id, estimate=held,
                                           operation_type=f"mcp.{spec.name}", details={"tool": spec.name})
                notifications.notify_low_balance(session, user_id=user_id, ledger_result=reserved)
    except InsufficientCredits as exc:
        exc.details.setdefault("tool", spec.name)
        raise

    try:
        with unit_of_work() as session:
            data, charged = _run(session, spec, user_id, params, operation_id, hold_id, held)
            if recorded:
                _complete(session, user_id, operation_id, data, charged)
    except Exception as exc:
        failure = as_tool_error(spec.name, exc)
        _record_failure(user_id, operation_id if recorded else None, hold_id, failure)
        if failure is exc:
            raise
        raise failure from exc
    return ExecutionResult(spec.name, data, charged, operation_id if recorded else None)


# --- steps -----------------------------------------------------------------------------------


def _run(
    session: Session, spec: ToolSpec, user_id: int, params: BaseModel, operation_id: str, hold_id: str | None,
    held: Decimal,
) -> tuple[Any, Decimal]:
    output = spec.handler(session, user_id, params)
    data, reported = (output.data, output.charged) if isinstance(output, ToolOutput) else (output, None)
    data = to_jsonable_python(data)
    if hold_id is not None:
        actual = round_up(reported) if reported is not None else held
        settled = credits.settle(session, user_id=user_id, operation_id=hold_id, actual=actual)
        notifications.notify_low_balance(session, user_id=user_id, ledger_result=settled)
        return data, actual
    if spec.paid and reported:
        # A paid tool whose estimate was 0 but that reports a cost: charge it directly.
        charged = round_up(reported)
        result = credits.deduct(session, user_id=user_id, amount=charged, operation_type=f"mcp.{spec.name}",
                                operation_id=f"mcp:{operation_id}", details={"tool": spec.name})
        notifications.notify_low_balance(session, user_id=user_id, ledger_result=result)
        return data, charged
    return data, round_up(reported) if reported else ZERO


def _claim(
    session: Session, user_id: int, operation_id: str, tool: str, request_hash: str
) -> ToolInvocation | ExecutionResult:
    """Claim the operation id, or return the first result when it already succeeded."""
    existing = _locked_invocation(session, user_id, operation_id)
    if existing is None:
        try:
            with session.begin_nested():
                invocation = ToolInvocation(user_id=user_id, operation_id=operation_id, tool=tool,
                                            request_hash=request_hash)
                session.add(invocation)
                session.flush()
            return invocation
        except IntegrityError:  # a concurrent call claimed it first (and has committed by now)
            existing = _locked_invocation(session, user_id, operation_id)
            if existing is None:
                raise
    if existing.request_hash != request_hash:
        raise Conflict("This operation id was already used for a different call",
                       details={"operation_id": operation_id, "tool": existing.tool})
    if existing.status == InvocationStatus.SUCCEEDED:
        return ExecutionResult(existing.tool, existing.result, existing.credits_charged, operation_id, replayed=True)
    if existing.status == InvocationStatus.RUNNING:
        if datetime.now(UTC) - existing.updated_at < STALE_AFTER:
            raise Conflict("This operation is still running", details={"operation_id": operation_id})
        _release_quietly(session, user_id, f"mcp:{operation_id}#{existing.attempts}", reason="abandoned")
    # Failed (or abandoned): run it again under a fresh hold id.
    existing.attempts += 1
    existing.status = InvocationStatus.RUNNING
    existing.error = None
    existing.updated_at = datetime.now(UTC)
    session.add(existing)
    session.flush()
    return existing


def _complete(session: Session, user_id: int, operation_id: str, data: Any, charged: Decimal) -> None:
    invocation = _locked_invocation(session, user_id, operation_id)
    assert invocation is not None, "claimed in the first transaction"
    invocation.status = InvocationStatus.SUCCEEDED
    invocation.result = data
    invocation.credits_charged = charged
    invocation.completed_at = datetime.now(UTC)
    session.add(invocation)
    session.flush()


def _record_failure(user_id: int, operation_id: str | None, hold_id: str | None, failure: AppError) -> None:
    """After the handler's transaction rolled back: give the hold back and mark the claim failed."""
    if operation_id is None and hold_id is None:
        return
    try:
        with unit_of_work() as session:
            if hold_id is not None:
                credits.release(session, user_id=user_id, operation_id=hold_id, reason=failure.code)
            invocation = _locked_invocation(session, user_id, operation_id) if operation_id else None
            if invocation is not None:
                invocation.status = InvocationStatus.FAILED
                invocation.error = {"code": failure.code, "message": failure.message}
                session.add(invocation)
    except Exception:  # the claim goes stale and is retried; the hold is released then
        logger.exception("could not record the failure of operation %s for user %s", operation_id, user_id)


def _release_quietly(session: Session, user_id: int, hold_id: str, *, reason: str) -> None:
    try:
        with session.begin_nested():
            credits.release(session, user_id=user_id, operation_id=hold_id, reason=reason)
    except (NotFound, Conflict):  # never reserved (free tool), or settled after all
        pass


def _locked_invocation(session: Session, user_id: int, operation_id: str) -> ToolInvocation | None:
    return session.exec(
        select(ToolInvocation)
        .where(ToolInvocation.user_id == user_id, ToolInvocation.operation_id == operation_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).first()


def _require_active_user(session: Session, user_id: int) -> None:
    status = session.exec(select(User.status).where(User.id == user_id)).first() if isinstance(user_id, int) else None
    if status is None or status != UserStatus.ACTIVE:
        raise NotFound("User not found", details={"user_id": user_id})


def _request_hash(spec: ToolSpec, params: BaseModel) -> str:
    canonical = json.dumps({"tool": spec.name, "params": params.model_dump(mode="json")}, sort_keys=True,
                           separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


# --- errors ----------------------------------------------------------------------------------

# Errors that keep their own code: the caller acts on them as they are.
_PASS_THROUGH = (ToolNotFound, InvalidParameters, ToolExecutionFailed, InsufficientCredits, RateLimited)


def as_tool_error(tool: str, exc: BaseException) -> AppError:
    """A handler failure as 3003 with its cause; insufficient credits and 3xxx errors unchanged."""
    if isinstance(exc, _PASS_THROUGH):
        exc.details.setdefault("tool", tool)
        return exc
    if isinstance(exc, AppError):
        cause = {"code": exc.code, "type": exc.type, "message": exc.message, "details": exc.details}
        return ToolFailed(f"{tool} failed: {exc.message}", details={"tool": tool, "cause": cause},
                          http_status=exc.http_status)
    logger.error("MCP tool %s crashed", tool, exc_info=exc)
    cause = {"code": "5002", "type": "INTERNAL_ERROR", "message": "Unexpected error", "details": {}}
    return ToolFailed(f"{tool} failed unexpectedly", details={"tool": tool, "cause": cause})
