"""FastAPI dependencies shared by every router: the request's session and the signed-in user.

Both are cheap on the event loop: the session opens no connection until it is used, and the
signed-in user is a `PendingUser` (the token is checked here; the row is loaded in the
endpoint's own worker-thread hop by `backend.common.routing.DbRoute`, which every router with
signed-in users uses).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from backend.audit.service import RequestContext
from backend.auth.cookies import ACCESS_COOKIE
from backend.auth.service import load_active_user
from backend.auth.tokens import AccessClaims, decode_access_token
from backend.db import get_engine
from backend.models import User

FINISHED = "aae_finished"  # set on a session whose transaction the route has finished


async def get_session() -> AsyncIterator[Session]:
    """One transaction per request: committed after the endpoint returns, rolled back on error.

    The session is created without a connection; `DbRoute` normally commits and closes it in
    the endpoint's own thread hop. Whatever it did not finish is finished here (one hop, only
    when the session has work to commit or roll back).
    """
    session = Session(get_engine(), expire_on_commit=False)
    try:
        yield session
    except BaseException:
        await finish_session(session, commit=False)
        raise
    await finish_session(session, commit=True)


async def finish_session(session: Session, *, commit: bool) -> None:
    if session.info.get(FINISHED):
        return
    session.info[FINISHED] = True
    if not session.in_transaction():
        session.close()  # never used: nothing to send to the database
        return
    await run_in_threadpool(_commit_or_rollback, session, commit)


def _commit_or_rollback(session: Session, commit: bool) -> None:
    try:
        if commit:
            session.commit()
        else:
            session.rollback()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


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


@dataclass(slots=True)
class PendingUser:
    """A valid access token's user, to be loaded (and checked active) in the endpoint's thread."""

    claims: AccessClaims
    session: Session

    @property
    def user_id(self) -> int:
        return self.claims.user_id

    def resolve(self) -> User:
        return load_active_user(self.session, self.claims.user_id)


async def current_user(
    session: SessionDep,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    cookie: Annotated[str | None, Depends(_access_cookie)],
) -> PendingUser:
    """The signed-in user from `Authorization: Bearer` (preferred) or the session cookie.

    The token is verified here (1002 when missing, expired or forged); the endpoint receives the
    `User` row, loaded and checked active by `DbRoute`.
    """
    token = bearer.credentials if bearer is not None else cookie
    return PendingUser(decode_access_token(token), session)


CurrentUser = Annotated[User, Depends(current_user)]
