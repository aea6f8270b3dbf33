"""File storage: S3 (AWS, MinIO, moto) in production, a local directory in the embedded shape.

Three bucket kinds: creatives (private), landing_pages (public), exports (private). Keys made by
`object_key()` start with the kind, so one CDN distribution can route each prefix to its bucket
and a CDN URL is simply `AAE_CDN_BASE_URL + "/" + key`.

Browser uploads use a presigned POST, not a presigned PUT: a POST policy can carry a
`content-length-range` and an exact `Content-Type` condition that S3 itself enforces, while a
presigned PUT can only pin an exact length. The server still checks the real type by magic bytes
and the size afterwards (`verify_upload`), because a policy says nothing about the content.
"""

from __future__ import annotations

import hashlib
import io
import logging
import mimetypes
import os
import re
import shutil
import threading
import time
import tempfile
import uuid
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Sequence
from collections import OrderedDict
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import BinaryIO
from urllib.parse import quote, urlencode

import boto3
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from boto3.exceptions import Boto3Error
from itsdangerous import Signer

from backend.config import Settings, StorageBackend, get_settings
from backend.errors import StorageError, ValidationFailed

logger = logging.getLogger(__name__)

SNIFF_BYTES = 64
MULTIPART_THRESHOLD = 8 * 1024 * 1024


class BucketKind(StrEnum):
    CREATIVES = "creatives"
    LANDING_PAGES = "landing_pages"
    EXPORTS = "exports"


PUBLIC_KINDS = frozenset({BucketKind.LANDING_PAGES})


class ObjectNotFound(StorageError):
    default_message = "Stored object not found"


class InvalidStorageKey(ValidationFailed):
    default_message = "Invalid storage key"


class UnsupportedFileType(ValidationFailed):
    default_message = "Unsupported file type: PNG, JPEG, GIF, WEBP, MP4, MOV or WEBM expected"


@dataclass(frozen=True)
class StoredObject:
    kind: BucketKind
    key: str
    size: int
    content_type: str
    url: str
    cdn_url: str


@dataclass(frozen=True)
class ObjectInfo:
    size: int
    content_type: str | None


@dataclass(frozen=True)
class PresignedUpload:
    """A browser upload: multipart/form-data POST of `fields`, then the file as the part `file`."""

    url: str
    key: str
    fields: dict[str, str]
    expires_at: datetime
    max_bytes: int
    content_type: str
    method: str = "POST"


@dataclass(frozen=True)
class VerifiedUpload:
    file_type: str  # "image" | "video"
    mime_type: str
    size: int


def detect_type(first_bytes: bytes) -> tuple[str, str]:
    """(file_type, mime) from the leading magic bytes; raises UnsupportedFileType otherwise."""
    head = bytes(first_bytes[:SNIFF_BYTES])
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image", "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image", "image/jpeg"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "image", "image/gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image", "image/webp"
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand == b"qt  ":
            return "video", "video/quicktime"
        if brand not in (b"heic", b"heix", b"mif1", b"msf1", b"avif", b"avis", b"crx "):
            return "video", "video/mp4"
    if head.startswith(b"\x1a\x45\xdf\xa3") and b"webm" in head:
        return "video", "video/webm"
    raise UnsupportedFileType()


_BACKSLASH_OR_CONTROL = re.compile(r"[\\\x00-\x1f]")


def check_key(key: str) -> str:
    """A relative, normalized key: no empty, `.` or `..` segment, no backslash or control char."""
    if not key or len(key) > 900 or _BACKSLASH_OR_CONTROL.search(key) or (
        {"", ".", ".."} & set(key.split("/"))
    ):
        raise InvalidStorageKey(details={"key": key[:200]})
    return key


def object_key(kind: BucketKind, *parts: str | int, suffix: str = "") -> str:
    """`<kind>/<part>/.../<uuid><suffix>`: unique and prefixed with the kind (see module doc)."""
    segments = [str(kind), *(quote(str(p).strip("/"), safe="") for p in parts)]
    return check_key("/".join(segments + [uuid.uuid4().hex + suffix]))


class Storage(ABC):
    """Bytes in buckets, their URLs, and presigned access for browsers."""

    cdn_base_url: str | None = None

    @abstractmethod
    def put_bytes(
        self, kind: BucketKind, key: str, data: bytes | BinaryIO, content_type: str
    ) -> StoredObject: ...

    @abstractmethod
    def get_bytes(self, kind: BucketKind, key: str, *, length: int | None = None) -> bytes:
        """The whole object, or only its first `length` bytes; ObjectNotFound when missing."""

    @abstractmethod
    def head(self, kind: BucketKind, key: str) -> ObjectInfo | None: ...

    @abstractmethod
    def delete(self, kind: BucketKind, key: str) -> None:
        """Idempotent: deleting a missing object succeeds."""

    @abstractmethod
    def presigned_put(
        self, kind: BucketKind, key: str, content_type: str, max_bytes: int, expires: int = 900
    ) -> PresignedUpload: ...

    @abstractmethod
    def presigned_get(self, kind: BucketKind, key: str, expires: int = 3600) -> str: ...

    @abstractmethod
    def public_url(self, kind: BucketKind, key: str) -> str:
        """The object's address (readable without signing only for public kinds)."""

    @abstractmethod
    def invalidate_cdn(self, paths: Sequence[str]) -> str | None:
        """Invalidate CDN caches for these paths; the invalidation id, or None when no CDN."""

    def exists(self, kind: BucketKind, key: str) -> bool:
        return self.head(kind, key) is not None

    # Links that lists hand out for every row (creative thumbnails, chat media) are signed once
    # for twice the asked validity and handed out again until only the asked validity is left:
    # every link returned is valid for at least `valid_for` seconds, signing is skipped on
    # repeated listings, and the browser sees the same URL, so its cache works.
    _LINK_CACHE_SIZE = 20_000

    def shared_get_link(self, kind: BucketKind, key: str, valid_for: int = 3600) -> str:
        """A signed GET link valid for at least `valid_for` more seconds (see above)."""
        now = self._now()
        cache_key = (str(kind), key, valid_for)
        cache, lock = self._link_cache()
        with lock:
            hit = cache.get(cache_key)
            if hit is not None and hit[1] - now >= valid_for:
                cache.move_to_end(cache_key)
                return hit[0]
        link = self.presigned_get(kind, key, expires=2 * valid_for)
        with lock:
            cache[cache_key] = (link, now + 2 * valid_for)
            cache.move_to_end(cache_key)
            while len(cache) > self._LINK_CACHE_SIZE:
                cache.popitem(last=False)
        return link

    def _link_cache(self) -> tuple[OrderedDict[tuple[str, str, int], tuple[str, float]], threading.Lock]:
        found = self.__dict__.get("_links")
        if found is None:
            found = self.__dict__.setdefault("_links", (OrderedDict(), threading.Lock()))
        return found

    def _now(self) -> float:
        return time.time()

    def cdn_url(self, kind: BucketKind, key: str) -> str:
        if self.cdn_base_url:
            return f"{self.cdn_base_url.rstrip('/')}/{quote(check_key(key))}"
        return self.public_url(kind, key)

    def _stored(self, kind: BucketKind, key: str, size: int, content_type: str) -> StoredObject:
        return StoredObject(kind, key, size, content_type, self.public_url(kind, key), self.cdn_url(kind, key))


def verify_upload(storage: Storage, kind: BucketKind, key: str, *, max_bytes: int) -> VerifiedUpload:
    """Check an uploaded object's real size and type (magic bytes), whatever the client claimed."""
    info = storage.head(kind, key)
    if info is None:
        raise ObjectNotFound(details={"key": key})
    if info.size <= 0 or info.size > max_bytes:
        raise ValidationFailed(
            "The file is empty or larger than allowed", details={"size": info.size, "max_bytes": max_bytes}
        )
    file_type, mime = detect_type(storage.get_bytes(kind, key, length=SNIFF_BYTES))
    return VerifiedUpload(file_type=file_type, mime_type=mime, size=info.size)


# --- S3 -------------------------------------------------------------------------------------


class S3Storage(Storage):
    def __init__(
        self, *, buckets: dict[BucketKind, str], region: str = "us-east-1", endpoint_url: str | None = None,
        access_key_id: str | None = None, secret_access_key: str | None = None, cdn_base_url: str | None = None,
        cloudfront_distribution_id: str | None = None, cloudfront_endpoint_url: str | None = None,
        transfer_config: TransferConfig | None = None,
    ):
        self.buckets = {BucketKind(k): v for k, v in buckets.items()}
        self.region = region
        self.endpoint_url = endpoint_url.rstrip("/") if endpoint_url else None
        self.cdn_base_url = cdn_base_url
        self.cloudfront_distribution_id = cloudfront_distribution_id
        self.transfer_config = transfer_config or TransferConfig(
            multipart_threshold=MULTIPART_THRESHOLD, multipart_chunksize=MULTIPART_THRESHOLD
        )
        session = boto3.session.Session(
            aws_access_key_id=access_key_id, aws_secret_access_key=secret_access_key, region_name=region
        )
        # SigV4 (presigned URLs would otherwise be SigV2) and path addressing for custom endpoints
        # (MinIO, moto), so no bucket subdomain has to resolve.
        s3_config = Config(
            signature_version="s3v4", s3={"addressing_style": "path" if endpoint_url else "auto"},
            retries={"max_attempts": 3, "mode": "standard"}, connect_timeout=5, read_timeout=60,
        )
        self.client = session.client("s3", endpoint_url=self.endpoint_url, config=s3_config)
        self._cloudfront = (
            session.client("cloudfront", endpoint_url=cloudfront_endpoint_url) if cloudfront_distribution_id else None
        )

    @classmethod
    def from_settings(cls, settings: Settings) -> S3Storage:
        return cls(
            buckets={
                BucketKind.CREATIVES: settings.s3_creatives_bucket,
                BucketKind.LANDING_PAGES: settings.s3_landing_pages_bucket,
                BucketKind.EXPORTS: settings.s3_exports_bucket,
            },
            region=settings.s3_region, endpoint_url=settings.s3_endpoint_url,
            access_key_id=settings.s3_access_key_id, secret_access_key=settings.s3_secret_access_key,
            cdn_base_url=settings.cdn_base_url, cloudfront_distribution_id=settings.cloudfront_distribution_id,
        )

    def bucket(self, kind: BucketKind) -> str:
        return self.buckets[BucketKind(kind)]

    def put_bytes(self, kind, key, data, content_type):
        fileobj = io.BytesIO(data) if isinstance(data, (bytes, bytearray, memoryview)) else data
        start = fileobj.tell()
        size = fileobj.seek(0, io.SEEK_END) - start  # the transfer may close the file object
        fileobj.seek(start)
        with _storage_errors("put", kind, key):
            # Managed transfer: objects above the threshold go up as a parallel multipart upload.
            self.client.upload_fileobj(
                fileobj, self.bucket(kind), check_key(key),
                ExtraArgs={"ContentType": content_type}, Config=self.transfer_config,
            )
        return self._stored(kind, key, size, content_type)

    def get_bytes(self, kind, key, *, length=None):
        extra = {"Range": f"bytes=0-{length - 1}"} if length else {}
        with _storage_errors("get", kind, key):
            response = self.client.get_object(Bucket=self.bucket(kind), Key=check_key(key), **extra)
            return response["Body"].read()

    def head(self, kind, key):
        try:
            with _storage_errors("head", kind, key):
                response = self.client.head_object(Bucket=self.bucket(kind), Key=check_key(key))
        except ObjectNotFound:
            return None
        return ObjectInfo(size=response["ContentLength"], content_type=response.get("ContentType"))

    def delete(self, kind, key):
        with _storage_errors("delete", kind, key):
            self.client.delete_object(Bucket=self.bucket(kind), Key=check_key(key))

    def presigned_put(self, kind, key, content_type, max_bytes, expires=900):
        with _storage_errors("presign_post", kind, key):
            post = self.client.generate_presigned_post(
                Bucket=self.bucket(kind), Key=check_key(key), Fields={"Content-Type": content_type},
                Conditions=[{"Content-Type": content_type}, ["content-length-range", 1, max_bytes]],
                ExpiresIn=expires,
            )
        return PresignedUpload(
            url=post["url"], key=key, fields=dict(post["fields"]),
            expires_at=datetime.now(UTC) + timedelta(seconds=expires), max_bytes=max_bytes, content_type=content_type,
        )

    def presigned_get(self, kind, key, expires=3600):
        with _storage_errors("presign_get", kind, key):
            return self.client.generate_presigned_url(
                "get_object", Params={"Bucket": self.bucket(kind), "Key": check_key(key)}, ExpiresIn=expires
            )

    def public_url(self, kind, key):
        bucket, path = self.bucket(kind), quote(check_key(key))
        if self.endpoint_url:
            return f"{self.endpoint_url}/{bucket}/{path}"
        return f"https://{bucket}.s3.{self.region}.amazonaws.com/{path}"

    def invalidate_cdn(self, paths):
        if self._cloudfront is None or not paths:
            return None
        items = [p if p.startswith("/") else f"/{p}" for p in paths]
        batch = {"Paths": {"Quantity": len(items), "Items": items}, "CallerReference": uuid.uuid4().hex}
        with _storage_errors("invalidate_cdn", "cdn", ",".join(items)[:200]):
            response = self._cloudfront.create_invalidation(
                DistributionId=self.cloudfront_distribution_id, InvalidationBatch=batch
            )
        return response["Invalidation"]["Id"]


@contextmanager
def _storage_errors(operation: str, kind: str, key: str) -> Iterator[None]:
    """Turn boto and OS failures into StorageError (5003); a missing object into ObjectNotFound."""
    details = {"operation": operation, "kind": str(kind), "key": key}
    try:
        yield
    except (ClientError, BotoCoreError, Boto3Error, OSError) as exc:
        code = str(exc.response.get("Error", {}).get("Code", "")) if isinstance(exc, ClientError) else ""
        if code in ("404", "NoSuchKey", "NotFound") or isinstance(exc, FileNotFoundError):
            raise ObjectNotFound(details=details) from exc
        logger.warning("storage %s failed for %s/%s: %s", operation, kind, key, exc)
        raise StorageError(details={**details, "reason": str(exc)}) from exc


# --- local directory (embedded shape) ---------------------------------------------------------

_SIGNER_SALT = "aae.integrations.storage.local-url"


def _signer(secret: str | None = None) -> Signer:
    return _signer_for(secret or get_settings().secret_key)


@lru_cache(maxsize=8)
def _signer_for(secret: str) -> Signer:
    return Signer(secret, salt=_SIGNER_SALT, digest_method=hashlib.sha256)


def _signing_payload(action: str, kind: str, key: str, expires: int, content_type: str, max_bytes: int | None) -> bytes:
    return "\n".join([action, str(kind), key, str(expires), content_type, str(max_bytes or "")]).encode()


def sign_local(
    action: str, kind: BucketKind, key: str, expires: int, *, content_type: str = "",
    max_bytes: int | None = None, secret: str | None = None,
) -> str:
    payload = _signing_payload(action, kind, key, expires, content_type, max_bytes)
    return _signer(secret).get_signature(payload).decode()


def verify_local_signature(
    kind: str, key: str, *, expires: str | int, signature: str, action: str = "get",
    content_type: str = "", max_bytes: int | None = None, now: datetime | None = None,
    secret: str | None = None,
) -> bool:
    """For the /files route: is this link genuine and not yet expired?

    `action` is "get" for downloads of private files and "put" for browser uploads (then the
    form's content type and max_bytes are part of what was signed).
    """
    try:
        expires_at = int(expires)
        BucketKind(kind)
        check_key(key)
    except (TypeError, ValueError, InvalidStorageKey):
        return False
    if expires_at < (now or datetime.now(UTC)).timestamp():
        return False
    payload = _signing_payload(action, kind, key, expires_at, content_type, max_bytes)
    return _signer(secret).verify_signature(payload, signature.encode())


class LocalStorage(Storage):
    """Files under `root/<kind>/<key>`, served by the API under `/files/<kind>/<key>`."""

    def __init__(
        self, root: Path, *, base_url: str, secret: str | None = None,
        cdn_base_url: str | None = None, clock: Callable[[], datetime] | None = None,
    ):
        self.root = Path(root)
        self.base_url = base_url.rstrip("/")
        self.cdn_base_url = cdn_base_url
        self._secret = secret
        self._clock = clock or (lambda: datetime.now(UTC))

    def _now(self) -> float:
        return self._clock().timestamp()

    @classmethod
    def from_settings(cls, settings: Settings) -> LocalStorage:
        return cls(settings.storage_local_dir, base_url=settings.public_url, cdn_base_url=settings.cdn_base_url)

    def path_for(self, kind: BucketKind | str, key: str) -> Path:
        """The file's path, guaranteed inside the storage root (for the /files route too)."""
        base = (self.root / BucketKind(kind).value).resolve()
        path = (base / check_key(key)).resolve()
        if not path.is_relative_to(base):
            raise InvalidStorageKey(details={"key": key[:200]})
        return path

    def put_bytes(self, kind, key, data, content_type):
        path = self.path_for(kind, key)
        with _storage_errors("put", kind, key):
            path.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as tmp:
                if isinstance(data, (bytes, bytearray, memoryview)):
                    tmp.write(data)
                else:
                    shutil.copyfileobj(data, tmp)
            os.replace(tmp.name, path)  # readers never see a half-written file
            size = path.stat().st_size
        return self._stored(kind, key, size, content_type)

    def get_bytes(self, kind, key, *, length=None):
        path = self.path_for(kind, key)
        with _storage_errors("get", kind, key), path.open("rb") as fh:
            return fh.read(length) if length else fh.read()

    def head(self, kind, key):
        path = self.path_for(kind, key)
        if not path.is_file():
            return None
        return ObjectInfo(size=path.stat().st_size, content_type=mimetypes.guess_type(path.name)[0])

    def delete(self, kind, key):
        path = self.path_for(kind, key)
        with _storage_errors("delete", kind, key):
            path.unlink(missing_ok=True)

    def presigned_put(self, kind, key, content_type, max_bytes, expires=900):
        expires_at = int(self._clock().timestamp()) + expires
        signature = sign_local(
            "put", kind, check_key(key), expires_at, content_type=content_type, max_bytes=max_bytes, secret=self._secret
        )
        fields = {"key": key, "Content-Type": content_type, "max_bytes": str(max_bytes),
                  "expires": str(expires_at), "signature": signature}
        return PresignedUpload(
            url=self.public_url(kind, key), key=key, fields=fields,
            expires_at=datetime.fromtimestamp(expires_at, UTC), max_bytes=max_bytes, content_type=content_type,
        )

    def presigned_get(self, kind, key, expires=3600):
        expires_at = int(self._clock().timestamp()) + expires
        signature = sign_local("get", kind, check_key(key), expires_at, secret=self._secret)
        return f"{self.public_url(kind, key)}?{urlencode({'expires': expires_at, 'signature': signature})}"

    def public_url(self, kind, key):
        return f"{self.base_url}/files/{BucketKind(kind).value}/{quote(check_key(key))}"

    def invalidate_cdn(self, paths):
        return None


_cached: tuple[Settings, Storage] | None = None


def build_storage(settings: Settings) -> Storage:
    if settings.storage_backend is StorageBackend.S3:
        return S3Storage.from_settings(settings)
    return LocalStorage.from_settings(settings)


def get_storage() -> Storage:
    """The configured adapter; rebuilt when the settings are reloaded."""
    global _cached
    settings = get_settings()
    if _cached is None or _cached[0] is not settings:
        _cached = (settings, build_storage(settings))
    return _cached[1]
