"""/api/v1/credits: balance and ledger history. Packages and recharge live in billing."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query

from backend.common.routing import api_router
from backend.auth.dependencies import SessionDep
from backend.common.deps import ApiUser, Limit, Offset
from backend.common.schemas import Ok
from backend.credits import service as credits
from backend.credits.schemas import BalancePublic, TransactionPage, TransactionPublic
from backend.models import TransactionType

router = api_router(prefix="/api/v1/credits", tags=["credits"])


@router.get("/balance", response_model=Ok[BalancePublic])
def balance(user: ApiUser) -> Ok[BalancePublic]:
    b = credits.balance_of(user)  # read by the request's user check: one SELECT in all
    return Ok(data=BalancePublic(gifted_credits=b.gifted, purchased_credits=b.purchased, total=b.total, debt=b.debt,
                                 low_balance=credits.is_low_balance(b)))


@router.get("/history", response_model=Ok[TransactionPage])
def history(
    session: SessionDep, user: ApiUser, limit: Limit = 20, offset: Offset = 0,
    type: Annotated[list[TransactionType] | None, Query()] = None,
) -> Ok[TransactionPage]:
    rows, total = credits.list_transactions(session, user.id, limit=limit, offset=offset,
                                            types=[t.value for t in type] if type else None)
    return Ok(data=TransactionPage(items=[TransactionPublic.model_validate(r) for r in rows], total=total,
                                   limit=limit, offset=offset))
