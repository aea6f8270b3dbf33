"""/files for the local storage shape: public landing pages, signed private files, uploads."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient

from backend import config as config_module
from backend.files.endpoints import LANDING_PAGE_CSP, local_storage
from backend.integrations.storage import BucketKind, LocalStorage
from tests.billing.conftest import build_app, path_of

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 56
PAGE = b"<!doctype html><title>Sale</title><script>document.title='x'</script>"


@pytest.fixture()
def storage(tmp_path) -> LocalStorage:
    return LocalStorage(tmp_path / "files", base_url="http://testserver")


@pytest.fixture()
def app(committed_engine, storage):
    app = build_app()
    app.dependency_overrides[local_storage] = lambda: storage
    return app


@pytest.fixture()
def client(app) -> TestClient:
    return TestClient(app, follow_redirects=False)


def _flip_first(text: str) -> str:
    # Not the last base64 character: its low bits may be padding, and changing them changes nothing.
    return ("A" if text[0] != "A" else "B") + text[1:]


def assert_error(response, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["status"] == "error" and body["error"]["code"] == code


class TestPublicFiles:
    def test_landing_page_is_served_sandboxed(self, client, storage):
        storage.put_bytes(BucketKind.LANDING_PAGES, "landing_pages/7/index.html", PAGE, "text/html")
        response = client.get("/files/landing_pages/landing_pages/7/index.html")
        assert response.status_code == 200 and response.content == PAGE
        assert response.headers["content-type"] == "text/html; charset=utf-8"
        assert response.headers["content-security-policy"] == LANDING_PAGE_CSP
        assert response.headers["x-content-type-options"] == "nosniff"
        head = client.head("/files/landing_pages/landing_pages/7/index.html")
        assert head.status_code == 200 and head.headers["content-length"] == str(len(PAGE))

    def test_missing_file_and_unknown_kind_are_404(self, client):
        assert_error(client.get("/files/landing_pages/landing_pages/none.html"), 404, "5000")
        assert_error(client.get("/files/secrets/a.txt"), 404, "5000")


class TestPrivateFiles:
    def test_signed_link_serves_the_file(self, client, storage):
        storage.put_bytes(BucketKind.CREATIVES, "creatives/1/a.png", PNG, "image/png")
        response = client.get(path_of(storage.presigned_get(BucketKind.CREATIVES, "creatives/1/a.png")))
        assert response.status_code == 200 and response.content == PNG
        assert response.headers["content-type"] == "image/png"
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["content-security-policy"].startswith("sandbox")
        assert response.headers["cache-control"].startswith("private")

    def test_unsigned_tampered_foreign_and_expired_links_are_refused(self, client, storage, tmp_path):
        for key in ("creatives/1/a.png", "creatives/1/b.png"):
            storage.put_bytes(BucketKind.CREATIVES, key, PNG, "image/png")
        storage.put_bytes(BucketKind.EXPORTS, "exports/1/x.zip", b"PK", "application/zip")
        url = storage.presigned_get(BucketKind.CREATIVES, "creatives/1/a.png")
        query = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
        past = LocalStorage(storage.root, base_url="http://testserver",
                            clock=lambda: datetime.now(UTC) - timedelta(hours=2))
        refused = [
            client.get("/files/creatives/creatives/1/a.png"),
            client.get("/files/exports/exports/1/x.zip"),
            client.get("/files/creatives/creatives/1/a.png", params={**query, "signature": _flip_first(query["signature"])}),
            client.get("/files/creatives/creatives/1/a.png", params={**query, "expires": int(query["expires"]) + 60}),
            client.get("/files/creatives/creatives/1/b.png", params=query),
            client.get(path_of(past.presigned_get(BucketKind.CREATIVES, "creatives/1/a.png", expires=60))),
            client.get("/files/landing_pages/creatives/1/a.png", params=query),  # another kind: not there
        ]
        for response in refused[:-1]:
            assert_error(response, 403, "1004")
        assert_error(refused[-1], 404, "5000")

    def test_path_traversal_is_refused(self, client, storage, tmp_path):
        (tmp_path / "secret.txt").write_text("top secret")
        storage.put_bytes(BucketKind.LANDING_PAGES, "landing_pages/ok.html", PAGE, "text/html")
        for path in (
            "/files/landing_pages/%2e%2e/%2e%2e/secret.txt",
            "/files/landing_pages/..%2F..%2Fsecret.txt",
            "/files/landing_pages/landing_pages/%2e%2e/%2e%2e/%2e%2e/secret.txt",
            "/files/landing_pages/a%5C..%5C..%5Csecret.txt",
            "/files/landing_pages//secret.txt",
        ):
            response = client.get(path)
            assert response.status_code == 422, (path, response.status_code)
            assert "top secret" not in response.text and response.json()["status"] == "error"

    def test_s3_backend_has_no_files_route(self, committed_engine, monkeypatch):
        monkeypatch.setenv("AAE_STORAGE_BACKEND", "s3")
        config_module.reset_settings_cache()
        try:
            response = TestClient(build_app()).get("/files/landing_pages/landing_pages/7/index.html")
            assert_error(response, 404, "5000")
        finally:
            monkeypatch.delenv("AAE_STORAGE_BACKEND")
            config_module.reset_settings_cache()


class TestUploads:
    def _post(self, client, upload, content: bytes, **changes):
        fields = {**upload.fields, **changes}
        return client.post(path_of(upload.url), data=fields,
                           files={"file": ("a.png", content, fields.get("Content-Type", ""))})

    def test_signed_form_upload_is_stored(self, client, storage):
        upload = storage.presigned_put(BucketKind.CREATIVES, "creatives/1/up.png", "image/png", max_bytes=1000)
        response = self._post(client, upload, PNG)
        assert response.status_code == 204
        assert storage.get_bytes(BucketKind.CREATIVES, "creatives/1/up.png") == PNG

    def test_forms_that_do_not_match_the_signature_are_refused(self, client, storage):
        upload = storage.presigned_put(BucketKind.CREATIVES, "creatives/1/up.png", "image/png", max_bytes=100)
        assert_error(self._post(client, upload, PNG, **{"Content-Type": "text/html"}), 403, "1004")
        assert_error(self._post(client, upload, PNG, max_bytes="100000"), 403, "1004")
        assert_error(self._post(client, upload, PNG, key="creatives/1/other.png"), 403, "1004")
        assert_error(self._post(client, upload, PNG * 2), 413, "4000")
        assert not storage.exists(BucketKind.CREATIVES, "creatives/1/up.png")
        past = LocalStorage(storage.root, base_url="http://testserver",
                            clock=lambda: datetime.now(UTC) - timedelta(hours=2))
        stale = past.presigned_put(BucketKind.CREATIVES, "creatives/1/up.png", "image/png", max_bytes=1000, expires=60)
        assert_error(self._post(client, stale, PNG), 403, "1004")
