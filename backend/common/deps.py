"""Dependencies for the domain routers: the rate-limited current user and paging.

The user dependencies run on the event loop (token check, rate limit); the `User` row itself is
loaded in the endpoint's thread hop by `backend.common.routing.DbRoute`.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Query

from backend.auth.dependencies import PendingUser, current_user
from backend.common import ratelimit
from backend.common.types import IsoDate, IsoDateTime  # noqa: F401  (re-exported for routers)
from backend.common.paging import DEFAULT_LIMIT, MAX_LIMIT
from backend.models import User


async def api_user(user: Annotated[PendingUser, Depends(current_user)]) -> PendingUser:
    await ratelimit.check_async("api", str(user.user_id))
    return user


async def upload_user(user: Annotated[PendingUser, Depends(api_user)]) -> PendingUser:
    await ratelimit.check_async("upload", str(user.user_id))
    return user


ApiUser = Annotated[User, Depends(api_user)]
UploadUser = Annotated[User, Depends(upload_user)]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description=f"Page size (at most {MAX_LIMIT})")]
Offset = Annotated[int, Query(ge=0, le=1_000_000)]
DEFAULT_PAGE = DEFAULT_LIMIT
ResourceId = Annotated[int, Path(ge=1, le=2**63 - 1, description="A resource id")]
