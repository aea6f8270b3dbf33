"""The wsproto WebSocket client against a real server (uvicorn)."""

from __future__ import annotations

import pytest
from starlette.applications import Starlette
from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket

from backend.errors import ConnectionFailed
from backend.integrations.agents.transport import ConnectionClosed, connect
from tests.agents.support import serve
from tests.support.servers import free_port


async def echo(websocket: WebSocket) -> None:
    if websocket.query_params.get("refuse"):
        await websocket.close()
        return
    await websocket.accept()
    await websocket.send_text(f"hello {websocket.headers.get('x-test', '')}")
    while True:
        text = await websocket.receive_text()
        if text == "bye":
            await websocket.close(code=1000)
            return
        await websocket.send_text(text.upper())


@pytest.fixture()
async def address():
    async with serve(Starlette(routes=[WebSocketRoute("/echo", echo)])) as address:
        yield address


class TestConnect:
    async def test_text_round_trip_with_headers_and_large_messages(self, address):
        connection = await connect(f"ws://{address}/echo", {"X-Test": "there"})
        try:
            assert await connection.receive_text() == "hello there"
            await connection.send_text("ping 你好")
            assert await connection.receive_text() == "PING 你好"
            big = "x" * 300_000  # several frames and reads
            await connection.send_text(big)
            assert await connection.receive_text() == big.upper()
        finally:
            await connection.close()

    async def test_the_server_closing_ends_receiving_and_sending(self, address):
        connection = await connect(f"ws://{address}/echo")
        await connection.receive_text()
        await connection.send_text("bye")
        with pytest.raises(ConnectionClosed):
            await connection.receive_text()
        with pytest.raises(ConnectionClosed):
            await connection.send_text("more")
        await connection.close()

    async def test_a_refused_handshake_is_2000_with_the_http_status(self, address):
        with pytest.raises(ConnectionFailed) as refused:
            await connect(f"ws://{address}/echo?refuse=1")
        assert refused.value.code == "2000"
        assert refused.value.details["http_status"] == 403

    async def test_nothing_listening_is_2000(self):
        with pytest.raises(ConnectionFailed) as failed:
            await connect(f"ws://127.0.0.1:{free_port()}/echo")
        assert failed.value.code == "2000"

    @pytest.mark.parametrize("url", ["http://example.com/ws", "ws:///nohost", "not a url"])
    async def test_only_websocket_urls(self, url):
        with pytest.raises(ConnectionFailed):
            await connect(url)
