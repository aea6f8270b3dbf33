"""data_exports.progress: the export job's progress, 0-100

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 19:15:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column('data_exports', sa.Column('progress', sa.Integer(), server_default=sa.text('0'), nullable=False))
    # Exports finished before this column existed were complete.
    op.execute("UPDATE data_exports SET progress = 100 WHERE status IN ('ready', 'expired')")


def downgrade() -> None:
    op.drop_column('data_exports', 'progress')
