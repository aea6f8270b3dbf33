"""The migration chain: upgrade, check for drift, downgrade — on MariaDB and SQLite."""

from __future__ import annotations

import uuid

from alembic import command
from sqlalchemy import create_engine, inspect

from backend.db import metadata
from tests.conftest import alembic_config, create_database, drop_database, mysql_url


def test_mariadb_upgrade_head_has_no_drift(database_url):
    """The session database was built with `alembic upgrade head`; `alembic check` finds no drift."""
    command.check(alembic_config(database_url))
    engine = create_engine(database_url)
    try:
        tables = set(inspect(engine).get_table_names())
    finally:
        engine.dispose()
    assert set(metadata.tables) <= tables


def test_mariadb_downgrade_and_upgrade_again():
    name = f"aae_mig_{uuid.uuid4().hex[:8]}"
    create_database(name)
    url = mysql_url(name)
    try:
        cfg = alembic_config(url)
        command.upgrade(cfg, "head")
        command.downgrade(cfg, "base")
        engine = create_engine(url)
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
        engine.dispose()
        command.upgrade(cfg, "head")
        command.check(cfg)
    finally:
        drop_database(name)


def test_sqlite_upgrade_check_downgrade(tmp_path):
    url = f"sqlite:///{tmp_path / 'aae.db'}"
    cfg = alembic_config(url)
    command.upgrade(cfg, "head")
    command.check(cfg)
    command.downgrade(cfg, "base")
    engine = create_engine(url)
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    engine.dispose()


def test_every_constraint_is_named(database_url):
    engine = create_engine(database_url)
    try:
        insp = inspect(engine)
        for table in metadata.tables:
            for fk in insp.get_foreign_keys(table):
                assert fk["name"].startswith("fk_"), (table, fk)
            for uq in insp.get_unique_constraints(table):
                assert uq["name"].startswith("uq_"), (table, uq)
    finally:
        engine.dispose()
