import re

import pytest

from backend import errors

EXPECTED_CODES = {
    errors.Unauthorized: "1002", errors.Forbidden: "1004", errors.ConnectionFailed: "2000",
    errors.ConnectionTimeout: "2003", errors.HeartbeatTimeout: "2004", errors.ToolNotFound: "3001",
    errors.InvalidParameters: "3002", errors.ToolExecutionFailed: "3003", errors.NotFound: "5000",
    errors.DatabaseError: "5002", errors.StorageError: "5003", errors.AdAccountNotBound: "6000",
    errors.AdAccountTokenExpired: "6001", errors.InsufficientCredits: "6011",
    errors.CreditDeductionFailed: "6012",
}


@pytest.mark.parametrize(("cls", "code"), EXPECTED_CODES.items())
def test_design_codes(cls, code):
    assert cls.code == code
    assert 400 <= cls.http_status < 600


def test_envelope_has_exactly_the_design_shape():
    err = errors.InsufficientCredits(details={"required_credits": "20", "available_credits": "5"})
    body = err.to_envelope("req_1")
    assert set(body) == {"status", "error"} and body["status"] == "error"
    assert set(body["error"]) == {"code", "type", "message", "details", "timestamp", "request_id"}
    assert body["error"]["code"] == "6011" and body["error"]["type"] == "INSUFFICIENT_CREDITS"
    assert body["error"]["details"]["available_credits"] == "5"
    assert body["error"]["request_id"] == "req_1"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", body["error"]["timestamp"])


def test_codes_are_unique_per_type():
    seen = {}
    for cls in EXPECTED_CODES:
        assert seen.setdefault(cls.type, cls.code) == cls.code
