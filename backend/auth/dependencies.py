"""FastAPI dependencies shared by every router: the unit of work and the current user."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer
from sqlmodel import Session

from backend.audit.service import RequestContext
from backend.auth import service as auth_service
from backend.auth.cookies import ACCESS_COOKIE
from backend.db import unit_of_work
from backend.models import User


def get_session() -> Iterator[Session]:
    """One transaction per request: committed after the endpoint returns, rolled back on error."""
    with unit_of_work() as session:
        yield session


# scope="function": commit before the response is sent, so a client never sees uncommitted data.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]

_bearer = HTTPBearer(auto_error=False, description="An access token (JWT)")
_access_cookie = APIKeyCookie(name=ACCESS_COOKIE, auto_error=False, description="Browser session cookie")


async def request_context(request: Request) -> RequestContext:  # async: no thread hop
    return RequestContext(
        ip=request.client.host if request.client else None,
        user_agent=request.headers.get("user-agent"),
    )


RequestContextDep = Annotated[RequestContext, Depends(request_context)]


def current_user(
    session: SessionDep,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    cookie: Annotated[str | None, Depends(_access_cookie)],
) -> User:
    """The signed-in user from `Authorization: Bearer` (preferred) or the session cookie."""
    token = bearer.credentials if bearer is not None else cookie
    return auth_service.authenticate_access_token(session, token)


CurrentUser = Annotated[User, Depends(current_user)]
