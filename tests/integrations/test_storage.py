"""S3Storage against a real moto_server (S3 + CloudFront) over HTTP."""

from __future__ import annotations

import base64
import io
import json
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from boto3.s3.transfer import TransferConfig
from hypothesis import given, settings
from hypothesis import strategies as st

from backend.errors import StorageError, ValidationFailed
from backend.integrations import storage as storage_module
from backend.integrations.storage import (
    BucketKind,
    ObjectNotFound,
    S3Storage,
    UnsupportedFileType,
    object_key,
    verify_upload,
)
from tests.integrations.conftest import aws_client, free_port

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 24
MP4 = b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00isomiso2avc1mp41"


class TestPutGetDelete:
    def test_round_trip_keeps_bytes_and_content_type(self, s3_storage):
        key = object_key(BucketKind.CREATIVES, 7, suffix=".png")
        stored = s3_storage.put_bytes(BucketKind.CREATIVES, key, PNG, "image/png")
        assert stored.size == len(PNG) and stored.key == key
        assert s3_storage.get_bytes(BucketKind.CREATIVES, key) == PNG
        info = s3_storage.head(BucketKind.CREATIVES, key)
        assert (info.size, info.content_type) == (len(PNG), "image/png")
        assert s3_storage.exists(BucketKind.CREATIVES, key)

    def test_get_first_bytes_uses_a_range(self, s3_storage):
        key = object_key(BucketKind.EXPORTS, 1, suffix=".zip")
        s3_storage.put_bytes(BucketKind.EXPORTS, key, b"0123456789", "application/zip")
        assert s3_storage.get_bytes(BucketKind.EXPORTS, key, length=4) == b"0123"

    def test_file_objects_are_uploaded_too(self, s3_storage):
        key = object_key(BucketKind.EXPORTS, 1, suffix=".zip")
        stored = s3_storage.put_bytes(BucketKind.EXPORTS, key, io.BytesIO(b"zipdata"), "application/zip")
        assert stored.size == 7
        assert s3_storage.get_bytes(BucketKind.EXPORTS, key) == b"zipdata"

    def test_delete_removes_the_object_and_is_idempotent(self, s3_storage):
        key = object_key(BucketKind.CREATIVES, 7, suffix=".png")
        s3_storage.put_bytes(BucketKind.CREATIVES, key, PNG, "image/png")
        s3_storage.delete(BucketKind.CREATIVES, key)
        assert not s3_storage.exists(BucketKind.CREATIVES, key)
        s3_storage.delete(BucketKind.CREATIVES, key)
        with pytest.raises(ObjectNotFound) as caught:
            s3_storage.get_bytes(BucketKind.CREATIVES, key)
        assert caught.value.code == "5003"

    def test_large_objects_go_up_as_multipart(self, moto_endpoint, s3_buckets):
        storage = S3Storage(
            buckets=s3_buckets, endpoint_url=moto_endpoint, access_key_id="testing", secret_access_key="testing",
            transfer_config=TransferConfig(multipart_threshold=5 * 1024 * 1024, multipart_chunksize=5 * 1024 * 1024),
        )
        data = bytes(range(256)) * (11 * 1024 * 1024 // 256)  # 11 MiB -> three parts
        key = object_key(BucketKind.EXPORTS, 1, suffix=".zip")
        storage.put_bytes(BucketKind.EXPORTS, key, data, "application/zip")
        etag = aws_client("s3", moto_endpoint).head_object(Bucket=s3_buckets[BucketKind.EXPORTS], Key=key)["ETag"]
        assert etag.strip('"').endswith("-3")  # multipart ETags end with "-<number of parts>"
        assert storage.get_bytes(BucketKind.EXPORTS, key) == data

    def test_unreachable_s3_raises_storage_error_5003(self, s3_buckets):
        down = S3Storage(buckets=s3_buckets, endpoint_url=f"http://127.0.0.1:{free_port()}",
                         access_key_id="testing", secret_access_key="testing")
        for call in (
            lambda: down.put_bytes(BucketKind.CREATIVES, "creatives/x.png", PNG, "image/png"),
            lambda: down.delete(BucketKind.CREATIVES, "creatives/x.png"),
            lambda: down.head(BucketKind.CREATIVES, "creatives/x.png"),
        ):
            with pytest.raises(StorageError) as caught:
                call()
            assert caught.value.code == "5003" and not isinstance(caught.value, ObjectNotFound)

    def test_missing_bucket_is_a_storage_error(self, moto_endpoint, s3_buckets):
        storage = S3Storage(buckets={**s3_buckets, BucketKind.CREATIVES: "aae-no-such-bucket"},
                            endpoint_url=moto_endpoint, access_key_id="testing", secret_access_key="testing")
        with pytest.raises(StorageError):
            storage.put_bytes(BucketKind.CREATIVES, "creatives/x.png", PNG, "image/png")


class TestPresigned:
    def test_presigned_post_upload_then_presigned_get(self, s3_storage):
        key = object_key(BucketKind.CREATIVES, 9, suffix=".png")
        upload = s3_storage.presigned_put(BucketKind.CREATIVES, key, "image/png", max_bytes=1000, expires=600)
        assert upload.method == "POST" and upload.fields["key"] == key
        response = httpx.post(upload.url, data=upload.fields, files={"file": ("a.png", PNG, "image/png")})
        assert response.status_code == 204
        assert s3_storage.head(BucketKind.CREATIVES, key).content_type == "image/png"

        url = s3_storage.presigned_get(BucketKind.CREATIVES, key, expires=300)
        assert parse_qs(urlsplit(url).query)["X-Amz-Expires"] == ["300"]
        assert parse_qs(urlsplit(url).query)["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"]
        fetched = httpx.get(url)
        assert fetched.status_code == 200 and fetched.content == PNG

    def test_post_policy_limits_size_type_and_lifetime(self, s3_storage):
        key = object_key(BucketKind.CREATIVES, 9, suffix=".mp4")
        upload = s3_storage.presigned_put(BucketKind.CREATIVES, key, "video/mp4", max_bytes=5000, expires=900)
        policy = json.loads(base64.b64decode(upload.fields["policy"]))
        assert ["content-length-range", 1, 5000] in policy["conditions"]
        assert {"Content-Type": "video/mp4"} in policy["conditions"]
        assert {"key": key} in policy["conditions"]
        expiration = datetime.strptime(policy["expiration"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
        assert abs((expiration - upload.expires_at).total_seconds()) < 5

    def test_private_objects_are_not_readable_without_a_signature(self, s3_storage):
        key = object_key(BucketKind.CREATIVES, 9, suffix=".png")
        stored = s3_storage.put_bytes(BucketKind.CREATIVES, key, PNG, "image/png")
        assert httpx.get(stored.url).status_code == 403


class TestVerifyUpload:
    def test_real_type_and_size_are_checked(self, s3_storage):
        key = object_key(BucketKind.CREATIVES, 3, suffix=".png")
        # The client claims a PNG but sends an MP4: the magic bytes decide.
        s3_storage.put_bytes(BucketKind.CREATIVES, key, MP4, "image/png")
        verified = verify_upload(s3_storage, BucketKind.CREATIVES, key, max_bytes=1000)
        assert (verified.file_type, verified.mime_type, verified.size) == ("video", "video/mp4", len(MP4))

    def test_too_large_or_unknown_is_refused(self, s3_storage):
        key = object_key(BucketKind.CREATIVES, 3, suffix=".png")
        s3_storage.put_bytes(BucketKind.CREATIVES, key, PNG, "image/png")
        with pytest.raises(ValidationFailed):
            verify_upload(s3_storage, BucketKind.CREATIVES, key, max_bytes=10)
        s3_storage.put_bytes(BucketKind.CREATIVES, key, b"<svg xmlns='http://www.w3.org/2000/svg'/>", "image/png")
        with pytest.raises(UnsupportedFileType):
            verify_upload(s3_storage, BucketKind.CREATIVES, key, max_bytes=1000)

    def test_missing_upload(self, s3_storage):
        with pytest.raises(ObjectNotFound):
            verify_upload(s3_storage, BucketKind.CREATIVES, "creatives/never-uploaded.png", max_bytes=10)


class TestUrls:
    def test_public_and_cdn_urls(self, moto_endpoint, s3_buckets):
        storage = S3Storage(buckets=s3_buckets, endpoint_url=moto_endpoint + "/", access_key_id="testing",
                            secret_access_key="testing", cdn_base_url="https://cdn.example.com/")
        key = "landing_pages/4/summer sale/index.html"
        bucket = s3_buckets[BucketKind.LANDING_PAGES]
        assert storage.public_url(BucketKind.LANDING_PAGES, key) == (
            f"{moto_endpoint}/{bucket}/landing_pages/4/summer%20sale/index.html")
        assert storage.cdn_url(BucketKind.LANDING_PAGES, key) == (
            "https://cdn.example.com/landing_pages/4/summer%20sale/index.html")

    def test_aws_urls_without_endpoint_and_cdn_falls_back_to_bucket_url(self, s3_buckets):
        storage = S3Storage(buckets=s3_buckets, region="eu-west-1", access_key_id="a", secret_access_key="b")
        bucket = s3_buckets[BucketKind.CREATIVES]
        expected = f"https://{bucket}.s3.eu-west-1.amazonaws.com/creatives/1/a.png"
        assert storage.public_url(BucketKind.CREATIVES, "creatives/1/a.png") == expected
        assert storage.cdn_url(BucketKind.CREATIVES, "creatives/1/a.png") == expected

    def test_public_landing_page_is_readable_at_its_url(self, s3_storage):
        key = object_key(BucketKind.LANDING_PAGES, 5, suffix=".html")
        stored = s3_storage.put_bytes(BucketKind.LANDING_PAGES, key, b"<h1>Sale</h1>", "text/html; charset=utf-8")
        response = httpx.get(stored.url)
        assert response.status_code == 200 and response.content == b"<h1>Sale</h1>"
        assert response.headers["content-type"].startswith("text/html")


class TestInvalidateCdn:
    def test_creates_a_cloudfront_invalidation(self, moto_endpoint, s3_buckets, cloudfront_distribution):
        storage = S3Storage(
            buckets=s3_buckets, endpoint_url=moto_endpoint, access_key_id="testing", secret_access_key="testing",
            cloudfront_distribution_id=cloudfront_distribution, cloudfront_endpoint_url=moto_endpoint,
        )
        invalidation_id = storage.invalidate_cdn(["landing_pages/5/index.html", "/landing_pages/5/*"])
        batch = aws_client("cloudfront", moto_endpoint).get_invalidation(
            DistributionId=cloudfront_distribution, Id=invalidation_id)["Invalidation"]["InvalidationBatch"]
        assert batch["Paths"]["Items"] == ["/landing_pages/5/index.html", "/landing_pages/5/*"]

    def test_without_distribution_nothing_happens(self, s3_storage):
        assert s3_storage.invalidate_cdn(["landing_pages/5/index.html"]) is None

    def test_unknown_distribution_is_a_storage_error(self, moto_endpoint, s3_buckets):
        storage = S3Storage(
            buckets=s3_buckets, endpoint_url=moto_endpoint, access_key_id="testing", secret_access_key="testing",
            cloudfront_distribution_id="ENOSUCHDIST", cloudfront_endpoint_url=moto_endpoint,
        )
        with pytest.raises(StorageError):
            storage.invalidate_cdn(["/x"])


class TestGetStorage:
    def test_picks_s3_from_settings(self, monkeypatch, moto_endpoint):
        from backend import config

        monkeypatch.setenv("AAE_STORAGE_BACKEND", "s3")
        monkeypatch.setenv("AAE_S3_ENDPOINT_URL", moto_endpoint)
        monkeypatch.setenv("AAE_S3_CREATIVES_BUCKET", "from-env")
        config.reset_settings_cache()
        try:
            chosen = storage_module.get_storage()
            assert isinstance(chosen, S3Storage) and chosen.bucket(BucketKind.CREATIVES) == "from-env"
            assert storage_module.get_storage() is chosen
        finally:
            monkeypatch.undo()
            config.reset_settings_cache()
        assert not isinstance(storage_module.get_storage(), S3Storage)


@settings(max_examples=100, deadline=None)
@given(data=st.binary(min_size=1, max_size=2048), kind=st.sampled_from(list(BucketKind)))
def test_property_17_both_urls_stored_and_reachable(s3_storage, data, kind):
    """Property 17: for any file uploaded, the storage URL and the CDN URL are both returned,
    and both serve exactly the uploaded bytes (the bucket URL through a presigned GET, the CDN
    URL at the configured base + key through the CDN edge)."""
    key = object_key(kind, 17, suffix=".bin")
    stored = s3_storage.put_bytes(kind, key, data, "application/octet-stream")
    assert stored.url == s3_storage.public_url(kind, key)
    assert stored.cdn_url == f"{s3_storage.cdn_base_url}/{key}"
    assert httpx.get(s3_storage.presigned_get(kind, key, expires=60)).content == data
    via_cdn = httpx.get(stored.cdn_url)
    assert via_cdn.status_code == 200 and via_cdn.content == data
