"""Failures shown to the marketer: a toast with the message and the error code; field errors.

Every `AppError` carries a numeric code; validation errors name the field in
`details["field"]` (nested fields as "targeting.countries"), which the forms show next to it.
"""

from __future__ import annotations

import logging

import reflex as rx

from aae_app import i18n
from backend.errors import AppError

logger = logging.getLogger(__name__)

i18n.register({
    "library.error_code": ("Error code", "错误代码"),
    "library.unexpected": ("Something went wrong. Please try again.", "出了点问题，请重试。"),
    "library.saved": ("Saved", "已保存"),
})


def error_toast(exc: AppError, language: str = "en") -> rx.event.EventSpec:
    return rx.toast.error(exc.message, description=f"{i18n.translate('library.error_code', language)} {exc.code}",
                          close_button=True)


def unexpected_toast(exc: Exception, language: str = "en") -> rx.event.EventSpec:
    """A bug, not a business outcome: log it and say so (code 5002, as the API would)."""
    logger.exception("unexpected failure in a library page", exc_info=exc)
    return rx.toast.error(i18n.translate("library.unexpected", language),
                          description=f"{i18n.translate('library.error_code', language)} 5002", close_button=True)


def error_text(exc: AppError) -> str:
    """The message and code for an inline error panel."""
    return f"{exc.message} ({exc.code})"


def field_of(exc: AppError) -> str | None:
    field = exc.details.get("field") if isinstance(exc.details, dict) else None
    return str(field) if field else None
