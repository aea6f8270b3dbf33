"""/api/v1/landing-pages: CRUD, publish (Property 21), unpublish."""

from __future__ import annotations

from typing import Literal


from backend.common.routing import api_router
from backend.common.deps import ResourceId
from backend.auth.dependencies import RequestContextDep, SessionDep
from backend.common.deps import ApiUser, Limit, Offset
from backend.common.schemas import Deleted, Ok
from backend.landing_pages import service as pages
from backend.landing_pages.schemas import (
    LandingPageCreate,
    LandingPagePage,
    LandingPagePublic,
    LandingPageSummary,
    LandingPageUpdate,
)
from backend.landing_pages.service import PageData, PageEdit

router = api_router(prefix="/api/v1/landing-pages", tags=["landing pages"])


@router.get("", response_model=Ok[LandingPagePage])
def list_pages(session: SessionDep, user: ApiUser, limit: Limit = 20, offset: Offset = 0,
               status: Literal["draft", "published", "archived"] | None = None) -> Ok[LandingPagePage]:
    rows, total = pages.list_pages(session, user.id, status=status, limit=limit, offset=offset)
    return Ok(data=LandingPagePage(items=[LandingPageSummary.model_validate(r) for r in rows], total=total,
                                   limit=limit, offset=offset))


@router.post("", response_model=Ok[LandingPagePublic], status_code=201)
def create(body: LandingPageCreate, session: SessionDep, user: ApiUser) -> Ok[LandingPagePublic]:
    page = pages.create(session, user_id=user.id, data=PageData(**body.model_dump()))
    return Ok(data=LandingPagePublic.model_validate(page))


@router.get("/{page_id:int}", response_model=Ok[LandingPagePublic])
def get(page_id: ResourceId, session: SessionDep, user: ApiUser) -> Ok[LandingPagePublic]:
    return Ok(data=LandingPagePublic.model_validate(pages.get_owned_or_raise(session, user.id, page_id)))


@router.put("/{page_id:int}", response_model=Ok[LandingPagePublic])
def update(page_id: ResourceId, body: LandingPageUpdate, session: SessionDep, user: ApiUser) -> Ok[LandingPagePublic]:
    values = body.model_dump(exclude_unset=True)
    status = values.pop("status", None)
    if status == "draft":
        pages.restore(session, user_id=user.id, page_id=page_id)
    page = pages.update(session, user_id=user.id, page_id=page_id, edit=PageEdit(**values)) if values else \
        pages.get_owned_or_raise(session, user.id, page_id)
    if status == "archived":
        page = pages.archive(session, user_id=user.id, page_id=page_id)
    return Ok(data=LandingPagePublic.model_validate(page))


@router.delete("/{page_id:int}", response_model=Ok[Deleted])
def delete(page_id: ResourceId, session: SessionDep, user: ApiUser) -> Ok[Deleted]:
    pages.delete(session, user_id=user.id, page_id=page_id)
    return Ok(data=Deleted(id=page_id))


@router.post("/{page_id:int}/publish", response_model=Ok[LandingPagePublic])
def publish(page_id: ResourceId, session: SessionDep, user: ApiUser, context: RequestContextDep) -> Ok[LandingPagePublic]:
    page = pages.publish(session, user_id=user.id, page_id=page_id, context=context)
    return Ok(data=LandingPagePublic.model_validate(page))


@router.post("/{page_id:int}/unpublish", response_model=Ok[LandingPagePublic])
def unpublish(page_id: ResourceId, session: SessionDep, user: ApiUser) -> Ok[LandingPagePublic]:
    return Ok(data=LandingPagePublic.model_validate(pages.unpublish(session, user_id=user.id, page_id=page_id)))
