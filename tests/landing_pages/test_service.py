"""Landing pages: templates, validation, and publishing to S3 + CDN (Property 21)."""

from __future__ import annotations

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from backend.errors import Conflict, NotFound, ValidationFailed
from backend.integrations.storage import BucketKind, S3Storage
from backend.landing_pages import service as pages
from backend.landing_pages.service import PageData, PageEdit
from backend.models import LandingPageStatus
from tests.factories import make_user
from tests.support.aws import aws_client


@pytest.fixture()
def cdn_storage(moto_endpoint, s3_buckets, fake_cdn, cloudfront_distribution) -> S3Storage:
    return S3Storage(buckets=s3_buckets, endpoint_url=moto_endpoint, access_key_id="testing",
                     secret_access_key="testing", cdn_base_url=fake_cdn,
                     cloudfront_distribution_id=cloudfront_distribution, cloudfront_endpoint_url=moto_endpoint)


def invalidation_paths(moto_endpoint, distribution_id) -> list[list[str]]:
    client = aws_client("cloudfront", moto_endpoint)
    items = client.list_invalidations(DistributionId=distribution_id, MaxItems="100000")["InvalidationList"].get("Items", [])
    return [client.get_invalidation(DistributionId=distribution_id, Id=i["Id"])["Invalidation"]
            ["InvalidationBatch"]["Paths"]["Items"] for i in items]


class TestDrafts:
    @pytest.mark.parametrize("language", ["en", "zh"])
    @pytest.mark.parametrize("template", sorted(pages.TEMPLATES))
    def test_template_draft(self, session, template, language):
        user = make_user(session)
        page = pages.create(session, user_id=user.id, data=PageData(
            name="Shoes", product_url="https://www.acme-shoes.com/p/1", template=template, language=language))
        assert page.status == LandingPageStatus.DRAFT
        assert 'href="https://www.acme-shoes.com/p/1"' in page.html_content
        assert f'lang="{language}"' in page.html_content
        assert ("立即购买" in page.html_content) == (language == "zh")

    def test_template_escapes_hostile_input(self, session):
        user = make_user(session)
        page = pages.create(session, user_id=user.id, data=PageData(
            name="x", product_url="https://x.test/", headline="<script>alert(1)</script>"))
        assert "<script>alert(1)</script>" not in page.html_content
        assert "&lt;script&gt;" in page.html_content

    @pytest.mark.parametrize(("data", "field"), [
        (dict(name="", product_url="https://x.test"), "name"),
        (dict(name="a", product_url="javascript:alert(1)"), "product_url"),
        (dict(name="a", product_url="x.test"), "product_url"),
        (dict(name="a", product_url="https://x.test", template="fancy"), "template"),
        (dict(name="a", product_url="https://x.test", language="fr"), "language"),
        (dict(name="a", product_url="https://x.test", html_content="x" * (2 * 1024 * 1024 + 1)), "html_content"),
    ])
    def test_validation(self, session, data, field):
        with pytest.raises(ValidationFailed) as info:
            pages.create(session, user_id=make_user(session).id, data=PageData(**data))
        assert info.value.details["field"] == field

    def test_ownership(self, session):
        owner, other = make_user(session), make_user(session)
        page = pages.create(session, user_id=owner.id, data=PageData(name="a", product_url="https://x.test"))
        with pytest.raises(NotFound):
            pages.update(session, user_id=other.id, page_id=page.id, edit=PageEdit(name="b"))
        assert pages.list_pages(session, other.id)[1] == 0


class TestPublish:
    @given(body=st.text(min_size=1, max_size=300).filter(str.strip))
    def test_property_21_publish_uploads_to_public_bucket_and_returns_cdn_url(
            self, session, cdn_storage, moto_endpoint, s3_buckets, cloudfront_distribution, body):
        """Property 21: publishing uploads the HTML to the public bucket, invalidates the CDN and returns its URL."""
        user = make_user(session)
        html = f"<html><body><p>{body}</p></body></html>"
        page = pages.create(session, user_id=user.id, data=PageData(name="p", product_url="https://x.test",
                                                                     html_content=html))
        published = pages.publish(session, user_id=user.id, page_id=page.id, storage=cdn_storage)
        assert published.status == LandingPageStatus.PUBLISHED and published.published_at
        obj = aws_client("s3", moto_endpoint).get_object(Bucket=s3_buckets[BucketKind.LANDING_PAGES], Key=page.s3_key)
        assert obj["Body"].read().decode() == html and obj["ContentType"].startswith("text/html")
        assert published.url.startswith(cdn_storage.cdn_base_url)
        assert httpx.get(published.url).text == html  # reachable through the CDN
        assert httpx.get(cdn_storage.public_url(BucketKind.LANDING_PAGES, page.s3_key)).status_code == 200  # public bucket
        assert [f"/{page.s3_key}"] in invalidation_paths(moto_endpoint, cloudfront_distribution)

    def test_republish_keeps_url_and_serves_new_content(self, session, cdn_storage):
        user = make_user(session)
        page = pages.create(session, user_id=user.id, data=PageData(name="p", product_url="https://x.test",
                                                                     html_content="<p>v1</p>"))
        first = pages.publish(session, user_id=user.id, page_id=page.id, storage=cdn_storage).url
        pages.update(session, user_id=user.id, page_id=page.id, edit=PageEdit(html_content="<p>v2</p>"))
        second = pages.publish(session, user_id=user.id, page_id=page.id, storage=cdn_storage).url
        assert first == second and httpx.get(second).text == "<p>v2</p>"

    def test_unpublish_archive_delete(self, session, cdn_storage):
        user = make_user(session)
        page = pages.create(session, user_id=user.id, data=PageData(name="p", product_url="https://x.test"))
        url = pages.publish(session, user_id=user.id, page_id=page.id, storage=cdn_storage).url
        pages.archive(session, user_id=user.id, page_id=page.id, storage=cdn_storage)
        assert page.status == LandingPageStatus.ARCHIVED and page.url == ""
        assert httpx.get(url).status_code == 404
        with pytest.raises(Conflict):
            pages.publish(session, user_id=user.id, page_id=page.id, storage=cdn_storage)
        pages.restore(session, user_id=user.id, page_id=page.id)
        pages.delete(session, user_id=user.id, page_id=page.id, storage=cdn_storage)
        with pytest.raises(NotFound):
            pages.get_owned_or_raise(session, user.id, page.id)

    def test_empty_page_cannot_publish(self, session, cdn_storage):
        user = make_user(session)
        page = pages.create(session, user_id=user.id, data=PageData(name="p", product_url="https://x.test",
                                                                     html_content="   "))
        with pytest.raises(ValidationFailed):
            pages.publish(session, user_id=user.id, page_id=page.id, storage=cdn_storage)


def test_publish_with_storage_down_keeps_the_draft_and_reports_5003(session):
    """Fault: S3 unreachable while publishing — 5003, and the page is still an unpublished draft."""
    from backend.errors import StorageError

    broken = S3Storage(buckets={k: f"b-{k.value}" for k in BucketKind}, endpoint_url="http://127.0.0.1:9",
                       access_key_id="x", secret_access_key="y")
    user = make_user(session)
    page = pages.create(session, user_id=user.id, data=PageData(name="p", product_url="https://x.test"))
    with pytest.raises(StorageError) as info:
        pages.publish(session, user_id=user.id, page_id=page.id, storage=broken)
    assert info.value.code == "5003"
    assert page.status == LandingPageStatus.DRAFT and page.url == "" and page.published_at is None
