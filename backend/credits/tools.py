"""MCP tools of the credits domain: balance, estimates, and the orchestrator's own LLM usage.

`deduct_credits` / `refund_credits` charge or give back credits for work the orchestrator did
outside any tool (LLM tokens). Both are idempotent on the caller's `operation_id`: the ledger
keeps one row per id, so a retried call charges (or refunds) once. A refund can only give back
what an earlier `deduct_credits` took; the orchestrator cannot mint credits.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal

from pydantic import Field, model_validator
from sqlmodel import Session

from backend.credits import service as credits
from backend.mcp import service as mcp
from backend.mcp.registry import ToolOutput, ToolParams, round_up, tool
from backend.models import CreditConfig
from backend.notifications import service as notifications

Model = Literal["gemini-flash", "gemini-pro"]
Operation = Literal["llm_usage", "image_generation", "video_generation", "landing_page", "competitor_analysis",
                    "optimization_suggestion"]
OPERATION_ID = r"^[A-Za-z0-9._:\-]{1,100}$"
MAX_CREDITS = Decimal("1000000")


def llm_cost(config: CreditConfig, model: str, input_tokens: int, output_tokens: int) -> Decimal:
    """Credits for LLM usage at the config's rates (per 1K tokens), rounded up to a cent."""
    if model == "gemini-pro":
        rates = config.gemini_pro_input_rate, config.gemini_pro_output_rate
    else:
        rates = config.gemini_flash_input_rate, config.gemini_flash_output_rate
    return round_up((Decimal(input_tokens) * rates[0] + Decimal(output_tokens) * rates[1]) / 1000)


def operation_cost(config: CreditConfig, operation: str, quantity: int) -> Decimal:
    rate = {
        "image_generation": config.image_generation_rate, "video_generation": config.video_generation_rate,
        "landing_page": config.landing_page_rate, "competitor_analysis": config.competitor_analysis_rate,
        "optimization_suggestion": config.optimization_suggestion_rate,
    }[operation]
    return round_up(rate * quantity)


def _balance(session: Session, user_id: int) -> dict[str, Any]:
    b = credits.get_balance(session, user_id)
    return {"gifted_credits": b.gifted, "purchased_credits": b.purchased, "total": b.total, "debt": b.debt,
            "low_balance": credits.is_low_balance(b)}


class NoParams(ToolParams):
    pass


@tool("get_credit_balance", "The user's credit balance (gifted and purchased) and whether it is low.",
      NoParams, read_only=True, title="Get credit balance")
def get_credit_balance(session: Session, user_id: int, params: NoParams) -> dict[str, Any]:
    return _balance(session, user_id)


class EstimateCostParams(ToolParams):
    tool: str | None = Field(default=None, max_length=64, description="Estimate calling this tool with `arguments`")
    arguments: dict[str, Any] = Field(default_factory=dict, description="The arguments for `tool`")
    operation: Operation | None = Field(default=None, description="Or estimate an operation at the current rates")
    quantity: int = Field(default=1, ge=1, le=10_000, description="How many of `operation`")
    model: Model = Field(default="gemini-flash", description="For llm_usage")
    input_tokens: int = Field(default=0, ge=0, le=10**9, description="For llm_usage")
    output_tokens: int = Field(default=0, ge=0, le=10**9, description="For llm_usage")

    @model_validator(mode="after")
    def _one_subject(self) -> EstimateCostParams:
        if (self.tool is None) == (self.operation is None):
            raise ValueError("give either `tool` (with `arguments`) or `operation`")
        return self


@tool("estimate_cost", "Estimate the credits a tool call or an operation (LLM usage, image or video generation, "
      "landing page, analysis) would cost now, and whether the balance covers it.", EstimateCostParams,
      read_only=True, title="Estimate cost")
def estimate_cost(session: Session, user_id: int, params: EstimateCostParams) -> dict[str, Any]:
    config = credits.get_current_config(session)
    if params.tool is not None:
        spec = mcp.get_tool_or_raise(params.tool)
        amount = spec.estimate(mcp.validate_params(spec, params.arguments), config)
        subject: dict[str, Any] = {"tool": spec.name, "paid": spec.paid, "basis": spec.cost_basis}
    elif params.operation == "llm_usage":
        amount = llm_cost(config, params.model, params.input_tokens, params.output_tokens)
        subject = {"operation": "llm_usage", "paid": True, "basis": f"{params.model} rates per 1K tokens"}
    else:
        amount = operation_cost(config, params.operation or "", params.quantity)
        subject = {"operation": params.operation, "paid": True, "basis": f"{params.operation} rate x quantity"}
    balance = credits.get_balance(session, user_id)
    return {**subject, "estimate": amount, "balance": balance.total, "affordable": balance.total >= amount,
            "credit_config_id": config.id}


class DeductCreditsParams(ToolParams):
    operation_id: str = Field(pattern=OPERATION_ID, description="Your id for this usage; the same id charges once")
    amount: Decimal | None = Field(default=None, gt=0, le=MAX_CREDITS, decimal_places=2,
                                   description="Credits to charge; or give the token usage instead")
    model: Model | None = Field(default=None, description="The model used (charged at its current rates)")
    input_tokens: int = Field(default=0, ge=0, le=10**9)
    output_tokens: int = Field(default=0, ge=0, le=10**9)
    description: str | None = Field(default=None, max_length=255)

    @model_validator(mode="after")
    def _amount_or_usage(self) -> DeductCreditsParams:
        if (self.amount is None) == (self.model is None):
            raise ValueError("give either `amount` or `model` with the token counts")
        return self


@tool("deduct_credits", "Charge the user for the orchestrator's own LLM usage, by amount or by tokens at the "
      "current rates. Idempotent on operation_id. Fails with 6011 when the balance is short.",
      DeductCreditsParams, idempotent=True, title="Deduct credits",
      cost_basis="charges the given amount, or the tokens at the current model rates; no hold")
def deduct_credits(session: Session, user_id: int, params: DeductCreditsParams) -> ToolOutput:
    config = credits.get_current_config(session)
    amount = params.amount if params.amount is not None else llm_cost(
        config, params.model or "", params.input_tokens, params.output_tokens)
    details = {"description": params.description, "model": params.model, "input_tokens": params.input_tokens,
               "output_tokens": params.output_tokens}
    if amount <= 0:
        return ToolOutput({"operation_id": params.operation_id, "amount": amount, "transaction_id": None,
                           "replayed": False, "balance": _balance(session, user_id)}, charged=amount)
    result = credits.deduct(session, user_id=user_id, amount=amount, operation_type="llm_usage",
                            operation_id=f"llm:{params.operation_id}", details=details, credit_config_id=config.id)
    notifications.notify_low_balance(session, user_id=user_id, ledger_result=result)
    tx = result.transaction
    return ToolOutput({"operation_id": params.operation_id, "amount": tx.amount, "transaction_id": tx.id,
                       "replayed": result.replayed, "balance": _balance(session, user_id)}, charged=tx.amount)


class RefundCreditsParams(ToolParams):
    operation_id: str = Field(pattern=OPERATION_ID, description="Your id for this refund; the same id refunds once")
    original_operation_id: str = Field(pattern=OPERATION_ID, description="The deduct_credits operation to give back")
    amount: Decimal = Field(gt=0, le=MAX_CREDITS, decimal_places=2,
                            description="At most what that operation charged and was not refunded yet")
    reason: str | None = Field(default=None, max_length=255)


@tool("refund_credits", "Give back credits charged by an earlier deduct_credits (all or part of it). "
      "Idempotent on operation_id.", RefundCreditsParams, idempotent=True, title="Refund credits")
def refund_credits(session: Session, user_id: int, params: RefundCreditsParams) -> dict[str, Any]:
    result = credits.refund(session, user_id=user_id, amount=params.amount, operation_type="llm_usage_refund",
                            operation_id=f"llm-refund:{params.operation_id}",
                            original_operation_id=f"llm:{params.original_operation_id}",
                            details={"reason": params.reason})
    tx = result.transaction
    return {"operation_id": params.operation_id, "refunded": tx.amount, "transaction_id": tx.id,
            "replayed": result.replayed, "balance": _balance(session, user_id)}
