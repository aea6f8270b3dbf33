"""Token primitives: signed access JWTs and opaque refresh tokens.

Access tokens are short-lived HS256 JWTs (PyJWT) carrying the user id. Refresh tokens are
random strings; only their SHA-256 hash is stored (see `backend.auth.service`), so a leaked
table cannot be replayed.
"""

from __future__ import annotations

import hashlib
import secrets
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache

import jwt

from backend.config import get_settings
from backend.errors import Unauthorized

ALGORITHM = "HS256"
ACCESS_TOKEN_TYPE = "access"
REFRESH_TOKEN_BYTES = 32
_REQUIRED_CLAIMS = ["sub", "exp", "iat", "jti", "typ"]


@dataclass(frozen=True)
class AccessClaims:
    user_id: int
    jti: str
    issued_at: datetime
    expires_at: datetime


def create_access_token(user_id: int, *, now: datetime | None = None, ttl_seconds: int | None = None) -> str:
    settings = get_settings()
    issued = now or datetime.now(UTC)
    ttl = settings.access_token_ttl_seconds if ttl_seconds is None else ttl_seconds
    claims = {
        "sub": str(user_id),
        "iat": issued,
        "exp": issued + timedelta(seconds=ttl),
        "jti": uuid.uuid4().hex,
        "typ": ACCESS_TOKEN_TYPE,
    }
    return jwt.encode(claims, settings.secret_key, algorithm=ALGORITHM)


def decode_access_token(token: str | None) -> AccessClaims:
    """The claims of a valid access token; `Unauthorized` (1002) for anything else.

    A token whose signature was verified once is remembered (by its exact text and the key that
    verified it), so a client's repeated requests skip the JWT parsing; expiry is checked on
    every call. Invalid tokens are never remembered.
    """
    if not token:
        raise Unauthorized("Not signed in")
    claims = _verified_claims(token, get_settings().secret_key)
    if claims.expires_at.timestamp() <= time.time():
        raise Unauthorized("Access token expired", details={"reason": "expired"})
    return claims


@lru_cache(maxsize=8192)
def _verified_claims(token: str, secret_key: str) -> AccessClaims:
    try:
        claims = jwt.decode(
            token,
            secret_key,
            algorithms=[ALGORITHM],
            options={"require": _REQUIRED_CLAIMS},
        )
    except jwt.ExpiredSignatureError:
        raise Unauthorized("Access token expired", details={"reason": "expired"}) from None
    except jwt.InvalidTokenError:
        raise Unauthorized(details={"reason": "invalid"}) from None
    if claims.get("typ") != ACCESS_TOKEN_TYPE:
        raise Unauthorized(details={"reason": "wrong token type"})
    try:
        user_id = int(claims["sub"])
    except (TypeError, ValueError):
        raise Unauthorized(details={"reason": "invalid subject"}) from None
    return AccessClaims(
        user_id=user_id,
        jti=str(claims["jti"]),
        issued_at=datetime.fromtimestamp(claims["iat"], UTC),
        expires_at=datetime.fromtimestamp(claims["exp"], UTC),
    )


def new_refresh_token() -> str:
    return secrets.token_urlsafe(REFRESH_TOKEN_BYTES)


def hash_refresh_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
