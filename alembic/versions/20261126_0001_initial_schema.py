"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-26 16:23:51.999261
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel  # noqa: F401  (autogenerate may render sqlmodel types)
from alembic import op

import backend.models.base  # noqa: F401  (custom column types)
from sqlalchemy.dialects import mysql

revision: str = '0001'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('credit_config',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('gemini_flash_input_rate', sa.Numeric(precision=10, scale=4), nullable=False),
    sa.Column('gemini_flash_output_rate', sa.Numeric(precision=10, scale=4), nullable=False),
    sa.Column('gemini_pro_input_rate', sa.Numeric(precision=10, scale=4), nullable=False),
    sa.Column('gemini_pro_output_rate', sa.Numeric(precision=10, scale=4), nullable=False),
    sa.Column('image_generation_rate', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('video_generation_rate', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('landing_page_rate', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('competitor_analysis_rate', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('optimization_suggestion_rate', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('registration_bonus', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('packages', sa.JSON(), nullable=False),
    sa.Column('created_at', backend.models.base.UTCDateTime(), nullable=False),
    sa.Column('updated_by', sa.String(length=255), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('stripe_events',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('event_id', sa.String(length=255), nullable=False),
    sa.Column('type', sa.String(length=100), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('created_at', backend.models.base.UTCDateTime(), nullable=False),
    sa.Column('handled_at', backend.models.base.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('event_id')
    )
    op.create_table('users',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('email', sa.String(length=255), nullable=False),
    sa.Column('display_name', sa.String(length=255), nullable=False),
    sa.Column('avatar_url', sa.String(length=512), nullable=True),
    sa.Column('oauth_provider', sa.String(length=50), nullable=False),
    sa.Column('oauth_id', sa.String(length=255), nullable=False),
    sa.Column('gifted_credits', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('purchased_credits', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('credit_debt', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('language', sa.String(length=10), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('notification_preferences', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('created_at', backend.models.base.UTCDateTime(), nullable=False),
    sa.Column('updated_at', backend.models.base.UTCDateTime(), nullable=False),
    sa.Column('last_login_at', backend.models.base.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('email'),
    sa.UniqueConstraint('oauth_provider', 'oauth_id')
    )
    op.create_table('ad_accounts',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('user_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('platform', sa.String(length=20), nullable=False),
    sa.Column('platform_account_id', sa.String(length=128), nullable=False),
    sa.Column('account_name', sa.String(length=255), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('access_token_encrypted', sa.Text(), nullable=False),
    sa.Column('refresh_token_encrypted', sa.Text(), nullable=True),
    sa.Column('token_expires_at', backend.models.base.UTCDateTime(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('needs_attention', sa.Boolean(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('created_at', backend.models.base.UTCDateTime(), nullable=False),
    sa.Column('updated_at', backend.models.base.UTCDateTime(), nullable=False),
    sa.Column('last_synced_at', backend.models.base.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('user_id', 'platform', 'platform_account_id')
    )
    op.create_index(op.f('ix_ad_accounts_token_expires_at'), 'ad_accounts', ['token_expires_at'], unique=False)
    op.create_index(op.f('ix_ad_accounts_user_id'), 'ad_accounts', ['user_id'], unique=False)
    op.create_table('api_tokens',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('user_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('token_prefix', sa.String(length=16), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', backend.models.base.UTCDateTime(), nullable=False),
    sa.Column('last_used_at', backend.models.base.UTCDateTime(), nullable=True),
    sa.Column('revoked_at', backend.models.base.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token_hash')
    )
    op.create_index(op.f('ix_api_tokens_user_id'), 'api_tokens', ['user_id'], unique=False)
    op.create_table('audit_log',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('user_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('ip', sa.String(length=64), nullable=True),
    sa.Column('user_agent', sa.String(length=512), nullable=True),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.Column('created_at', backend.models.base.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_audit_log_action'), 'audit_log', ['action'], unique=False)
    op.create_index('ix_audit_log_user_created', 'audit_log', ['user_id', 'created_at'], unique=False)
    op.create_table('chat_messages',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('user_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('conversation_id', sa.String(length=36), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('content', sa.Text().with_variant(mysql.MEDIUMTEXT(), 'mariadb').with_variant(mysql.MEDIUMTEXT(), 'mysql'), nullable=False),
    sa.Column('tool_calls', sa.JSON(), nullable=False),
    sa.Column('media', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('credits_charged', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('created_at', backend.models.base.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_chat_messages_user_conversation', 'chat_messages', ['user_id', 'conversation_id', 'id'], unique=False)
    op.create_table('creatives',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('user_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('storage_key', sa.String(length=512), nullable=False),
    sa.Column('file_url', sa.String(length=1024), nullable=False),
    sa.Column('cdn_url', sa.String(length=1024), nullable=False),
    sa.Column('file_type', sa.String(length=10), nullable=False),
    sa.Column('mime_type', sa.String(length=100), nullable=False),
    sa.Column('file_size', sa.BigInteger(), nullable=False),
    sa.Column('product_url', sa.String(length=1024), nullable=True),
    sa.Column('style', sa.String(length=64), nullable=True),
    sa.Column('score', sa.Float(), nullable=True),
    sa.Column('tags', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('created_at', backend.models.base.UTCDateTime(), nullable=False),
    sa.Column('updated_at', backend.models.base.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_creatives_user_id'), 'creatives', ['user_id'], unique=False)
    op.create_index('ix_creatives_user_status_created', 'creatives', ['user_id', 'status', 'created_at'], unique=False)
    op.create_table('credit_holds',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('user_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('operation_id', sa.String(length=128), nullable=False),
    sa.Column('operation_type', sa.String(length=64), nullable=False),
    sa.Column('amount_held', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('from_gifted', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('from_purchased', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('actual_amount', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('uncollected', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('created_at', backend.models.base.UTCDateTime(), nullable=False),
    sa.Column('resolved_at', backend.models.base.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('user_id', 'operation_id')
    )
    op.create_index(op.f('ix_credit_holds_status'), 'credit_holds', ['status'], unique=False)
    op.create_table('credit_orders',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('user_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('package_id', sa.String(length=64), nullable=False),
    sa.Column('credits', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('amount_cents', sa.Integer(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('checkout_session_id', sa.String(length=255), nullable=True),
    sa.Column('payment_intent_id', sa.String(length=255), nullable=True),
    sa.Column('credits_reversed', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('created_at', backend.models.base.UTCDateTime(), nullable=False),
    sa.Column('paid_at', backend.models.base.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('checkout_session_id')
    )
    op.create_index(op.f('ix_credit_orders_payment_intent_id'), 'credit_orders', ['payment_intent_id'], unique=False)
    op.create_index(op.f('ix_credit_orders_user_id'), 'credit_orders', ['user_id'], unique=False)
    op.create_table('credit_transactions',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('user_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('type', sa.String(length=20), nullable=False),
    sa.Column('amount', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('from_gifted', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('from_purchased', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('balance_after', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('gifted_after', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('purchased_after', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('operation_type', sa.String(length=64), nullable=True),
    sa.Column('operation_id', sa.String(length=128), nullable=True),
    sa.Column('idempotency_key', sa.String(length=191), nullable=True),
    sa.Column('original_operation_id', sa.String(length=128), nullable=True),
    sa.Column('credit_config_id', sa.Integer(), nullable=True),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.Column('created_at', backend.models.base.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('user_id', 'idempotency_key')
    )
    op.create_index('ix_credit_transactions_user_created', 'credit_transactions', ['user_id', 'created_at'], unique=False)
    op.create_table('data_exports',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('user_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('storage_key', sa.String(length=512), nullable=True),
    sa.Column('expires_at', backend.models.base.UTCDateTime(), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('created_at', backend.models.base.UTCDateTime(), nullable=False),
    sa.Column('completed_at', backend.models.base.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_data_exports_expires_at'), 'data_exports', ['expires_at'], unique=False)
    op.create_index(op.f('ix_data_exports_user_id'), 'data_exports', ['user_id'], unique=False)
    op.create_table('email_outbox',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('user_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('to_address', sa.String(length=255), nullable=False),
    sa.Column('subject', sa.String(length=255), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('created_at', backend.models.base.UTCDateTime(), nullable=False),
    sa.Column('sent_at', backend.models.base.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_email_outbox_user_id'), 'email_outbox', ['user_id'], unique=False)
    op.create_table('job_failures',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('actor_name', sa.String(length=128), nullable=False),
    sa.Column('message_id', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('args', sa.JSON(), nullable=False),
    sa.Column('error', sa.Text(), nullable=False),
    sa.Column('retries', sa.Integer(), nullable=False),
    sa.Column('created_at', backend.models.base.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('message_id')
    )
    op.create_index(op.f('ix_job_failures_actor_name'), 'job_failures', ['actor_name'], unique=False)
    op.create_index(op.f('ix_job_failures_user_id'), 'job_failures', ['user_id'], unique=False)
    op.create_table('landing_pages',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('user_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('url', sa.String(length=1024), nullable=False),
    sa.Column('s3_key', sa.String(length=512), nullable=False),
    sa.Column('product_url', sa.String(length=1024), nullable=False),
    sa.Column('template', sa.String(length=32), nullable=False),
    sa.Column('language', sa.String(length=10), nullable=False),
    sa.Column('html_content', sa.Text().with_variant(mysql.MEDIUMTEXT(), 'mariadb').with_variant(mysql.MEDIUMTEXT(), 'mysql'), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('created_at', backend.models.base.UTCDateTime(), nullable=False),
    sa.Column('updated_at', backend.models.base.UTCDateTime(), nullable=False),
    sa.Column('published_at', backend.models.base.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_landing_pages_user_id'), 'landing_pages', ['user_id'], unique=False)
    op.create_table('notifications',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('user_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('type', sa.String(length=20), nullable=False),
    sa.Column('category', sa.String(length=64), nullable=False),
    sa.Column('title', sa.String(length=255), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('action_url', sa.String(length=1024), nullable=True),
    sa.Column('action_text', sa.String(length=100), nullable=True),
    sa.Column('is_read', sa.Boolean(), nullable=False),
    sa.Column('read_at', backend.models.base.UTCDateTime(), nullable=True),
    sa.Column('sent_via', sa.JSON(), nullable=False),
    sa.Column('metadata', sa.JSON(), nullable=False),
    sa.Column('created_at', backend.models.base.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_notifications_user_read_created', 'notifications', ['user_id', 'is_read', 'created_at'], unique=False)
    op.create_table('refresh_tokens',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('user_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('family_id', sa.String(length=36), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('expires_at', backend.models.base.UTCDateTime(), nullable=False),
    sa.Column('created_at', backend.models.base.UTCDateTime(), nullable=False),
    sa.Column('used_at', backend.models.base.UTCDateTime(), nullable=True),
    sa.Column('revoked_at', backend.models.base.UTCDateTime(), nullable=True),
    sa.Column('ip', sa.String(length=64), nullable=True),
    sa.Column('user_agent', sa.String(length=512), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token_hash')
    )
    op.create_index(op.f('ix_refresh_tokens_family_id'), 'refresh_tokens', ['family_id'], unique=False)
    op.create_index(op.f('ix_refresh_tokens_user_id'), 'refresh_tokens', ['user_id'], unique=False)
    op.create_table('campaigns',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('user_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('ad_account_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('platform', sa.String(length=20), nullable=False),
    sa.Column('platform_campaign_id', sa.String(length=128), nullable=True),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('objective', sa.String(length=50), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('budget', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('budget_type', sa.String(length=20), nullable=False),
    sa.Column('targeting', sa.JSON(), nullable=False),
    sa.Column('creative_ids', sa.JSON(), nullable=False),
    sa.Column('landing_page_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('sync_status', sa.String(length=20), nullable=False),
    sa.Column('sync_error', sa.Text(), nullable=True),
    sa.Column('automation_paused', sa.Boolean(), nullable=False),
    sa.Column('created_at', backend.models.base.UTCDateTime(), nullable=False),
    sa.Column('updated_at', backend.models.base.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['ad_account_id'], ['ad_accounts.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['landing_page_id'], ['landing_pages.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_campaigns_ad_account_id'), 'campaigns', ['ad_account_id'], unique=False)
    op.create_index(op.f('ix_campaigns_landing_page_id'), 'campaigns', ['landing_page_id'], unique=False)
    op.create_index(op.f('ix_campaigns_user_id'), 'campaigns', ['user_id'], unique=False)
    op.create_table('metrics_archive',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('user_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('ad_account_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('entity_type', sa.String(length=20), nullable=False),
    sa.Column('entity_id', sa.String(length=128), nullable=False),
    sa.Column('entity_name', sa.String(length=255), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('impressions', sa.BigInteger(), nullable=False),
    sa.Column('clicks', sa.BigInteger(), nullable=False),
    sa.Column('spend', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('conversions', sa.BigInteger(), nullable=False),
    sa.Column('revenue', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('source_rows', sa.Integer(), nullable=False),
    sa.Column('created_at', backend.models.base.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['ad_account_id'], ['ad_accounts.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('ad_account_id', 'entity_type', 'entity_id', 'period_start')
    )
    op.create_index(op.f('ix_metrics_archive_ad_account_id'), 'metrics_archive', ['ad_account_id'], unique=False)
    op.create_index(op.f('ix_metrics_archive_user_id'), 'metrics_archive', ['user_id'], unique=False)
    op.create_table('metrics_daily',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('user_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('ad_account_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('entity_type', sa.String(length=20), nullable=False),
    sa.Column('entity_id', sa.String(length=128), nullable=False),
    sa.Column('entity_name', sa.String(length=255), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('impressions', sa.BigInteger(), nullable=False),
    sa.Column('clicks', sa.BigInteger(), nullable=False),
    sa.Column('spend', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('conversions', sa.BigInteger(), nullable=False),
    sa.Column('revenue', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.ForeignKeyConstraint(['ad_account_id'], ['ad_accounts.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('ad_account_id', 'entity_type', 'entity_id', 'day')
    )
    op.create_index(op.f('ix_metrics_daily_ad_account_id'), 'metrics_daily', ['ad_account_id'], unique=False)
    op.create_index('ix_metrics_daily_user_day', 'metrics_daily', ['user_id', 'day'], unique=False)
    op.create_table('report_metrics',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('timestamp', backend.models.base.UTCDateTime(), nullable=False),
    sa.Column('user_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('ad_account_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('entity_type', sa.String(length=20), nullable=False),
    sa.Column('entity_id', sa.String(length=128), nullable=False),
    sa.Column('entity_name', sa.String(length=255), nullable=False),
    sa.Column('impressions', sa.BigInteger(), nullable=False),
    sa.Column('clicks', sa.BigInteger(), nullable=False),
    sa.Column('spend', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('conversions', sa.BigInteger(), nullable=False),
    sa.Column('revenue', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('ctr', sa.Float(), nullable=False),
    sa.Column('cpc', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('cpa', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('roas', sa.Float(), nullable=False),
    sa.Column('created_at', backend.models.base.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['ad_account_id'], ['ad_accounts.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('ad_account_id', 'entity_type', 'entity_id', 'timestamp')
    )
    op.create_index(op.f('ix_report_metrics_ad_account_id'), 'report_metrics', ['ad_account_id'], unique=False)
    op.create_index(op.f('ix_report_metrics_entity_id'), 'report_metrics', ['entity_id'], unique=False)
    op.create_index(op.f('ix_report_metrics_timestamp'), 'report_metrics', ['timestamp'], unique=False)
    op.create_index(op.f('ix_report_metrics_user_id'), 'report_metrics', ['user_id'], unique=False)
    op.create_index('ix_report_metrics_user_timestamp', 'report_metrics', ['user_id', 'timestamp'], unique=False)


def downgrade() -> None:
    # Dropping a table drops its indexes; dropping them first fails on MySQL for FK-backed ones.
    op.drop_table('report_metrics')
    op.drop_table('metrics_daily')
    op.drop_table('metrics_archive')
    op.drop_table('campaigns')
    op.drop_table('refresh_tokens')
    op.drop_table('notifications')
    op.drop_table('landing_pages')
    op.drop_table('job_failures')
    op.drop_table('email_outbox')
    op.drop_table('data_exports')
    op.drop_table('credit_transactions')
    op.drop_table('credit_orders')
    op.drop_table('credit_holds')
    op.drop_table('creatives')
    op.drop_table('chat_messages')
    op.drop_table('audit_log')
    op.drop_table('api_tokens')
    op.drop_table('ad_accounts')
    op.drop_table('users')
    op.drop_table('stripe_events')
    op.drop_table('credit_config')
