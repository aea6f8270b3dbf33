"""S3 and CloudFront for tests: a real moto_server, buckets, a CDN edge, a storage adapter.

Registered for the whole suite by `pytest_plugins` in tests/conftest.py.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import boto3
import httpx
import pytest
from botocore.config import Config
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from backend.integrations.storage import BucketKind, S3Storage
from tests.support.servers import ServerThread, free_port, wait_until


# --- S3 / CloudFront: moto_server -----------------------------------------------------------


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    """AAE_TEST_S3_ENDPOINT when one is already running, else a moto_server started here."""
    if existing := os.environ.get("AAE_TEST_S3_ENDPOINT"):
        yield existing.rstrip("/")
        return
    port = free_port()
    executable = Path(sys.executable).parent / "moto_server"
    process = subprocess.Popen(
        [str(executable), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: httpx.get(f"{url}/moto-api/", timeout=1).status_code == 200, what="moto_server")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def aws_client(service: str, endpoint: str):
    return boto3.client(
        service, endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=Config(signature_version="s3v4", s3={"addressing_style": "path"}),
    )


@pytest.fixture(scope="session")
def s3_buckets(moto_endpoint: str) -> dict[BucketKind, str]:
    """One set of buckets for the run (tests use unique keys); landing pages are public-read."""
    suffix = uuid.uuid4().hex[:8]
    buckets = {kind: f"aae-test-{kind.value.replace('_', '-')}-{suffix}" for kind in BucketKind}
    client = aws_client("s3", moto_endpoint)
    for name in buckets.values():
        client.create_bucket(Bucket=name)
    public = buckets[BucketKind.LANDING_PAGES]
    client.put_bucket_policy(Bucket=public, Policy=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                       "Resource": f"arn:aws:s3:::{public}/*"}],
    }))
    return buckets


@pytest.fixture(scope="session")
def fake_cdn(moto_endpoint: str, s3_buckets: dict[BucketKind, str]) -> Iterator[str]:
    """A CDN edge: GET /<kind>/... is read from that kind's bucket with credentials (like OAC)."""
    client = aws_client("s3", moto_endpoint)

    async def edge(request: Request) -> Response:
        key = request.path_params["key"]
        try:
            bucket = s3_buckets[BucketKind(key.split("/", 1)[0])]
            obj = client.get_object(Bucket=bucket, Key=key)
        except (ValueError, client.exceptions.NoSuchKey):
            return Response(status_code=404)
        return Response(obj["Body"].read(), media_type=obj.get("ContentType"))

    with ServerThread(Starlette(routes=[Route("/{key:path}", edge, methods=["GET", "HEAD"])])) as server:
        yield server.url


@pytest.fixture(scope="session")
def cloudfront_distribution(moto_endpoint: str) -> str:
    response = aws_client("cloudfront", moto_endpoint).create_distribution(DistributionConfig={
        "CallerReference": uuid.uuid4().hex,
        "Origins": {"Quantity": 1, "Items": [{"Id": "pages", "DomainName": "pages.s3.amazonaws.com",
                                             "S3OriginConfig": {"OriginAccessIdentity": ""}}]},
        "DefaultCacheBehavior": {"TargetOriginId": "pages", "ViewerProtocolPolicy": "redirect-to-https"},
        "Comment": "aae tests", "Enabled": True,
    })
    return response["Distribution"]["Id"]


@pytest.fixture()
def s3_storage(moto_endpoint, s3_buckets, fake_cdn) -> S3Storage:
    return S3Storage(
        buckets=s3_buckets, endpoint_url=moto_endpoint, access_key_id="testing",
        secret_access_key="testing", cdn_base_url=fake_cdn,
    )
