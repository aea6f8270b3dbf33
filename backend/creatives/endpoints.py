"""/api/v1/creatives: list with filters, upload tickets, confirm, get, update, delete."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import Query

from backend.common.routing import api_router
from backend.common.deps import ResourceId
from backend.auth.dependencies import RequestContextDep, SessionDep
from backend.common.deps import ApiUser, IsoDate, IsoDateTime, Limit, Offset, UploadUser
from backend.common.schemas import Deleted, Ok
from backend.creatives import service as creatives
from backend.creatives.schemas import (
    CreativeCreate,
    CreativePage,
    CreativePublic,
    CreativeUpdate,
    UploadRequest,
    UploadTicket,
)
from backend.creatives.service import CreativeChanges, CreativeFilters
from backend.models import Creative

router = api_router(prefix="/api/v1/creatives", tags=["creatives"])


def public(creative: Creative, *, with_link: bool = True) -> CreativePublic:
    out = CreativePublic.model_validate(creative)
    if with_link:
        out.view_url = creatives.view_url(creative)
    return out


@router.get("", response_model=Ok[CreativePage])
def list_creatives(
    session: SessionDep, user: ApiUser, limit: Limit = 20, offset: Offset = 0,
    type: Literal["image", "video"] | None = None,
    style: Annotated[str | None, Query(max_length=64)] = None,
    tags: Annotated[list[str] | None, Query(max_length=20)] = None,
    score_min: Annotated[float | None, Query(ge=0, le=100)] = None,
    score_max: Annotated[float | None, Query(ge=0, le=100)] = None,
    created_from: IsoDateTime | None = None,
    created_to: IsoDateTime | None = None,
    search: Annotated[str | None, Query(max_length=100)] = None,
    sort: Literal["newest", "oldest", "score"] = "newest",
) -> Ok[CreativePage]:
    filters = CreativeFilters(file_type=type, style=style, tags=tags or [], score_min=score_min, score_max=score_max,
                              created_from=created_from, created_to=created_to, search=search, sort=sort)
    rows, total = creatives.list_creatives(session, user.id, filters=filters, limit=limit, offset=offset)
    return Ok(data=CreativePage(items=[public(r) for r in rows], total=total, limit=limit, offset=offset))


@router.post("/upload-url", response_model=Ok[UploadTicket])
def upload_url(body: UploadRequest, session: SessionDep, user: UploadUser) -> Ok[UploadTicket]:
    """A presigned upload limited to the declared type and size; confirm it with POST /creatives."""
    creative, ticket = creatives.request_upload(session, user_id=user.id, filename=body.filename,
                                                content_type=body.content_type, size=body.size)
    return Ok(data=UploadTicket(creative_id=creative.id, method=ticket.method, url=ticket.url, fields=ticket.fields,
                                max_bytes=ticket.max_bytes, expires_at=ticket.expires_at))


@router.post("", response_model=Ok[CreativePublic], status_code=201)
def create(body: CreativeCreate, session: SessionDep, user: ApiUser) -> Ok[CreativePublic]:
    creative = creatives.confirm_upload(session, user_id=user.id, creative_id=body.creative_id)
    changes = CreativeChanges(name=body.name, style=body.style, tags=body.tags, score=body.score,
                              product_url=str(body.product_url) if body.product_url else None)
    creative = creatives.update(session, user_id=user.id, creative_id=creative.id, changes=changes)
    return Ok(data=public(creative))


@router.get("/{creative_id:int}", response_model=Ok[CreativePublic])
def get(creative_id: ResourceId, session: SessionDep, user: ApiUser) -> Ok[CreativePublic]:
    return Ok(data=public(creatives.get_owned_or_raise(session, user.id, creative_id)))


@router.put("/{creative_id:int}", response_model=Ok[CreativePublic])
def update(creative_id: ResourceId, body: CreativeUpdate, session: SessionDep, user: ApiUser) -> Ok[CreativePublic]:
    values = body.model_dump(exclude_unset=True)
    if "product_url" in values and values["product_url"] is not None:
        values["product_url"] = str(values["product_url"])
    creative = creatives.update(session, user_id=user.id, creative_id=creative_id, changes=CreativeChanges(**values))
    return Ok(data=public(creative))


@router.delete("/{creative_id:int}", response_model=Ok[Deleted])
def delete(creative_id: ResourceId, session: SessionDep, user: ApiUser, context: RequestContextDep) -> Ok[Deleted]:
    creatives.delete(session, user_id=user.id, creative_id=creative_id, context=context)
    return Ok(data=Deleted(id=creative_id))
