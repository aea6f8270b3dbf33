"""The one tool registry behind both MCP surfaces and the in-app chat.

Each domain declares its tools in `backend/<domain>/tools.py` with the `@tool` decorator:

    class ListCampaignsParams(ToolParams):
        status: Literal["draft", "active", "paused"] | None = None

    @tool("list_campaigns", "List the user's campaigns.", ListCampaignsParams, read_only=True)
    def list_campaigns(session: Session, user_id: int, params: ListCampaignsParams) -> dict: ...

A handler gets the caller's session (it never commits), the user it acts for and its validated
params, and returns JSON-able data — or `ToolOutput(data, charged=...)` when it knows what the
call really cost. `cost` is the estimate reserved before a paid tool runs: a Decimal, or a
function of the params and the credit config in force.
"""

from __future__ import annotations

import copy
import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, Decimal
from functools import lru_cache
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict
from sqlmodel import Session

from backend.models import CreditConfig

ZERO = Decimal("0.00")
CENT = Decimal("0.01")

# The modules whose import registers tools; `load_tools()` imports them once.
TOOL_MODULES = (
    "backend.users.tools",
    "backend.credits.tools",
    "backend.ad_accounts.tools",
    "backend.reports.tools",
    "backend.creatives.tools",
    "backend.landing_pages.tools",
    "backend.campaigns.tools",
    "backend.notifications.tools",
)


class ToolParams(BaseModel):
    """Base of every tool's params: unknown arguments are refused, not silently dropped."""

    model_config = ConfigDict(extra="forbid")


@dataclass(frozen=True)
class ToolOutput:
    """A handler result that also says what the call cost (`charged`), when that is known only
    afterwards (paid tools settle to it) or when the handler charged credits itself."""

    data: Any
    charged: Decimal | None = None


CostFunction = Callable[[Any, CreditConfig], Decimal]
Handler = Callable[[Session, int, Any], Any]


@dataclass(frozen=True)
class ToolSpec:
    name: str
    description: str
    params: type[ToolParams]
    handler: Handler
    read_only: bool = False
    destructive: bool = False
    idempotent: bool = False
    cost: Decimal | CostFunction | None = None
    cost_basis: str | None = None  # a human-readable note on how the estimate is made
    title: str | None = None

    @property
    def paid(self) -> bool:
        return self.cost is not None

    def estimate(self, params: BaseModel, config: CreditConfig) -> Decimal:
        """The credits reserved before the call runs (0 for free tools), rounded up to a cent."""
        if self.cost is None:
            return ZERO
        value = self.cost(params, config) if callable(self.cost) else self.cost
        return round_up(Decimal(value))

    def input_schema(self) -> dict[str, Any]:
        return copy.deepcopy(_json_schema(self.params))

    def annotations(self) -> dict[str, bool]:
        """MCP's behaviour hints (`readOnlyHint`, `destructiveHint`, `idempotentHint`)."""
        return {
            "readOnlyHint": self.read_only,
            "destructiveHint": self.destructive,
            "idempotentHint": self.read_only or self.idempotent,
            "openWorldHint": False,
        }

    def cost_info(self, config: CreditConfig) -> dict[str, Any]:
        """What a caller sees before calling: paid or not, and the estimate for default params."""
        info: dict[str, Any] = {"paid": self.paid, "estimate": None, "basis": self.cost_basis}
        if not self.paid:
            info["estimate"] = str(ZERO)
        elif not callable(self.cost):
            info["estimate"] = str(round_up(Decimal(self.cost)))
        else:
            try:  # most cost functions read only the config; others need real params (estimate_cost)
                info["estimate"] = str(self.estimate(self.params.model_construct(), config))
            except Exception:
                info["estimate"] = None
        return info


@lru_cache(maxsize=256)
def _json_schema(params: type[ToolParams]) -> dict[str, Any]:
    """Generated once per params model: both surfaces list (and the SDK validates) on every call."""
    return params.model_json_schema()


def round_up(value: Decimal) -> Decimal:
    """Charges never lose a fraction of a cent to rounding: round up to the next cent."""
    return max(value, ZERO).quantize(CENT, rounding=ROUND_CEILING)


@dataclass
class Registry:
    tools: dict[str, ToolSpec] = field(default_factory=dict)

    def add(self, spec: ToolSpec) -> ToolSpec:
        existing = self.tools.get(spec.name)
        if existing is not None and existing.handler is not spec.handler:
            raise ValueError(f"MCP tool {spec.name!r} is declared twice")
        self.tools[spec.name] = spec
        return spec

    def get(self, name: str) -> ToolSpec | None:
        return self.tools.get(name)

    def all(self) -> list[ToolSpec]:
        return sorted(self.tools.values(), key=lambda spec: spec.name)


REGISTRY = Registry()
_F = TypeVar("_F", bound=Handler)


def tool(
    name: str,
    description: str,
    params: type[ToolParams],
    *,
    read_only: bool = False,
    destructive: bool = False,
    idempotent: bool = False,
    cost: Decimal | CostFunction | None = None,
    cost_basis: str | None = None,
    title: str | None = None,
) -> Callable[[_F], _F]:
    """Register the decorated handler as an MCP tool."""
    if read_only and destructive:
        raise ValueError(f"tool {name!r} cannot be both read-only and destructive")

    def decorator(handler: _F) -> _F:
        REGISTRY.add(ToolSpec(
            name=name, description=description, params=params, handler=handler, read_only=read_only,
            destructive=destructive, idempotent=idempotent, cost=cost, cost_basis=cost_basis, title=title,
        ))
        return handler

    return decorator


def load_tools() -> Registry:
    """Import every domain's tools module (registering its tools) and return the registry."""
    for module in TOOL_MODULES:
        importlib.import_module(module)
    return REGISTRY
