"""MCP tools of the landing pages domain. Creating a page is paid (the config's landing_page_rate)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal

from pydantic import Field
from sqlmodel import Session

from backend.landing_pages import service as pages
from backend.landing_pages.schemas import LandingPageCreate, LandingPagePublic, LandingPageSummary
from backend.landing_pages.service import PageData, PageEdit
from backend.mcp.registry import ToolParams, tool
from backend.models import CreditConfig


class ListLandingPagesParams(ToolParams):
    status: Literal["draft", "published", "archived"] | None = None
    limit: int = Field(default=20, ge=1, le=100)
    offset: int = Field(default=0, ge=0, le=1_000_000)


@tool("list_landing_pages", "The user's landing pages (drafts, published, archived) with their public URLs.",
      ListLandingPagesParams, read_only=True, title="List landing pages")
def list_landing_pages(session: Session, user_id: int, params: ListLandingPagesParams) -> dict[str, Any]:
    rows, total = pages.list_pages(session, user_id, status=params.status, limit=params.limit, offset=params.offset)
    return {"items": [LandingPageSummary.model_validate(r).model_dump(mode="json") for r in rows], "total": total,
            "limit": params.limit, "offset": params.offset}


class CreateLandingPageParams(LandingPageCreate, ToolParams):
    pass


def landing_page_cost(params: CreateLandingPageParams, config: CreditConfig) -> Decimal:
    return config.landing_page_rate


@tool("create_landing_page", "Create a draft landing page for a product, from a template (modern, minimal, bold; "
      "en or zh) or from your own HTML. Paid: the landing page rate.", CreateLandingPageParams,
      cost=landing_page_cost, cost_basis="credit config landing_page_rate per page", title="Create landing page")
def create_landing_page(session: Session, user_id: int, params: CreateLandingPageParams) -> dict[str, Any]:
    page = pages.create(session, user_id=user_id, data=PageData(**params.model_dump()))
    return LandingPagePublic.model_validate(page).model_dump(mode="json")


class UpdateLandingPageParams(ToolParams):
    page_id: int = Field(gt=0)
    name: str | None = Field(default=None, min_length=1, max_length=255)
    product_url: str | None = Field(default=None, min_length=1, max_length=1024)
    template: Literal["modern", "minimal", "bold"] | None = None
    language: Literal["en", "zh"] | None = None
    html_content: str | None = Field(default=None, max_length=2 * 1024 * 1024)


@tool("update_landing_page", "Edit a landing page's name, product URL, template, language or HTML. A published "
      "page changes online only when it is published again.", UpdateLandingPageParams, idempotent=True,
      title="Update landing page")
def update_landing_page(session: Session, user_id: int, params: UpdateLandingPageParams) -> dict[str, Any]:
    edit = PageEdit(**params.model_dump(exclude={"page_id"}, exclude_unset=True))
    page = pages.update(session, user_id=user_id, page_id=params.page_id, edit=edit)
    return LandingPagePublic.model_validate(page).model_dump(mode="json")


class PublishLandingPageParams(ToolParams):
    page_id: int = Field(gt=0)


@tool("publish_landing_page", "Publish (or re-publish) a landing page to its public URL on the CDN.",
      PublishLandingPageParams, idempotent=True, title="Publish landing page")
def publish_landing_page(session: Session, user_id: int, params: PublishLandingPageParams) -> dict[str, Any]:
    page = pages.publish(session, user_id=user_id, page_id=params.page_id)
    return LandingPageSummary.model_validate(page).model_dump(mode="json")
