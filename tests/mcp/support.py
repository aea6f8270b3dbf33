"""Assertions on the two response shapes of the MCP REST surface."""

from __future__ import annotations

from typing import Any

import httpx

ERROR_KEYS = {"code", "type", "message", "details", "timestamp", "request_id"}


def execute(api: httpx.Client, headers: dict[str, str], user_id: int, tool: str, arguments: Any = None,
            operation_id: str | None = None) -> httpx.Response:
    body: dict[str, Any] = {"user_id": user_id, "tool": tool, "arguments": {} if arguments is None else arguments}
    if operation_id is not None:
        body["operation_id"] = operation_id
    return api.post("/mcp/v1/execute", json=body, headers=headers)


def success(response: httpx.Response) -> dict[str, Any]:
    """Property 24's shape: exactly status, data and credits_charged."""
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"status", "data", "credits_charged"}, body
    assert body["status"] == "success"
    return body


def envelope_error(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    """Property 25's shape: the one error envelope, tagged with the response's request id."""
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"status", "error"} and body["status"] == "error", body
    error = body["error"]
    assert set(error) == ERROR_KEYS, error
    assert error["code"] == code, error
    assert error["message"]
    assert error["request_id"] == response.headers["x-request-id"]
    return error
