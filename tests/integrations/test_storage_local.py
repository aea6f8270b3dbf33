"""LocalStorage (embedded shape), signed /files links, key safety, and detect_type."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backend.errors import ValidationFailed
from backend.integrations import storage as storage_module
from backend.integrations.storage import (
    BucketKind,
    InvalidStorageKey,
    LocalStorage,
    ObjectNotFound,
    UnsupportedFileType,
    check_key,
    detect_type,
    object_key,
    verify_local_signature,
    verify_upload,
)

SECRET = "test-secret-key-for-local-files-0123456789"
NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


@pytest.fixture()
def local(tmp_path) -> LocalStorage:
    return LocalStorage(tmp_path, base_url="http://127.0.0.1:3000/", secret=SECRET, clock=lambda: NOW)


def query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


class TestLocalFiles:
    def test_round_trip_under_the_root(self, local, tmp_path):
        stored = local.put_bytes(BucketKind.CREATIVES, "creatives/1/a.png", b"\x89PNG\r\n\x1a\n", "image/png")
        assert (tmp_path / "creatives" / "creatives" / "1" / "a.png").read_bytes() == b"\x89PNG\r\n\x1a\n"
        assert stored.url == "http://127.0.0.1:3000/files/creatives/creatives/1/a.png"
        assert stored.cdn_url == stored.url  # no CDN configured: the file URL
        assert local.get_bytes(BucketKind.CREATIVES, "creatives/1/a.png", length=4) == b"\x89PNG"
        assert local.head(BucketKind.CREATIVES, "creatives/1/a.png").size == 8

    def test_file_objects_and_replace(self, local):
        local.put_bytes(BucketKind.EXPORTS, "exports/1/x.zip", b"old", "application/zip")
        stored = local.put_bytes(BucketKind.EXPORTS, "exports/1/x.zip", io.BytesIO(b"newer"), "application/zip")
        assert stored.size == 5 and local.get_bytes(BucketKind.EXPORTS, "exports/1/x.zip") == b"newer"

    def test_delete_is_idempotent_and_missing_is_object_not_found(self, local):
        local.put_bytes(BucketKind.CREATIVES, "creatives/1/a.png", b"x", "image/png")
        local.delete(BucketKind.CREATIVES, "creatives/1/a.png")
        local.delete(BucketKind.CREATIVES, "creatives/1/a.png")
        assert not local.exists(BucketKind.CREATIVES, "creatives/1/a.png")
        with pytest.raises(ObjectNotFound) as caught:
            local.get_bytes(BucketKind.CREATIVES, "creatives/1/a.png")
        assert caught.value.code == "5003"

    def test_cdn_base_url_is_used_when_configured(self, tmp_path):
        storage = LocalStorage(tmp_path, base_url="http://x", secret=SECRET, cdn_base_url="https://cdn.example.com")
        assert storage.cdn_url(BucketKind.LANDING_PAGES, "landing_pages/1/index.html") == (
            "https://cdn.example.com/landing_pages/1/index.html")
        assert storage.invalidate_cdn(["/landing_pages/1/index.html"]) is None

    def test_verify_upload_works_on_local_files(self, local):
        local.put_bytes(BucketKind.CREATIVES, "creatives/1/v.webm", b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01webm", "x")
        assert verify_upload(local, BucketKind.CREATIVES, "creatives/1/v.webm", max_bytes=100).mime_type == "video/webm"


class TestSignedLinks:
    def test_private_link_is_valid_until_it_expires(self, local):
        url = local.presigned_get(BucketKind.CREATIVES, "creatives/1/a.png", expires=600)
        params = query(url)
        assert url.startswith("http://127.0.0.1:3000/files/creatives/creatives/1/a.png?")
        assert int(params["expires"]) == int(NOW.timestamp()) + 600

        def check(now: datetime, **changes) -> bool:
            args = {"kind": "creatives", "key": "creatives/1/a.png", **params, **changes}
            return verify_local_signature(args.pop("kind"), args.pop("key"), now=now, secret=SECRET, **args)

        assert check(NOW + timedelta(seconds=599))
        assert not check(NOW + timedelta(seconds=601))

    def test_tampering_is_rejected(self, local):
        params = query(local.presigned_get(BucketKind.EXPORTS, "exports/1/data.zip", expires=600))
        ok = dict(kind="exports", key="exports/1/data.zip", expires=params["expires"], signature=params["signature"])
        assert verify_local_signature(**ok, now=NOW, secret=SECRET)
        for changed in (
            {"key": "exports/2/data.zip"},
            {"kind": "creatives"},
            {"expires": str(int(params["expires"]) + 3600)},  # extending the lifetime
            {"signature": params["signature"][:-2] + "xx"},
            {"expires": "soon"},
            {"kind": "secrets"},
            {"key": "../exports/1/data.zip"},
        ):
            assert not verify_local_signature(**(ok | changed), now=NOW, secret=SECRET), changed
        assert not verify_local_signature(**ok, now=NOW, secret="another-secret-entirely-0123456789")
        # A download link is no upload permission.
        assert not verify_local_signature(**ok, action="put", now=NOW, secret=SECRET)

    def test_upload_form_signs_type_and_size_limit(self, local):
        upload = local.presigned_put(BucketKind.CREATIVES, "creatives/1/b.png", "image/png", max_bytes=1000, expires=300)
        assert upload.method == "POST" and upload.url.endswith("/files/creatives/creatives/1/b.png")
        fields = upload.fields
        args = dict(expires=fields["expires"], signature=fields["signature"], action="put", now=NOW, secret=SECRET)
        assert verify_local_signature("creatives", "creatives/1/b.png", content_type="image/png", max_bytes=1000, **args)
        assert not verify_local_signature("creatives", "creatives/1/b.png", content_type="video/mp4",
                                          max_bytes=1000, **args)
        assert not verify_local_signature("creatives", "creatives/1/b.png", content_type="image/png",
                                          max_bytes=10**9, **args)

    def test_default_secret_is_the_app_secret(self, tmp_path):
        storage = LocalStorage(tmp_path, base_url="http://x")
        params = query(storage.presigned_get(BucketKind.CREATIVES, "creatives/1/a.png", expires=60))
        assert verify_local_signature("creatives", "creatives/1/a.png", **params)


class TestKeys:
    @pytest.mark.parametrize("bad", ["", "/abs", "a/../b", "..", "a//b", "a\\b", "./a", "a/\x00b", "trailing/"])
    def test_unsafe_keys_are_refused(self, bad, local):
        with pytest.raises(InvalidStorageKey):
            check_key(bad)
        with pytest.raises(ValidationFailed):
            local.put_bytes(BucketKind.CREATIVES, bad, b"x", "image/png")

    def test_object_key_is_prefixed_unique_and_safe(self):
        first = object_key(BucketKind.LANDING_PAGES, 42, "../evil name", suffix=".html")
        second = object_key(BucketKind.LANDING_PAGES, 42, "../evil name", suffix=".html")
        assert first.startswith("landing_pages/42/") and first.endswith(".html") and first != second
        assert check_key(first) == first and ".." not in first.split("/")

    @given(st.text(min_size=1, max_size=40))
    def test_path_for_never_leaves_the_root(self, tmp_path, text):
        storage = LocalStorage(tmp_path, base_url="http://x", secret=SECRET)
        try:
            path = storage.path_for(BucketKind.CREATIVES, text)
        except InvalidStorageKey:
            return
        assert path.is_relative_to((tmp_path / "creatives").resolve())


class TestDetectType:
    @pytest.mark.parametrize(("head", "expected"), [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", ("image", "image/png")),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", ("image", "image/jpeg")),
        (b"GIF89a\x01\x00\x01\x00", ("image", "image/gif")),
        (b"GIF87a\x01\x00\x01\x00", ("image", "image/gif")),
        (b"RIFF\x24\x00\x00\x00WEBPVP8 ", ("image", "image/webp")),
        (b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom", ("video", "video/mp4")),
        (b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00", ("video", "video/mp4")),
        (b"\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00qt  ", ("video", "video/quicktime")),
        (b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\xf7\x81\x01\x42\x82\x84webm", ("video", "video/webm")),
    ])
    def test_known_types(self, head, expected):
        assert detect_type(head) == expected

    @pytest.mark.parametrize("head", [
        b"", b"<svg xmlns='http://www.w3.org/2000/svg'>", b"%PDF-1.7", b"PK\x03\x04",
        b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00",  # HEIC stills are not videos
        b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x88matroska",  # MKV is not WEBM
        b"RIFF\x24\x00\x00\x00WAVEfmt ",
    ])
    def test_everything_else_is_refused(self, head):
        with pytest.raises(UnsupportedFileType) as caught:
            detect_type(head)
        assert caught.value.code == "4000"


class TestGetStorage:
    def test_embedded_default_is_local(self, monkeypatch, tmp_path):
        from backend import config

        monkeypatch.setenv("AAE_STORAGE_BACKEND", "local")
        monkeypatch.setenv("AAE_STORAGE_LOCAL_DIR", str(tmp_path))
        config.reset_settings_cache()
        try:
            chosen = storage_module.get_storage()
            assert isinstance(chosen, LocalStorage) and chosen.root == tmp_path
        finally:
            monkeypatch.undo()
            config.reset_settings_cache()
