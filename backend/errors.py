"""The error hierarchy and the one envelope used by REST, MCP and webhooks.

Envelope (exactly the design's):
{"status": "error", "error": {"code", "type", "message", "details", "timestamp", "request_id"}}
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar


class AppError(Exception):
    code: ClassVar[str] = "5002"
    type: ClassVar[str] = "INTERNAL_ERROR"
    http_status: ClassVar[int] = 500
    default_message: ClassVar[str] = "Something went wrong"

    def __init__(
        self, message: str | None = None, *, details: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ):
        self.message = message or self.default_message
        self.details = details or {}
        self.headers = headers or {}  # e.g. Retry-After on 429
        super().__init__(self.message)

    def to_envelope(self, request_id: str | None = None) -> dict[str, Any]:
        return error_envelope(
            code=self.code,
            type_=self.type,
            message=self.message,
            details=self.details,
            request_id=request_id,
        )


def error_envelope(
    *, code: str, type_: str, message: str, details: dict[str, Any] | None, request_id: str | None
) -> dict[str, Any]:
    return {
        "status": "error",
        "error": {
            "code": code,
            "type": type_,
            "message": message,
            "details": details or {},
            "timestamp": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "request_id": request_id,
        },
    }


# 1xxx authentication
class Unauthorized(AppError):
    code, type, http_status = "1002", "UNAUTHORIZED", 401
    default_message = "Invalid or expired token"


class Forbidden(AppError):
    code, type, http_status = "1004", "FORBIDDEN", 403
    default_message = "Insufficient permissions"


class DevLoginDisabled(Forbidden):
    default_message = "Dev login is disabled in production"


class RateLimited(AppError):
    code, type, http_status = "1029", "RATE_LIMITED", 429
    default_message = "Too many requests"


# 2xxx websocket / agent link
class ConnectionFailed(AppError):
    code, type, http_status = "2000", "CONNECTION_FAILED", 502
    default_message = "WebSocket connection failed"


class ConnectionTimeout(AppError):
    code, type, http_status = "2003", "CONNECTION_TIMEOUT", 504
    default_message = "Connection timeout"


class HeartbeatTimeout(AppError):
    code, type, http_status = "2004", "HEARTBEAT_TIMEOUT", 504
    default_message = "Heartbeat timeout"


class MessageQueueFull(AppError):
    code, type, http_status = "2005", "MESSAGE_QUEUE_FULL", 503
    default_message = "Too many messages waiting for the connection to come back"


# 3xxx MCP
class ToolNotFound(AppError):
    code, type, http_status = "3001", "MCP_TOOL_NOT_FOUND", 404
    default_message = "Tool not found"


class InvalidParameters(AppError):
    code, type, http_status = "3002", "MCP_INVALID_PARAMETERS", 422
    default_message = "Invalid parameters"


class ToolExecutionFailed(AppError):
    code, type, http_status = "3003", "MCP_EXECUTION_FAILED", 500
    default_message = "Execution failed"


# 4xxx request validation (REST)
class ValidationFailed(AppError):
    code, type, http_status = "4000", "VALIDATION_ERROR", 422
    default_message = "The request is not valid"


class Conflict(AppError):
    code, type, http_status = "4009", "CONFLICT", 409
    default_message = "The resource is in a state that does not allow this"


# 5xxx data
class NotFound(AppError):
    code, type, http_status = "5000", "DATA_NOT_FOUND", 404
    default_message = "Resource not found"


class DatabaseError(AppError):
    code, type, http_status = "5002", "DATABASE_ERROR", 500
    default_message = "Database operation failed"


class StorageError(AppError):
    code, type, http_status = "5003", "STORAGE_ERROR", 502
    default_message = "Storage operation failed"


class EncryptionError(AppError):
    code, type, http_status = "5004", "ENCRYPTION_ERROR", 500
    default_message = "Encrypted value could not be decrypted"


# 6xxx business
class AdAccountNotBound(AppError):
    code, type, http_status = "6000", "AD_ACCOUNT_NOT_BOUND", 400
    default_message = "No ad account bound"


class AdAccountTokenExpired(AppError):
    code, type, http_status = "6001", "AD_ACCOUNT_TOKEN_EXPIRED", 400
    default_message = "The ad account's authorization has expired; reconnect it"


class InsufficientCredits(AppError):
    code, type, http_status = "6011", "INSUFFICIENT_CREDITS", 402
    default_message = "Credit balance insufficient"


class CreditDeductionFailed(AppError):
    code, type, http_status = "6012", "CREDIT_DEDUCTION_FAILED", 400
    default_message = "Credit deduction failed"


class InvalidAmount(CreditDeductionFailed):
    default_message = "Amount must be a positive number with at most 2 decimal places"
