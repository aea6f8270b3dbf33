"""The Reflex app: the FastAPI sub-app on the same port, the shared lifespan, the pages."""


import importlib
import logging
import pkgutil

import reflex as rx

import aae_app.pages
from aae_app.upload_limit import limit_upload_size
from backend.api import create_api, lifespan
from backend.config import get_settings
from backend.errors import AppError

# Every module in aae_app/pages registers its route(s) when imported: adding a page is adding a file.
for _module in pkgutil.iter_modules(aae_app.pages.__path__):
    importlib.import_module(f"aae_app.pages.{_module.name}")

logger = logging.getLogger("aae_app")


def backend_exception_handler(exception: Exception) -> rx.event.EventSpec:
    """Every failure in an event handler becomes a toast with its message and error code.

    Business errors (AppError) say what went wrong; anything else is a bug: logged with its
    traceback, shown as 5002 without internals.
    """
    if isinstance(exception, AppError):
        return rx.toast.error(f"{exception.message} ({exception.code})", position="top-center")
    logger.error("unhandled error in an event handler", exc_info=exception)
    failure = AppError()
    return rx.toast.error(f"{failure.message} ({failure.code})", position="top-center")


app = rx.App(
    # Our API first; then a size guard in front of Reflex's own /_upload (it checks size client-side only).
    api_transformer=[create_api(), limit_upload_size(get_settings().max_upload_bytes)],
    backend_exception_handler=backend_exception_handler,
    head_components=[rx.el.link(rel="icon", href="/favicon.svg", type="image/svg+xml")],
)
app.register_lifespan_task(lifespan)
