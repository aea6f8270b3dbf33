"""Charging a chat turn for its tokens at the credit config's rates (per 1K tokens).

Before the agent is called, the turn reserves an estimate (its prompt plus a full-length
answer) under the hold `chat:<turn_id>`; a balance that cannot cover it stops the turn with
InsufficientCredits (6011) before any model call. When the turn ends, the hold is settled to
the tokens the agent reported (or, for a stream cut short, the tokens it produced), or released
in full when nothing was produced. Tool calls are charged separately by the MCP path.
"""

from __future__ import annotations

import logging
from datetime import datetime
from decimal import Decimal

from sqlmodel import Session, col, select

from backend.credits import service as credits
from backend.credits.tools import llm_cost
from backend.errors import Conflict, NotFound
from backend.mcp.registry import CENT
from backend.models import CreditHold, HoldStatus
from backend.notifications import service as notifications

logger = logging.getLogger(__name__)

OPERATION_TYPE = "chat.llm_usage"
MAX_OUTPUT_ESTIMATE = 1024  # tokens reserved for the answer


def rate_model(model: str) -> str:
    """Which of the config's rate pairs applies: the pro rates for "pro" models, else flash."""
    return "gemini-pro" if "pro" in model.lower() else "gemini-flash"


def hold_id(turn_id: str) -> str:
    return f"chat:{turn_id}"


def estimate(session: Session, *, model: str, prompt_tokens: int) -> Decimal:
    config = credits.get_current_config(session)
    return max(llm_cost(config, rate_model(model), prompt_tokens, MAX_OUTPUT_ESTIMATE), CENT)


def reserve_for_turn(session: Session, *, user_id: int, turn_id: str, model: str, prompt_tokens: int) -> Decimal:
    """Hold the estimate; InsufficientCredits (6011) when the balance is short. Returns the hold."""
    amount = estimate(session, model=model, prompt_tokens=prompt_tokens)
    held = credits.reserve(session, user_id=user_id, operation_id=hold_id(turn_id), estimate=amount,
                           operation_type=OPERATION_TYPE,
                           details={"turn_id": turn_id, "model": model, "estimated_prompt_tokens": prompt_tokens})
    notifications.notify_low_balance(session, user_id=user_id, ledger_result=held)
    return amount


def settle_turn(session: Session, *, user_id: int, turn_id: str, model: str, input_tokens: int,
                output_tokens: int) -> Decimal:
    """Charge the actual tokens (refunding or collecting the difference); returns the charge."""
    cost = llm_cost(credits.get_current_config(session), rate_model(model), max(0, input_tokens),
                    max(0, output_tokens))
    settled = credits.settle(session, user_id=user_id, operation_id=hold_id(turn_id), actual=cost)
    notifications.notify_low_balance(session, user_id=user_id, ledger_result=settled)
    return cost


def release_turn(session: Session, *, user_id: int, turn_id: str, reason: str) -> None:
    credits.release(session, user_id=user_id, operation_id=hold_id(turn_id), reason=reason)


def release_abandoned_holds(session: Session, *, older_than: datetime) -> int:
    """Refund the holds of turns that never finished (their process died mid-turn). Pass a
    cut-off well beyond the longest turn (approvals wait up to 10 minutes), e.g. an hour ago."""
    stale = session.exec(
        select(CreditHold.user_id, CreditHold.operation_id)
        .where(CreditHold.operation_type == OPERATION_TYPE, CreditHold.status == HoldStatus.HELD,
               col(CreditHold.created_at) < older_than)
    ).all()
    released = 0
    for user_id, operation_id in stale:
        try:
            with session.begin_nested():
                credits.release(session, user_id=user_id, operation_id=operation_id, reason="abandoned")
            released += 1
        except (Conflict, NotFound):  # settled or released meanwhile
            logger.info("chat hold %s was resolved meanwhile", operation_id)
    return released
