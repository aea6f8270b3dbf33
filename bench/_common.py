"""Shared helpers for the benchmarks: a fresh MariaDB database and latency statistics."""

from __future__ import annotations

import os
import statistics
import sys
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

MYSQL_HOST = os.environ.get("AAE_TEST_MYSQL_HOST", "127.0.0.1")
MYSQL_PORT = int(os.environ.get("AAE_TEST_MYSQL_PORT", "3306"))


def fresh_database() -> tuple[str, str]:
    """Create a database migrated to head; returns (name, SQLAlchemy URL)."""
    from alembic import command

    from tests.conftest import alembic_config, create_database, mysql_url

    name = f"aae_bench_{uuid.uuid4().hex[:8]}"
    create_database(name)
    url = mysql_url(name)
    command.upgrade(alembic_config(url), "head")
    return name, url


def percentile(samples: list[float], pct: float) -> float:
    if not samples:
        return float("nan")
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[index]


def summary(name: str, count: int, seconds: float, latencies: list[float]) -> dict:
    return {
        "name": name,
        "ops": count,
        "seconds": seconds,
        "ops_per_s": count / seconds if seconds else 0.0,
        "p50_ms": percentile(latencies, 50) * 1000,
        "p99_ms": percentile(latencies, 99) * 1000,
        "mean_ms": statistics.fmean(latencies) * 1000 if latencies else float("nan"),
    }
