"""data_exports.lease_expires_at: the lease of an export's run, apart from its link's expiry

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import backend.models.base

revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

IN_PROGRESS = "status IN ('pending', 'running')"


def upgrade() -> None:
    op.add_column('data_exports', sa.Column('lease_expires_at', backend.models.base.UTCDateTime(), nullable=True))
    # Until now an unfinished export's lease was kept in expires_at: move it, so that expires_at
    # is again only when a ready export's download link expires.
    op.execute(f"UPDATE data_exports SET lease_expires_at = expires_at, expires_at = NULL WHERE {IN_PROGRESS}")


def downgrade() -> None:
    op.execute(f"UPDATE data_exports SET expires_at = lease_expires_at WHERE {IN_PROGRESS}")
    op.drop_column('data_exports', 'lease_expires_at')
