"""`/files/{kind}/{key}`: the local storage directory with the S3 URL contract (embedded shape).

Public kinds (landing pages) are served as they are; private kinds (creatives, exports) only
through a signed link that has not expired (`LocalStorage.presigned_get`). Landing pages are
user-written HTML served from our own origin, so they get a CSP `sandbox`: their scripts run in
an opaque origin and cannot read our cookies or call our API as the visitor.

Browser uploads (`LocalStorage.presigned_put`) POST a form here, like S3's presigned POST.
With the s3 storage backend the route answers 404: files are served by S3 / the CDN.
"""

from __future__ import annotations

import logging
import mimetypes
from typing import Annotated

from fastapi import Depends, Query, Request
from fastapi.responses import FileResponse
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.responses import Response

from backend.common.routing import api_router
from backend.config import get_settings
from backend.errors import Forbidden, NotFound, ValidationFailed
from backend.integrations.storage import (
    PUBLIC_KINDS,
    BucketKind,
    LocalStorage,
    get_storage,
    verify_local_signature,
)

logger = logging.getLogger(__name__)

router = api_router(tags=["files"])

LANDING_PAGE_CSP = "sandbox allow-scripts allow-forms allow-popups"
PRIVATE_FILE_CSP = "sandbox; default-src 'none'; img-src 'self'; media-src 'self'; style-src 'unsafe-inline'"
FORM_OVERHEAD_BYTES = 64 * 1024  # multipart boundaries and the policy fields around the file


class LengthRequired(ValidationFailed):
    http_status = 411
    default_message = "Content-Length is required"


class UploadTooLarge(ValidationFailed):
    http_status = 413
    default_message = "The upload is larger than the signed limit"


def local_storage() -> LocalStorage:
    """The local storage adapter; with any other backend this route does not exist (404)."""
    storage = get_storage()
    if not isinstance(storage, LocalStorage):
        raise NotFound("Not found")
    return storage


LocalStorageDep = Annotated[LocalStorage, Depends(local_storage)]


def _kind_or_404(kind: str) -> BucketKind:
    try:
        return BucketKind(kind)
    except ValueError:
        raise NotFound("Not found", details={"kind": kind[:64]}) from None


def _media_type(name: str) -> str:
    media_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    if media_type.startswith("text/") or media_type in ("application/json", "application/javascript"):
        media_type += "; charset=utf-8"
    return media_type


@router.api_route("/files/{kind}/{key:path}", methods=["GET", "HEAD"], summary="A stored file")
def get_file(
    kind: str,
    key: str,
    storage: LocalStorageDep,
    expires: Annotated[str | None, Query(max_length=20)] = None,
    signature: Annotated[str | None, Query(max_length=200)] = None,
) -> Response:
    bucket = _kind_or_404(kind)
    path = storage.path_for(bucket, key)  # refuses traversal and malformed keys (InvalidStorageKey)
    headers = {"X-Content-Type-Options": "nosniff"}
    if bucket in PUBLIC_KINDS:
        headers["Content-Security-Policy"] = LANDING_PAGE_CSP
        headers["Cache-Control"] = "public, max-age=300"
    else:
        if not expires or not signature or not verify_local_signature(
            bucket, key, expires=expires, signature=signature
        ):
            raise Forbidden("Invalid or expired file link")
        headers["Content-Security-Policy"] = PRIVATE_FILE_CSP
        headers["Cache-Control"] = "private, max-age=300"
    if not path.is_file():
        raise NotFound("File not found")
    return FileResponse(path, media_type=_media_type(path.name), headers=headers)


@router.post("/files/{kind}/{key:path}", status_code=204, summary="Upload through a signed form")
async def upload_file(kind: str, key: str, request: Request, storage: LocalStorageDep) -> Response:
    """The local twin of an S3 presigned POST: the form's policy fields, then the file as `file`."""
    bucket = _kind_or_404(kind)
    storage.path_for(bucket, key)
    _check_declared_length(request)
    form = await request.form(max_files=1, max_fields=10)
    try:
        fields = {name: value for name, value in form.items() if isinstance(value, str)}
        upload = form.get("file")
        max_bytes = fields.get("max_bytes", "")
        if not isinstance(upload, UploadFile) or fields.get("key") != key or not max_bytes.isdigit() or not (
            verify_local_signature(
                bucket, key, action="put", expires=fields.get("expires", ""), signature=fields.get("signature", ""),
                content_type=fields.get("Content-Type", ""), max_bytes=int(max_bytes),
            )
        ):
            raise Forbidden("Invalid or expired upload form")
        if upload.size is None or upload.size > int(max_bytes):
            raise UploadTooLarge(details={"max_bytes": int(max_bytes)})
        await upload.seek(0)
        await run_in_threadpool(storage.put_bytes, bucket, key, upload.file, fields["Content-Type"])
    finally:
        await form.close()
    logger.info("local upload stored %s/%s", bucket, key)
    return Response(status_code=204)


def _check_declared_length(request: Request) -> None:
    declared = request.headers.get("content-length", "")
    if not declared.isdigit():
        raise LengthRequired()
    if int(declared) > get_settings().max_upload_bytes + FORM_OVERHEAD_BYTES:
        raise UploadTooLarge(details={"max_bytes": get_settings().max_upload_bytes})

