"""One worker-thread hop per request: the route class every JSON router uses.

FastAPI runs each synchronous dependency and the synchronous endpoint in its thread pool, one
hop each, and a generator dependency's exit in another. A plain `def` endpoint with the session,
the signed-in user and the rate limit made five hops per request, and under load the hops (and
the GIL handovers between them) cost more than the queries. Here:

- the token check and the rate limit are async dependencies on the event loop (no database);
- the session dependency opens no connection (`backend.auth.dependencies.get_session`);
- `DbRoute` wraps a `def` endpoint so that, in one hop, the user row is loaded and checked
  (`PendingUser`), the endpoint runs, and the transaction commits (or rolls back) and the
  session closes — before the response is sent, as before, so a client never sees uncommitted
  data. The wrapper is async, so FastAPI validates the response on the loop (no extra hop).

Async endpoints get the same treatment with one explicit hop for the user row and one for the
commit, and only when they need them.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter
from fastapi.routing import APIRoute
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from backend.auth.dependencies import FINISHED, PendingUser, finish_session


class DbRoute(APIRoute):
    """An APIRoute whose endpoint resolves the user and finishes the session in its own thread hop."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        super().__init__(path, in_one_hop(endpoint), **kwargs)


def api_router(**kwargs: Any) -> APIRouter:
    """An APIRouter whose routes are `DbRoute`s (use it for every router with signed-in users)."""
    return APIRouter(route_class=DbRoute, **kwargs)


def _sessions(arguments: dict[str, Any]) -> list[Session]:
    found: dict[int, Session] = {}
    for value in arguments.values():
        if isinstance(value, Session):
            found[id(value)] = value
        elif isinstance(value, PendingUser):
            found[id(value.session)] = value.session
    return list(found.values())


def _resolve_users(arguments: dict[str, Any]) -> None:
    for name, value in arguments.items():
        if isinstance(value, PendingUser):
            arguments[name] = value.resolve()


def in_one_hop(endpoint: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap `endpoint` (sync or async) as described in the module docstring; idempotent.

    The wrapper is always a coroutine function, so FastAPI also validates the response on the
    event loop instead of taking another thread hop for it. It carries the endpoint's evaluated
    signature (FastAPI reads the parameters from it) but no `__wrapped__`: FastAPI would follow
    that to the plain function and treat the route as synchronous again.
    """
    if getattr(endpoint, "__aae_one_hop__", False):
        return endpoint
    if inspect.iscoroutinefunction(endpoint):

        async def run(**arguments: Any) -> Any:
            sessions = _sessions(arguments)
            if any(isinstance(v, PendingUser) for v in arguments.values()):
                await run_in_threadpool(_resolve_users, arguments)
            try:
                result = await endpoint(**arguments)
            except BaseException:
                for session in sessions:
                    await finish_session(session, commit=False)
                raise
            for session in sessions:
                await finish_session(session, commit=True)
            return result

    else:

        async def run(**arguments: Any) -> Any:
            return await run_in_threadpool(_run_in_unit_of_work, endpoint, arguments)

    functools.update_wrapper(run, endpoint)
    del run.__wrapped__
    run.__signature__ = inspect.signature(endpoint, eval_str=True)  # type: ignore[attr-defined]
    run.__aae_one_hop__ = True  # type: ignore[attr-defined]
    return run


def _run_in_unit_of_work(endpoint: Callable[..., Any], arguments: dict[str, Any]) -> Any:
    """In the worker thread: load the user, run the endpoint, commit (or roll back), close."""
    sessions = _sessions(arguments)
    try:
        _resolve_users(arguments)
        result = endpoint(**arguments)
        for session in sessions:
            session.commit()
    except BaseException:
        for session in sessions:
            session.rollback()
        raise
    finally:
        for session in sessions:
            session.close()
            session.info[FINISHED] = True
    return result
