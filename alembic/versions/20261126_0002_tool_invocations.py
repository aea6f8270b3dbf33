"""tool_invocations: idempotent MCP tool calls

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 20:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import backend.models.base  # noqa: F401  (custom column types)

revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('tool_invocations',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('user_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('operation_id', sa.String(length=128), nullable=False),
    sa.Column('tool', sa.String(length=64), nullable=False),
    sa.Column('request_hash', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('result', sa.JSON(), nullable=True),
    sa.Column('error', sa.JSON(), nullable=True),
    sa.Column('credits_charged', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('created_at', backend.models.base.UTCDateTime(), nullable=False),
    sa.Column('updated_at', backend.models.base.UTCDateTime(), nullable=False),
    sa.Column('completed_at', backend.models.base.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_tool_invocations_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tool_invocations')),
    sa.UniqueConstraint('user_id', 'operation_id', name=op.f('uq_tool_invocations_user_id_operation_id'))
    )


def downgrade() -> None:
    op.drop_table('tool_invocations')
