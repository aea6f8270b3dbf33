"""/api/v1/users/me: profile, data export, account deletion."""

from __future__ import annotations

from fastapi import Response

from backend.common.routing import api_router
from backend.auth.dependencies import RequestContextDep, SessionDep
from backend.common.deps import ApiUser
from backend.common.schemas import Ok, Queued
from backend.errors import NotFound
from backend.privacy import service as privacy
from backend.users import service as users
from backend.users.schemas import DeletionRequest, ExportPublic, UserPublic, UserUpdate

router = api_router(prefix="/api/v1/users", tags=["users"])


@router.get("/me", response_model=Ok[UserPublic])
def read_me(user: ApiUser) -> Ok[UserPublic]:
    return Ok(data=UserPublic.model_validate(user))


@router.put("/me", response_model=Ok[UserPublic])
def update_me(body: UserUpdate, session: SessionDep, user: ApiUser, context: RequestContextDep) -> Ok[UserPublic]:
    # null means "leave as is": none of these fields can be emptied
    updated = users.update_profile(session, user_id=user.id, changes=body.model_dump(exclude_unset=True, exclude_none=True),
                                   context=context)
    return Ok(data=UserPublic.model_validate(updated))


@router.delete("/me", response_model=Ok[Queued], status_code=202)
def delete_me(body: DeletionRequest, session: SessionDep, user: ApiUser, context: RequestContextDep) -> Ok[Queued]:
    """Start deleting the account and all its data; the session ends when the job finishes."""
    marked = privacy.request_deletion(session, user_id=user.id, confirm_email=body.confirm_email, context=context)
    return Ok(data=Queued(id=marked.id, status=marked.status))


@router.post("/me/export", response_model=Ok[ExportPublic], status_code=202)
def start_export(session: SessionDep, user: ApiUser, context: RequestContextDep) -> Ok[ExportPublic]:
    export = privacy.request_export(session, user_id=user.id, context=context)
    return Ok(data=ExportPublic.model_validate(export))


@router.get("/me/export", response_model=Ok[ExportPublic])
def read_export(session: SessionDep, user: ApiUser, response: Response) -> Ok[ExportPublic]:
    """The latest export's progress, with a download link (valid 24 h) once it is ready."""
    export = privacy.latest_export(session, user_id=user.id)
    if export is None:
        raise NotFound("No data export yet: POST /api/v1/users/me/export starts one")
    public = ExportPublic.model_validate(export)
    public.download_url = privacy.download_url(export)
    return Ok(data=public)
