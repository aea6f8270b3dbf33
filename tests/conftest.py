"""Test harness on real MariaDB and Redis.

A fresh MariaDB database per run is built with `alembic upgrade head` (never create_all), so
the migrations are tested by every run. Each test gets a session inside a transaction that is
rolled back; tests that need real commits (concurrency) use `committed_engine` and clean up
with their own users.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Iterator

import pymysql
import pytest
import redis as redis_lib
from alembic import command
from alembic.config import Config
from hypothesis import HealthCheck, settings as hypothesis_settings
from sqlalchemy.engine import Engine
from sqlmodel import Session

from backend import config as config_module
from backend.config import PROJECT_ROOT
from backend.db import make_engine, set_engine

hypothesis_settings.register_profile(
    "default",
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

MYSQL_HOST = os.environ.get("AAE_TEST_MYSQL_HOST", "127.0.0.1")
MYSQL_PORT = int(os.environ.get("AAE_TEST_MYSQL_PORT", "3306"))
MYSQL_USER = os.environ.get("AAE_TEST_MYSQL_USER", "root")
MYSQL_PASSWORD = os.environ.get("AAE_TEST_MYSQL_PASSWORD", "")
REDIS_URL = os.environ.get("AAE_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")

os.environ.setdefault("AAE_ENV", "test")
# Tests run jobs explicitly; the app's lifespan must not start a worker or the scheduler.
os.environ.setdefault("AAE_JOBS_INLINE_WORKER", "false")
# Files written by code under test go to a throwaway directory, never into the work tree.
os.environ.setdefault("AAE_STORAGE_LOCAL_DIR", tempfile.mkdtemp(prefix="aae-test-files-"))

pytest_plugins = ["tests.support.aws"]


def mysql_url(database: str) -> str:
    auth = MYSQL_USER + (f":{MYSQL_PASSWORD}" if MYSQL_PASSWORD else "")
    return f"mysql+pymysql://{auth}@{MYSQL_HOST}:{MYSQL_PORT}/{database}?charset=utf8mb4"


def _admin() -> pymysql.Connection:
    return pymysql.connect(host=MYSQL_HOST, port=MYSQL_PORT, user=MYSQL_USER, password=MYSQL_PASSWORD)


def create_database(name: str) -> None:
    with _admin() as conn, conn.cursor() as cur:
        cur.execute(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")


def drop_database(name: str) -> None:
    with _admin() as conn, conn.cursor() as cur:
        cur.execute(f"DROP DATABASE IF EXISTS `{name}`")


def alembic_config(url: str) -> Config:
    cfg = Config(str(PROJECT_ROOT / "alembic.ini"))
    cfg.attributes["database_url"] = url
    cfg.attributes["configure_logger"] = False
    return cfg


@pytest.fixture(scope="session")
def database_url() -> Iterator[str]:
    name = f"aae_test_{uuid.uuid4().hex[:10]}"
    create_database(name)
    url = mysql_url(name)
    command.upgrade(alembic_config(url), "head")
    yield url
    drop_database(name)


@pytest.fixture(scope="session")
def committed_engine(database_url: str) -> Iterator[Engine]:
    """The test database's engine; what is committed through it stays for the run."""
    previous = os.environ.get("AAE_DATABASE_URL")
    os.environ["AAE_DATABASE_URL"] = database_url
    config_module.reset_settings_cache()
    engine = make_engine(database_url, pool_size=40, max_overflow=20)
    set_engine(engine)
    yield engine
    set_engine(None)
    engine.dispose()
    if previous is None:
        os.environ.pop("AAE_DATABASE_URL", None)
    else:
        os.environ["AAE_DATABASE_URL"] = previous
    config_module.reset_settings_cache()


@pytest.fixture()
def session(committed_engine: Engine) -> Iterator[Session]:
    """A session whose whole test runs inside one transaction that is rolled back.

    Code under test may commit: with `join_transaction_mode="create_savepoint"` its commits
    only release savepoints inside the outer transaction.
    """
    connection = committed_engine.connect()
    outer = connection.begin()
    db = Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
    try:
        yield db
    finally:
        db.close()
        outer.rollback()
        connection.close()


@pytest.fixture(scope="session")
def redis_client() -> Iterator[redis_lib.Redis]:
    client = redis_lib.Redis.from_url(REDIS_URL)
    client.ping()
    client.flushdb()
    yield client
    client.flushdb()
    client.close()


@pytest.fixture()
def inline_worker_allowed(monkeypatch):
    """The suite turns the embedded worker off (AAE_JOBS_INLINE_WORKER=false); these tests need it."""
    from backend import config as config_module

    monkeypatch.setenv("AAE_JOBS_INLINE_WORKER", "true")
    config_module.reset_settings_cache()
    yield
    monkeypatch.undo()
    config_module.reset_settings_cache()
