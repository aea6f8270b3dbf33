"""Reflex configuration. URLs, CORS and Redis come from backend.config (AAE_* variables).

No `db_url`: the app uses its own engine and alembic, so Reflex's `db` commands stay away from
our migrations.
"""

from __future__ import annotations

import os
from urllib.parse import urlsplit

import reflex as rx

from backend.config import get_settings

settings = get_settings()


def _allowed_origins() -> list[str]:
    """The public URL only (Reflex's default `*` with credentials would also cover /api).

    AAE_CORS_ORIGINS (comma separated) overrides it for tests. A loopback public URL also
    allows its localhost/127.0.0.1 twin, so either address works in development.
    """
    override = [o.strip() for o in os.environ.get("AAE_CORS_ORIGINS", "").split(",") if o.strip()]
    if override:
        return override
    public = settings.public_url.rstrip("/")
    origins = [public]
    parts = urlsplit(public)
    twins = {"127.0.0.1": "localhost", "localhost": "127.0.0.1"}
    if parts.hostname in twins:
        port = f":{parts.port}" if parts.port else ""
        origins.append(f"{parts.scheme}://{twins[parts.hostname]}{port}")
    return origins


config = rx.Config(
    app_name="aae_app",
    cors_allowed_origins=_allowed_origins(),
    redis_url=settings.redis_url,
    show_built_with_reflex=False,
    telemetry_enabled=False,
    plugins=[
        rx.plugins.RadixThemesPlugin(
            theme=rx.theme(
                appearance="inherit",
                accent_color="indigo",
                gray_color="slate",
                radius="medium",
                scaling="100%",
                has_background=True,
                panel_background="solid",
            )
        ),
    ],
    disable_plugins=[rx.plugins.SitemapPlugin],
)
