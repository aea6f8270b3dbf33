"""Unpublishing with real components (S3 and CloudFront on moto_server, a CDN edge) that fail:
the row never calls a page published once its file is gone, and a failed CDN invalidation is
retried by the `landing_pages.invalidate_cdn` job. "Down" is a port nothing listens on."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import pytest
from dramatiq import Broker, Message
from sqlmodel import Session

from backend.db import unit_of_work
from backend.errors import StorageError
from backend.integrations.storage import BucketKind
from backend.landing_pages import service as pages
from backend.landing_pages.service import PageData
from backend.models import LandingPage, LandingPageStatus
from tests.factories import make_user
from tests.landing_pages.test_service import invalidation_paths
from tests.support.servers import free_port
from tests.workers.helpers import running_worker, wait_for
from tests.workers.test_faults import _in_moto, _use, s3  # noqa: F401  (s3: fixture)
from workers import landing_pages as landing_page_jobs
from workers.base import TransientJobError
from workers.broker import build_broker, install_broker

HTML = "<html><body><p>Spring sale</p></body></html>"


@pytest.fixture()
def cdn(monkeypatch, s3, moto_endpoint, fake_cdn, cloudfront_distribution) -> Callable[[bool], None]:
    """The app's storage is S3 on moto_server (see `s3`) behind the CDN edge; `cdn(up)` points
    CloudFront at moto_server (up) or at a port nothing listens on (down)."""
    down = f"http://127.0.0.1:{free_port()}"
    _use(monkeypatch, cdn_base_url=fake_cdn, cloudfront_distribution_id=cloudfront_distribution)

    def switch(up: bool) -> None:
        # boto3 reads the service's endpoint from the environment when the adapter builds its client.
        monkeypatch.setenv("AWS_ENDPOINT_URL_CLOUDFRONT", moto_endpoint if up else down)
        _use(monkeypatch)  # new settings: the storage adapter is built again

    switch(True)
    return switch


@pytest.fixture()
def broker() -> Iterator[Broker]:
    broker = build_broker(redis_url=None, min_backoff_ms=10, max_backoff_ms=100)
    broker.declare_actor(landing_page_jobs.invalidate_cdn)
    previous = install_broker(broker)
    yield broker
    install_broker(previous)
    broker.close()


def _queued(broker: Broker) -> list[Message]:
    return [Message.decode(raw) if isinstance(raw, bytes) else raw for raw in list(broker.queues["default"].queue)]


def _published_page() -> tuple[int, int, str, str]:
    with unit_of_work() as session:
        user = make_user(session)
        page = pages.create(session, user_id=user.id, data=PageData(name="LP", product_url="https://x.test",
                                                                     html_content=HTML))
        published = pages.publish(session, user_id=user.id, page_id=page.id)
        return user.id, page.id, published.s3_key, published.url


def _row(engine, page_id: int) -> LandingPage | None:
    with Session(engine) as session:
        return session.get(LandingPage, page_id)


class TestCdnDownWhileUnpublishing:
    def test_the_page_is_unpublished_and_the_invalidation_is_retried_by_a_job(
        self, committed_engine, cdn, moto_endpoint, s3_buckets, cloudfront_distribution, broker
    ):
        """Bug fixed: the file was deleted, then the CloudFront error rolled the row back, so it
        still said "published" (with its URL) for a file that was gone."""
        user_id, page_id, key, url = _published_page()
        assert httpx.get(url).text == HTML
        cdn(False)
        with unit_of_work() as session:
            pages.unpublish(session, user_id=user_id, page_id=page_id)
        page = _row(committed_engine, page_id)
        assert (page.status, page.s3_key, page.url) == (LandingPageStatus.DRAFT, "", "")
        assert not _in_moto(moto_endpoint, s3_buckets, BucketKind.LANDING_PAGES, key)
        assert httpx.get(url).status_code == 404
        [retry] = _queued(broker)
        assert (retry.actor_name, retry.args) == ("landing_pages.invalidate_cdn", (user_id, [f"/{key}"]))

        with pytest.raises(TransientJobError):  # still down: dramatiq retries with backoff
            landing_page_jobs.invalidate_cdn.fn(*retry.args)
        cdn(True)
        before = invalidation_paths(moto_endpoint, cloudfront_distribution).count([f"/{key}"])  # publish's
        with running_worker(broker):
            wait_for(lambda: invalidation_paths(moto_endpoint, cloudfront_distribution).count([f"/{key}"]) > before)

    @pytest.mark.parametrize("action", ["archive", "delete"])
    def test_archiving_or_deleting_a_published_page_goes_through_too(
        self, committed_engine, cdn, moto_endpoint, s3_buckets, broker, action
    ):
        user_id, page_id, key, _ = _published_page()
        cdn(False)
        with unit_of_work() as session:
            getattr(pages, action)(session, user_id=user_id, page_id=page_id)
        page = _row(committed_engine, page_id)
        if action == "delete":
            assert page is None
        else:
            assert (page.status, page.s3_key, page.url) == (LandingPageStatus.ARCHIVED, "", "")
        assert not _in_moto(moto_endpoint, s3_buckets, BucketKind.LANDING_PAGES, key)
        assert [m.args for m in _queued(broker)] == [(user_id, [f"/{key}"])]

    def test_with_the_cdn_up_the_invalidation_is_made_at_once(
        self, committed_engine, cdn, moto_endpoint, cloudfront_distribution, broker
    ):
        user_id, page_id, key, _ = _published_page()
        with unit_of_work() as session:
            pages.unpublish(session, user_id=user_id, page_id=page_id)
        assert invalidation_paths(moto_endpoint, cloudfront_distribution).count([f"/{key}"]) == 2  # publish, unpublish
        assert _queued(broker) == []


class TestS3DownWhileUnpublishing:
    def test_nothing_changes_and_the_error_is_5003(self, committed_engine, cdn, s3, moto_endpoint, s3_buckets,
                                                   broker):
        user_id, page_id, key, url = _published_page()
        s3(False)
        with pytest.raises(StorageError) as info, unit_of_work() as session:
            pages.unpublish(session, user_id=user_id, page_id=page_id)
        assert info.value.code == "5003"
        page = _row(committed_engine, page_id)
        assert (page.status, page.s3_key, page.url) == (LandingPageStatus.PUBLISHED, key, url)
        assert _in_moto(moto_endpoint, s3_buckets, BucketKind.LANDING_PAGES, key)
        assert httpx.get(url).text == HTML  # still served, as the row says
        assert _queued(broker) == []
        s3(True)  # back: unpublishing again works
        with unit_of_work() as session:
            pages.unpublish(session, user_id=user_id, page_id=page_id)
        assert _row(committed_engine, page_id).status == LandingPageStatus.DRAFT
        assert not _in_moto(moto_endpoint, s3_buckets, BucketKind.LANDING_PAGES, key)
