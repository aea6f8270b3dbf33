"""Any OpenAI-compatible chat completions server as the chat agent, with our MCP tools.

One turn is a loop of streamed requests (`POST {base_url}/chat/completions`, `stream: true`,
`stream_options.include_usage`): text deltas are passed on as they arrive; tool-call
fragments are assembled per `index` (id, type and name come only in the first fragment, the
arguments are concatenated and parsed after `finish_reason: "tool_calls"`); the calls go to
the platform, and their results return to the model as `role: "tool"` messages in the next
request. The loop ends when the model stops without calling tools. The usage chunk (`choices:
[]`, before `[DONE]`) of every request is reported for billing. See EXTERNAL_APIS.md §3.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from typing import Any

import httpx

from backend.errors import AppError, ConnectionFailed, ConnectionTimeout
from backend.integrations.agents.base import (
    Agent,
    AgentError,
    AgentRequest,
    AgentStream,
    Final,
    TextDelta,
    ToolCall,
    ToolInfo,
    Usage,
)

logger = logging.getLogger(__name__)

MAX_ROUNDS = 6  # model requests per turn: the answer plus up to five rounds of tool calls
TIMEOUT = httpx.Timeout(60.0, connect=10.0)
CONNECT_RETRIES = 2  # httpx retries failed connection attempts (never a request that was sent)

SYSTEM_PROMPT = (
    "You are the assistant of the AAE ad platform{name}. You help marketers with their ad accounts, campaigns, "
    "creatives, landing pages, reports and credits. Use the tools to read and change the user's data; never "
    "invent numbers. Tools that pause, delete, publish or spend wait for the user's approval in the chat; if a "
    "call is rejected, say so and do not retry it. Answer briefly, in {language}."
)
LANGUAGES = {"zh": "Chinese", "en": "English"}


def openai_tool(tool: ToolInfo) -> dict[str, Any]:
    return {"type": "function", "function": {"name": tool.name, "description": tool.description,
                                             "parameters": tool.parameters}}


def system_message(request: AgentRequest) -> dict[str, Any]:
    name = f" talking with {request.user_name}" if request.user_name else ""
    return {"role": "system", "content": SYSTEM_PROMPT.format(
        name=name, language=LANGUAGES.get(request.language, "the user's language"))}


@dataclass
class _PendingCall:
    id: str | None = None
    name: str | None = None
    arguments: list[str] = field(default_factory=list)


@dataclass
class _Round:
    """What one streamed response said."""

    text: list[str] = field(default_factory=list)
    calls: dict[int, _PendingCall] = field(default_factory=dict)
    finish_reason: str | None = None

    def tool_calls(self) -> list[ToolCall]:
        out = []
        for index in sorted(self.calls):
            pending = self.calls[index]
            raw = "".join(pending.arguments)
            try:
                parsed = json.loads(raw) if raw.strip() else {}
            except ValueError:
                parsed = None
            arguments = parsed if isinstance(parsed, dict) else None
            out.append(ToolCall(pending.id or f"call_{index}", pending.name or "", arguments,
                                raw_arguments=raw if arguments is None else None))
        return out


class LLMAgent(Agent):
    name = "llm"

    def __init__(
        self, *, base_url: str, model: str, api_key: str | None = None,
        transport: httpx.AsyncBaseTransport | None = None, max_rounds: int = MAX_ROUNDS,
        timeout: httpx.Timeout = TIMEOUT,
    ) -> None:
        super().__init__()
        self.base_url = base_url.rstrip("/")
        self.model = model
        self._api_key = api_key
        self._transport = transport
        self.max_rounds = max_rounds
        self.timeout = timeout

    def _client(self) -> httpx.AsyncClient:
        headers = {"Authorization": f"Bearer {self._api_key}"} if self._api_key else {}
        return httpx.AsyncClient(base_url=self.base_url, headers=headers, timeout=self.timeout,
                                 transport=self._transport or httpx.AsyncHTTPTransport(retries=CONNECT_RETRIES))

    async def run(self, request: AgentRequest) -> AgentStream:
        messages: list[dict[str, Any]] = [system_message(request), *request.history,
                                          {"role": "user", "content": request.text}]
        tools = [openai_tool(t) for t in request.tools]
        async with self._client() as client:
            for _ in range(self.max_rounds):
                current = _Round()
                try:
                    async for event in self._stream(client, messages, tools, current):
                        yield event
                except AppError as exc:
                    yield AgentError.of(exc)
                    return
                calls = current.tool_calls()
                if not calls:
                    yield Final(current.finish_reason or "stop")
                    return
                messages.append({"role": "assistant", "content": "".join(current.text) or None, "tool_calls": [
                    {"id": c.id, "type": "function",
                     "function": {"name": c.name, "arguments": "".join(current.calls[i].arguments)}}
                    for i, c in zip(sorted(current.calls), calls, strict=True)]})
                for call in calls:
                    result = yield call
                    content = result.content() if result is not None else '{"status":"error"}'
                    messages.append({"role": "tool", "tool_call_id": call.id, "content": content})
        yield AgentError("3003", f"The model kept calling tools after {self.max_rounds} rounds",
                         {"max_rounds": self.max_rounds})

    async def _stream(self, client: httpx.AsyncClient, messages: list[dict[str, Any]], tools: list[dict[str, Any]],
                      current: _Round):
        body: dict[str, Any] = {"model": self.model, "stream": True, "stream_options": {"include_usage": True},
                                "messages": messages}
        if tools:
            body.update(tools=tools, tool_choice="auto", parallel_tool_calls=True)
        try:
            async with client.stream("POST", "/chat/completions", json=body) as response:
                if response.status_code >= 400:
                    raise _http_error(response.status_code, await response.aread())
                async for line in response.aiter_lines():
                    if not line.startswith("data:"):
                        continue  # blank separators, comments, other SSE fields
                    data = line[5:].strip()
                    if data == "[DONE]":
                        return
                    for event in self._chunk_events(data, current):
                        yield event
        except httpx.TimeoutException as exc:
            raise ConnectionTimeout("The language model did not answer in time", details={"reason": repr(exc)}) from exc
        except httpx.HTTPError as exc:
            raise ConnectionFailed("Could not reach the language model", details={"reason": repr(exc)}) from exc

    def _chunk_events(self, data: str, current: _Round):
        try:
            chunk = json.loads(data)
        except ValueError:
            logger.warning("LLM stream: skipping a chunk that is not JSON")
            return
        if not isinstance(chunk, dict):
            return
        if chunk.get("error"):
            error = chunk["error"] if isinstance(chunk["error"], dict) else {"message": str(chunk["error"])}
            raise ConnectionFailed(f"The language model failed: {error.get('message', 'error')}",
                                   details={"provider_error": error})
        usage = chunk.get("usage")
        if isinstance(usage, dict):
            yield Usage(self.model, int(usage.get("prompt_tokens") or 0), int(usage.get("completion_tokens") or 0))
        for choice in chunk.get("choices") or []:
            delta = choice.get("delta") or {}
            for text in (delta.get("content"), delta.get("refusal")):
                if text:
                    current.text.append(text)
                    yield TextDelta(text)
            for fragment in delta.get("tool_calls") or []:
                pending = current.calls.setdefault(int(fragment.get("index", 0)), _PendingCall())
                pending.id = fragment.get("id") or pending.id
                function = fragment.get("function") or {}
                pending.name = function.get("name") or pending.name
                if function.get("arguments"):
                    pending.arguments.append(function["arguments"])
            if choice.get("finish_reason"):
                current.finish_reason = choice["finish_reason"]


def _http_error(status: int, body: bytes) -> AppError:
    """The provider's `{"error": {...}}` as ConnectionFailed (2000) with the status and its message."""
    try:
        error = json.loads(body).get("error")
    except (ValueError, AttributeError):
        error = None
    if not isinstance(error, dict):
        error = {"message": body[:500].decode("utf-8", "replace")}
    return ConnectionFailed(f"The language model refused the request ({status}): {error.get('message', '')}",
                            details={"http_status": status, "provider_error": error})
