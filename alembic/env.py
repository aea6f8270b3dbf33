"""Alembic environment: the engine and metadata are the application's own."""

from __future__ import annotations

from logging.config import fileConfig

from alembic import context
from sqlalchemy import pool

import backend.models  # noqa: F401  (registers every table)
from backend.config import get_settings
from backend.db import make_engine, metadata

config = context.config
if config.config_file_name is not None and config.attributes.get("configure_logger", True):
    fileConfig(config.config_file_name, disable_existing_loggers=False)

target_metadata = metadata


def _url() -> str:
    return config.attributes.get("database_url") or get_settings().database_url


def _options(url: str) -> dict:
    return {
        "target_metadata": target_metadata,
        "compare_type": True,
        # SQLite cannot ALTER most things in place; batch mode copies the table.
        "render_as_batch": url.startswith("sqlite"),
    }


def run_migrations_offline() -> None:
    url = _url()
    context.configure(url=url, literal_binds=True, dialect_opts={"paramstyle": "named"}, **_options(url))
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    url = _url()
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(connection=connection, **_options(url))
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = make_engine(url, poolclass=pool.NullPool) if not url.startswith("sqlite") else make_engine(url)
    with engine.connect() as conn:
        context.configure(connection=conn, **_options(url))
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
