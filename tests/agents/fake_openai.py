"""A fake OpenAI-compatible server: `POST /v1/chat/completions` streaming scripted chunks in
the real SSE shape (EXTERNAL_APIS.md §3), one script per request, recording every request."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

BASE = {"id": "chatcmpl-ABC", "object": "chat.completion.chunk", "created": 1764200000, "model": "gpt-test",
        "system_fingerprint": "fp_x"}


def chunk(delta: dict[str, Any] | None = None, finish: str | None = None, *, with_usage_key: bool = True
          ) -> dict[str, Any]:
    out = {**BASE, "choices": [{"index": 0, "delta": delta or {}, "logprobs": None, "finish_reason": finish}]}
    if with_usage_key:
        out["usage"] = None
    return out


def usage_chunk(prompt: int, completion: int) -> dict[str, Any]:
    return {**BASE, "choices": [], "usage": {"prompt_tokens": prompt, "completion_tokens": completion,
                                             "total_tokens": prompt + completion,
                                             "completion_tokens_details": {"reasoning_tokens": 0}}}


def text_reply(*pieces: str, usage: tuple[int, int] | None = (50, 10)) -> list[dict[str, Any]]:
    chunks = [chunk({"role": "assistant", "content": ""})]
    chunks += [chunk({"content": p}) for p in pieces]
    chunks.append(chunk({}, "stop"))
    if usage:
        chunks.append(usage_chunk(*usage))
    return chunks


def tool_reply(*calls: tuple[str, str, str], usage: tuple[int, int] | None = (76, 24), piece: int = 4
               ) -> list[dict[str, Any]]:
    """Fragments as a real stream sends them: id, type and name in the first fragment of each
    index, then the arguments in small pieces; calls interleave when there are several."""
    chunks = []
    for index, (call_id, name, _) in enumerate(calls):
        chunks.append(chunk({"role": "assistant", "content": None, "refusal": None, "tool_calls": [
            {"index": index, "id": call_id, "type": "function", "function": {"name": name, "arguments": ""}}]}))
    longest = max(len(arguments) for _, _, arguments in calls)
    for start in range(0, longest, piece):
        for index, (_, _, arguments) in enumerate(calls):
            if start < len(arguments):
                chunks.append(chunk({"tool_calls": [
                    {"index": index, "function": {"arguments": arguments[start:start + piece]}}]}))
    chunks.append(chunk({}, "tool_calls"))
    if usage:
        chunks.append(usage_chunk(*usage))
    return chunks


@dataclass
class Scripted:
    chunks: list[dict[str, Any]] = field(default_factory=list)
    status: int = 200
    body: dict[str, Any] | None = None  # a JSON error body instead of a stream
    done: bool = True


@dataclass
class FakeOpenAI:
    scripts: list[Scripted] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)

    def reply(self, chunks: list[dict[str, Any]], *, done: bool = True) -> None:
        self.scripts.append(Scripted(chunks, done=done))

    def fail(self, status: int, body: dict[str, Any]) -> None:
        self.scripts.append(Scripted(status=status, body=body))

    def app(self) -> Starlette:
        return Starlette(routes=[Route("/v1/chat/completions", self._completions, methods=["POST"])])

    async def _completions(self, request: Request) -> Response:
        self.requests.append(await request.json())
        self.headers.append(dict(request.headers))
        script = self.scripts.pop(0) if self.scripts else Scripted(
            status=500, body={"error": {"message": "no script left", "type": "server_error"}})
        if script.body is not None:
            return JSONResponse(script.body, status_code=script.status)

        async def events():
            for item in script.chunks:
                yield f"data: {json.dumps(item)}\n\n"
                await asyncio.sleep(0)
            if script.done:
                yield "data: [DONE]\n\n"

        return StreamingResponse(events(), media_type="text/event-stream")
