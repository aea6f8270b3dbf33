"""Migration 0005 moves an unfinished export's lease out of `expires_at` (where the stuck-export
sweeper first kept it) into `lease_expires_at`, and back on downgrade."""

from __future__ import annotations

from alembic import command
from sqlalchemy import create_engine, text

from tests.conftest import alembic_config

LEASE = "2026-11-27 10:15:00.000000"
LINK = "2026-11-28 09:00:00.000000"
ROWS = {1: ("pending", LEASE), 2: ("running", LEASE), 3: ("ready", LINK), 4: ("failed", None)}


def _exports(engine, columns: str) -> dict[int, tuple]:
    with engine.connect() as conn:
        rows = conn.execute(text(f"SELECT id, {columns} FROM data_exports ORDER BY id")).all()
    return {row[0]: tuple(str(v) if v is not None else None for v in row[1:]) for row in rows}


def test_the_lease_moves_to_its_own_column_and_back(tmp_path):
    url = f"sqlite:///{tmp_path / 'aae.db'}"
    cfg = alembic_config(url)
    command.upgrade(cfg, "0004")
    engine = create_engine(url)
    try:
        with engine.begin() as conn:  # SQLite does not enforce the user foreign key here
            for export_id, (status, expires_at) in ROWS.items():
                conn.execute(text("INSERT INTO data_exports (id, user_id, status, progress, expires_at, created_at)"
                                  " VALUES (:id, 1, :status, 0, :expires_at, '2026-11-27 09:00:00.000000')"),
                             {"id": export_id, "status": status, "expires_at": expires_at})

        command.upgrade(cfg, "0005")
        assert _exports(engine, "expires_at, lease_expires_at") == {
            1: (None, LEASE), 2: (None, LEASE), 3: (LINK, None), 4: (None, None)}

        command.downgrade(cfg, "0004")
        assert _exports(engine, "expires_at") == {1: (LEASE,), 2: (LEASE,), 3: (LINK,), 4: (None,)}
    finally:
        engine.dispose()
