"""Publishing (and re-publishing) through the API with real components (S3 and CloudFront on
moto_server, a CDN edge) that fail: the row follows the public file. Once the upload succeeded the
page is published with its URL, and a failed CDN invalidation is retried by the
`landing_pages.invalidate_cdn` job; a failed upload is 5003 and changes nothing.
"Down" is a port nothing listens on (see `cdn` and `s3`)."""

from __future__ import annotations

import httpx
import pytest

from backend.db import unit_of_work
from backend.integrations.storage import BucketKind
from backend.landing_pages import service as pages
from backend.landing_pages.service import PageData, PageEdit
from backend.models import LandingPageStatus
from tests.api.conftest import ApiUser, alice, app, client  # noqa: F401  (fixtures)
from tests.landing_pages.test_service import invalidation_paths
from tests.landing_pages.test_unpublish_faults import HTML, _queued, _row, broker, cdn  # noqa: F401  (fixtures)
from tests.support.aws import aws_client
from tests.workers.helpers import running_worker, wait_for
from tests.workers.test_faults import _in_moto, s3  # noqa: F401  (s3: fixture)
from workers import landing_pages as landing_page_jobs
from workers.base import TransientJobError

NEW_HTML = "<html><body><p>Summer sale</p></body></html>"


def _draft(user: ApiUser) -> int:
    with unit_of_work() as session:
        return pages.create(session, user_id=user.user.id, data=PageData(
            name="LP", product_url="https://x.test", html_content=HTML)).id


def _published(user: ApiUser) -> tuple[int, str, str]:
    """A page published with HTML while everything is up, then edited to NEW_HTML (not yet online)."""
    page_id = _draft(user)
    with unit_of_work() as session:
        page = pages.publish(session, user_id=user.user.id, page_id=page_id)
        key, url = page.s3_key, page.url
        pages.update(session, user_id=user.user.id, page_id=page_id, edit=PageEdit(html_content=NEW_HTML))
    return page_id, key, url


def _publish(client, user: ApiUser, page_id: int) -> httpx.Response:
    return client.post(f"/api/v1/landing-pages/{page_id}/publish", headers=user.headers)


def _stored(moto_endpoint, s3_buckets, key: str) -> str:
    obj = aws_client("s3", moto_endpoint).get_object(Bucket=s3_buckets[BucketKind.LANDING_PAGES], Key=key)
    return obj["Body"].read().decode()


def _invalidations(moto_endpoint, distribution_id, key: str) -> int:
    return invalidation_paths(moto_endpoint, distribution_id).count([f"/{key}"])


class TestCdnDownWhilePublishing:
    def test_the_page_is_published_and_the_invalidation_is_retried_by_a_job(
        self, committed_engine, client, alice, cdn, moto_endpoint, s3_buckets, cloudfront_distribution, broker
    ):
        """Bug fixed: the file was uploaded (public), then the CloudFront error made the publish fail
        with 5003 and rolled the row back, so it said "draft" (no URL) for a file that was online."""
        page_id = _draft(alice)
        key = pages.page_key(_row(committed_engine, page_id))
        cdn(False)
        response = _publish(client, alice, page_id)
        assert response.status_code == 200, response.text
        data = response.json()["data"]
        page = _row(committed_engine, page_id)
        assert (page.status, page.s3_key, page.url) == (LandingPageStatus.PUBLISHED, key, data["url"])
        assert data["status"] == "published" and page.published_at is not None
        assert httpx.get(page.url).text == HTML  # public, as the row says
        assert _invalidations(moto_endpoint, cloudfront_distribution, key) == 0
        [retry] = _queued(broker)
        assert (retry.actor_name, retry.args) == ("landing_pages.invalidate_cdn", (alice.user.id, [f"/{key}"]))

        with pytest.raises(TransientJobError):  # still down: dramatiq retries with backoff
            landing_page_jobs.invalidate_cdn.fn(*retry.args)
        cdn(True)
        with running_worker(broker):
            wait_for(lambda: _invalidations(moto_endpoint, cloudfront_distribution, key) == 1)

    def test_republishing_serves_the_new_version_and_the_invalidation_is_retried(
        self, committed_engine, client, alice, cdn, moto_endpoint, s3_buckets, cloudfront_distribution, broker
    ):
        page_id, key, url = _published(alice)
        before = _row(committed_engine, page_id).published_at
        cdn(False)
        response = _publish(client, alice, page_id)
        assert response.status_code == 200, response.text
        page = _row(committed_engine, page_id)
        assert (page.status, page.s3_key, page.url) == (LandingPageStatus.PUBLISHED, key, url)  # same URL
        assert page.published_at > before
        assert _stored(moto_endpoint, s3_buckets, key) == NEW_HTML and httpx.get(url).text == NEW_HTML
        assert [m.args for m in _queued(broker)] == [(alice.user.id, [f"/{key}"])]
        cdn(True)
        with running_worker(broker):
            wait_for(lambda: _invalidations(moto_endpoint, cloudfront_distribution, key) == 2)  # publish, retry


class TestCdnUpWhilePublishing:
    def test_the_invalidation_is_made_at_once_and_nothing_is_queued(
        self, committed_engine, client, alice, cdn, moto_endpoint, s3_buckets, cloudfront_distribution, broker
    ):
        page_id = _draft(alice)
        response = _publish(client, alice, page_id)
        assert response.status_code == 200, response.text
        page = _row(committed_engine, page_id)
        assert page.status == LandingPageStatus.PUBLISHED and httpx.get(page.url).text == HTML
        assert _invalidations(moto_endpoint, cloudfront_distribution, page.s3_key) == 1
        with unit_of_work() as session:
            pages.update(session, user_id=alice.user.id, page_id=page_id, edit=PageEdit(html_content=NEW_HTML))
        assert _publish(client, alice, page_id).status_code == 200  # re-publish
        assert _invalidations(moto_endpoint, cloudfront_distribution, page.s3_key) == 2
        assert httpx.get(page.url).text == NEW_HTML
        assert _queued(broker) == []


class TestS3DownWhilePublishing:
    def test_a_draft_stays_a_draft_and_the_error_is_5003(
        self, committed_engine, client, alice, cdn, s3, moto_endpoint, s3_buckets, cloudfront_distribution, broker
    ):
        page_id = _draft(alice)
        key = pages.page_key(_row(committed_engine, page_id))
        s3(False)
        response = _publish(client, alice, page_id)
        assert response.status_code == 502 and response.json()["error"]["code"] == "5003", response.text
        page = _row(committed_engine, page_id)
        assert (page.status, page.s3_key, page.url, page.published_at) == (LandingPageStatus.DRAFT, "", "", None)
        assert not _in_moto(moto_endpoint, s3_buckets, BucketKind.LANDING_PAGES, key)
        assert _invalidations(moto_endpoint, cloudfront_distribution, key) == 0
        assert _queued(broker) == []
        s3(True)  # back: publishing again works
        assert _publish(client, alice, page_id).status_code == 200
        assert httpx.get(_row(committed_engine, page_id).url).text == HTML

    def test_republishing_keeps_the_previous_version_live_and_the_row_unchanged(
        self, committed_engine, client, alice, cdn, s3, moto_endpoint, s3_buckets, cloudfront_distribution, broker
    ):
        page_id, key, url = _published(alice)
        before = _row(committed_engine, page_id)
        s3(False)
        response = _publish(client, alice, page_id)
        assert response.status_code == 502 and response.json()["error"]["code"] == "5003", response.text
        page = _row(committed_engine, page_id)
        assert (page.status, page.s3_key, page.url, page.published_at) == (
            LandingPageStatus.PUBLISHED, key, url, before.published_at)
        s3(True)
        assert _stored(moto_endpoint, s3_buckets, key) == HTML and httpx.get(url).text == HTML  # previous version
        assert _invalidations(moto_endpoint, cloudfront_distribution, key) == 1  # the first publish only
        assert _queued(broker) == []
