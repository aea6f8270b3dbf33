"""The creative library on MariaDB with real storage adapters (local directory; S3 failure path)."""

from __future__ import annotations

import io
import struct
import zlib
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlmodel import select

from backend.creatives import service as creatives
from backend.creatives.service import CreativeChanges, CreativeFilters
from backend.errors import NotFound, StorageError, ValidationFailed
from backend.integrations.storage import BucketKind, LocalStorage, S3Storage
from backend.models import Creative, CreativeStatus
from tests.factories import make_user


def png(width: int = 2, height: int = 2) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    raw = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 64


@pytest.fixture()
def storage(tmp_path):
    return LocalStorage(tmp_path / "files", base_url="http://127.0.0.1:3000", cdn_base_url="https://cdn.test")


@pytest.fixture()
def broken_s3():
    """A real S3 client pointed at a port nothing listens on: every call fails like an outage."""
    return S3Storage(buckets={k: f"b-{k.value}" for k in BucketKind}, endpoint_url="http://127.0.0.1:9",
                     access_key_id="x", secret_access_key="y")


class TestCreate:
    def test_from_bytes_detects_real_type_and_stores_both_urls(self, session, storage):
        user = make_user(session)
        creative = creatives.create_from_bytes(session, user_id=user.id, data=png(), name="  Hero   shot ",
                                               tags=["Summer", "summer", " sale "], storage=storage)
        assert (creative.file_type, creative.mime_type, creative.name) == ("image", "image/png", "Hero shot")
        assert creative.tags == ["summer", "sale"]
        assert creative.file_url and creative.cdn_url.startswith("https://cdn.test/")
        assert storage.get_bytes(BucketKind.CREATIVES, creative.storage_key) == png()

    def test_lying_file_is_refused(self, session, storage):
        user = make_user(session)
        with pytest.raises(ValidationFailed):
            creatives.create_from_bytes(session, user_id=user.id, data=b"MZ\x90\x00 not an image", name="x",
                                        storage=storage)

    def test_presigned_upload_then_confirm(self, session, storage):
        user = make_user(session)
        creative, upload = creatives.request_upload(session, user_id=user.id, filename="clip.mp4",
                                                    content_type="video/mp4", size=len(MP4), storage=storage)
        assert creative.status == CreativeStatus.PENDING and upload.max_bytes >= len(MP4)
        storage.put_bytes(BucketKind.CREATIVES, creative.storage_key, MP4, "video/mp4")  # the browser's upload
        confirmed = creatives.confirm_upload(session, user_id=user.id, creative_id=creative.id, storage=storage)
        assert confirmed.status == CreativeStatus.ACTIVE and confirmed.file_type == "video"
        assert confirmed.file_size == len(MP4)

    def test_confirm_of_wrong_bytes_removes_everything(self, session, storage):
        user = make_user(session)
        creative, _ = creatives.request_upload(session, user_id=user.id, filename="a.png", content_type="image/png",
                                               size=10, storage=storage)
        storage.put_bytes(BucketKind.CREATIVES, creative.storage_key, b"<html>evil</html>", "image/png")
        with pytest.raises(ValidationFailed):
            creatives.confirm_upload(session, user_id=user.id, creative_id=creative.id, storage=storage)
        assert session.get(Creative, creative.id) is None
        assert not storage.exists(BucketKind.CREATIVES, creative.storage_key)

    @pytest.mark.parametrize(("content_type", "size"), [("application/pdf", 10), ("image/png", 0),
                                                        ("image/png", 30 * 1024 * 1024)])
    def test_upload_request_validation(self, session, storage, content_type, size):
        with pytest.raises(ValidationFailed):
            creatives.request_upload(session, user_id=make_user(session).id, filename="f", content_type=content_type,
                                     size=size, storage=storage)


class TestListAndUpdate:
    def test_filters_search_paging_and_isolation(self, session, storage):
        me, other = make_user(session), make_user(session)
        a = creatives.create_from_bytes(session, user_id=me.id, data=png(), name="Red summer", style="bold",
                                        tags=["summer", "sale"], score=91, storage=storage)
        b = creatives.create_from_bytes(session, user_id=me.id, data=png(), name="Blue winter", style="minimal",
                                        tags=["winter"], score=40, storage=storage)
        c = creatives.create_from_bytes(session, user_id=me.id, data=MP4, name="Clip", tags=["summer"], storage=storage)
        creatives.create_from_bytes(session, user_id=other.id, data=png(), name="Red summer", storage=storage)

        def ids(**kw):
            rows, total = creatives.list_creatives(session, me.id, filters=CreativeFilters(**kw))
            assert total == len(rows)
            return [r.id for r in rows]

        assert ids() == [c.id, b.id, a.id]
        assert ids(file_type="video") == [c.id]
        assert ids(tags=["summer"]) == [c.id, a.id]
        assert ids(tags=["summer", "sale"]) == [a.id]
        assert ids(score_min=50) == [a.id]
        assert ids(style="minimal") == [b.id]
        assert ids(search="summer") == [a.id]
        assert ids(sort="score")[0] == a.id
        assert ids(created_from=datetime.now(UTC) + timedelta(days=1)) == []
        rows, total = creatives.list_creatives(session, me.id, limit=2, offset=2)
        assert total == 3 and [r.id for r in rows] == [a.id]

    def test_like_wildcards_in_search_are_literal(self, session, storage):
        me = make_user(session)
        creatives.create_from_bytes(session, user_id=me.id, data=png(), name="plain", storage=storage)
        assert creatives.list_creatives(session, me.id, filters=CreativeFilters(search="%"))[1] == 0

    def test_update_validates(self, session, storage):
        me = make_user(session)
        a = creatives.create_from_bytes(session, user_id=me.id, data=png(), name="x", storage=storage)
        creatives.update(session, user_id=me.id, creative_id=a.id, changes=CreativeChanges(name="New", score=77.5))
        assert (a.name, a.score) == ("New", 77.5)
        with pytest.raises(ValidationFailed):
            creatives.update(session, user_id=me.id, creative_id=a.id, changes=CreativeChanges(score=101))
        with pytest.raises(ValidationFailed):
            creatives.update(session, user_id=me.id, creative_id=a.id, changes=CreativeChanges(tags=[str(i) for i in range(25)]))

    def test_other_users_creative_not_found(self, session, storage):
        owner, other = make_user(session), make_user(session)
        a = creatives.create_from_bytes(session, user_id=owner.id, data=png(), name="x", storage=storage)
        for call in (lambda: creatives.get_owned_or_raise(session, other.id, a.id),
                     lambda: creatives.delete(session, user_id=other.id, creative_id=a.id, storage=storage)):
            with pytest.raises(NotFound):
                call()
        assert storage.exists(BucketKind.CREATIVES, a.storage_key)


class TestDelete:
    @given(size=st.integers(min_value=1, max_value=2000))
    def test_property_18_delete_removes_row_and_object(self, session, storage, size):
        """Property 18: deleting a creative deletes both the database row and the stored file."""
        user = make_user(session)
        data = png() + b"\x00" * size
        creative = creatives.create_from_bytes(session, user_id=user.id, data=data, name="x", storage=storage)
        key = creative.storage_key
        creatives.delete(session, user_id=user.id, creative_id=creative.id, storage=storage)
        assert session.get(Creative, creative.id) is None
        assert not storage.exists(BucketKind.CREATIVES, key)

    def test_property_18_storage_failure_keeps_the_row_and_reports_5003(self, session, broken_s3):
        """Property 18: when storage fails, the row stays and the error is 5003 — no orphans either way."""
        user = make_user(session)
        creative = Creative(user_id=user.id, name="x", storage_key="creatives/1/abc.png", file_url="u", cdn_url="c",
                            file_type="image", file_size=3)
        session.add(creative)
        session.flush()
        with pytest.raises(StorageError) as info:
            creatives.delete(session, user_id=user.id, creative_id=creative.id, storage=broken_s3)
        assert info.value.code == "5003"
        assert session.exec(select(Creative).where(Creative.id == creative.id)).one().status == CreativeStatus.ACTIVE

    def test_signed_view_url_serves_the_file(self, session, storage):
        user = make_user(session)
        creative = creatives.create_from_bytes(session, user_id=user.id, data=png(), name="x", storage=storage)
        url = creatives.view_url(creative, storage=storage)
        assert "sig" in url or "signature" in url.lower() or "expires" in url.lower()
