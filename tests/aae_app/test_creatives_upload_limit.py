"""The optional `/_upload` size guard (aae_app/upload_limit.py)."""

from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from aae_app.upload_limit import limit_upload_size


async def accept(request):
    return PlainTextResponse(f"got {len(await request.body())}")


def client(max_bytes: int) -> TestClient:
    app = Starlette(routes=[Route("/_upload", accept, methods=["POST"]), Route("/api/x", accept, methods=["POST"])])
    return TestClient(limit_upload_size(max_bytes)(app))


def test_uploads_up_to_the_limit_pass():
    assert client(10).post("/_upload", content=b"x" * 10).text == "got 10"


def test_larger_uploads_are_refused_before_the_app_reads_them():
    response = client(10).post("/_upload", content=b"x" * 11)
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "4000" and response.json()["error"]["details"] == {"max_bytes": 10}


def test_no_declared_length_is_refused():
    def chunks():
        yield b"x"

    assert client(10).post("/_upload", content=chunks()).status_code == 413


def test_other_routes_are_untouched_and_zero_refuses_every_upload():
    assert client(0).post("/api/x", content=b"x" * 100).text == "got 100"
    assert client(0).post("/_upload/", content=b"x").status_code == 413
