"""Settings for both runtime shapes.

Every adapter has an embedded default so `make run` needs no outside service; production
(`AAE_ENV=production`) refuses the embedded-only adapters and placeholder secrets at start.
"""

from __future__ import annotations

import base64
import os
from decimal import Decimal
from enum import StrEnum
from functools import lru_cache
from pathlib import Path

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# Well-known development values. They work out of the box and are refused in production.
DEV_SECRET_KEY = "dev-secret-key-change-me-0123456789abcdef"
DEV_ENCRYPTION_KEY = base64.urlsafe_b64encode(b"dev-encryption-key-32-bytes!!!!!").decode()
DEV_SERVICE_TOKEN = "dev-service-token"
DEV_STRIPE_WEBHOOK_SECRET = "whsec_dev_local_checkout"


class Environment(StrEnum):
    DEVELOPMENT = "development"
    TEST = "test"
    PRODUCTION = "production"


class StorageBackend(StrEnum):
    LOCAL = "local"
    S3 = "s3"


class PaymentsBackend(StrEnum):
    LOCAL = "local"
    STRIPE = "stripe"


class EmailBackend(StrEnum):
    CONSOLE = "console"
    SMTP = "smtp"


class AgentBackend(StrEnum):
    DEMO = "demo"
    REMOTE = "remote"
    LLM = "llm"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="AAE_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    env: Environment = Environment.DEVELOPMENT
    public_url: str = "http://127.0.0.1:3000"

    # Database: embedded SQLite by default, MySQL 8 / MariaDB in production and tests.
    database_url: str = f"sqlite:///{PROJECT_ROOT / 'data' / 'aae.db'}"
    db_pool_size: int = 20
    db_max_overflow: int = 10
    db_pool_recycle_seconds: int = 1800
    # A ping before every checkout costs a round trip per transaction; recycling connections well
    # inside the server's wait_timeout avoids most stale ones. Turn on behind flaky proxies.
    db_pool_pre_ping: bool = False
    db_pool_timeout_seconds: int = 30
    db_echo: bool = False
    # Worker threads for blocking work in the web process (each API request takes one hop; see
    # docs/api.md). More threads than the pool has connections only queue, and dozens of threads
    # doing pure-Python MySQL I/O spend their time handing the GIL around: measured in bench/api.py.
    api_worker_threads: int = Field(default=16, ge=1, le=256)

    # Redis: caches, rate limits, revocation, dramatiq broker, Reflex state. None = in-process.
    redis_url: str | None = None

    # Secrets.
    secret_key: str = DEV_SECRET_KEY
    # "kid:base64key" pairs separated by commas; the first one encrypts, all of them decrypt.
    encryption_keys: str = f"k1:{DEV_ENCRYPTION_KEY}"
    service_token: str = DEV_SERVICE_TOKEN
    access_token_ttl_seconds: int = 3600
    refresh_token_ttl_seconds: int = 30 * 24 * 3600

    # Sign-in. Google OIDC when a client id is configured, else the embedded dev login.
    google_client_id: str | None = None
    google_client_secret: str | None = None
    google_metadata_url: str = "https://accounts.google.com/.well-known/openid-configuration"
    dev_login_enabled: bool = True

    # Storage.
    storage_backend: StorageBackend = StorageBackend.LOCAL
    storage_local_dir: Path = PROJECT_ROOT / "data" / "files"
    s3_endpoint_url: str | None = None
    s3_region: str = "us-east-1"
    s3_access_key_id: str | None = None
    s3_secret_access_key: str | None = None
    s3_creatives_bucket: str = "aae-creatives"
    s3_landing_pages_bucket: str = "aae-landing-pages"
    s3_exports_bucket: str = "aae-exports"
    cdn_base_url: str | None = None
    cloudfront_distribution_id: str | None = None

    # Payments.
    payments_backend: PaymentsBackend = PaymentsBackend.LOCAL
    stripe_secret_key: str | None = None
    stripe_webhook_secret: str = DEV_STRIPE_WEBHOOK_SECRET
    stripe_api_base: str | None = None

    # Email.
    email_backend: EmailBackend = EmailBackend.CONSOLE
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 25
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_use_tls: bool = False
    email_from: str = "AAE Web Platform <no-reply@aae.local>"

    # Ad platforms: "sandbox" is the embedded simulator.
    ad_platforms: str = "sandbox"
    meta_app_id: str | None = None
    meta_app_secret: str | None = None
    meta_graph_url: str = "https://graph.facebook.com/v27.0"

    # AI agent.
    agent_backend: AgentBackend = AgentBackend.DEMO
    orchestrator_url: str | None = None
    llm_base_url: str | None = None
    llm_model: str | None = None
    llm_api_key: str | None = None

    # Credits.
    low_balance_warning: Decimal = Decimal("50")
    low_balance_critical: Decimal = Decimal("10")

    # Limits.
    rate_limit_api: str = "100/minute"
    rate_limit_mcp: str = "200/minute"
    rate_limit_upload: str = "10/minute"
    max_upload_bytes: int = 100 * 1024 * 1024

    # Jobs.
    jobs_inline_worker: bool = Field(
        default=True, description="Run an in-process worker when no Redis broker is configured."
    )
    jobs_redis_namespace: str = Field(default="aae", description="Prefix of the job queues' keys in Redis.")
    jobs_heartbeat_timeout_ms: int = Field(
        default=60_000, ge=1_000,
        description="A worker silent this long counts as dead; its unacknowledged jobs are redelivered.",
    )
    jobs_maintenance_chance: int = Field(
        default=1_000, ge=0, le=1_000_000,
        description="Broker commands per million that look for dead workers' jobs to redeliver.",
    )

    @property
    def is_production(self) -> bool:
        return self.env is Environment.PRODUCTION

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def google_login_enabled(self) -> bool:
        return bool(self.google_client_id and self.google_client_secret)

    @property
    def dev_login_allowed(self) -> bool:
        return self.dev_login_enabled and not self.is_production

    @property
    def secure_cookies(self) -> bool:
        return self.public_url.startswith("https://")

    @model_validator(mode="after")
    def _refuse_embedded_in_production(self) -> Settings:
        if self.is_production:
            problems = production_problems(self)
            if problems:
                raise ValueError(
                    "AAE_ENV=production refuses these settings:\n  - " + "\n  - ".join(problems)
                )
        return self


def production_problems(s: Settings) -> list[str]:
    """Every embedded-only adapter and placeholder secret, each naming its setting."""
    problems: list[str] = []
    if s.database_url.startswith("sqlite"):
        problems.append("AAE_DATABASE_URL: the embedded SQLite database is for development only")
    if s.secret_key == DEV_SECRET_KEY or len(s.secret_key) < 32:
        problems.append("AAE_SECRET_KEY: placeholder or shorter than 32 characters")
    if DEV_ENCRYPTION_KEY in s.encryption_keys:
        problems.append("AAE_ENCRYPTION_KEYS: contains the development key")
    if s.service_token == DEV_SERVICE_TOKEN or len(s.service_token) < 32:
        problems.append("AAE_SERVICE_TOKEN: placeholder or shorter than 32 characters")
    if not s.redis_url:
        problems.append("AAE_REDIS_URL: required in production (rate limits, jobs, state)")
    if s.storage_backend is StorageBackend.LOCAL:
        problems.append("AAE_STORAGE_BACKEND: 'local' is for development only; use 's3'")
    if s.payments_backend is PaymentsBackend.LOCAL:
        problems.append("AAE_PAYMENTS_BACKEND: the local checkout simulator is for development only")
    if s.payments_backend is PaymentsBackend.STRIPE and not s.stripe_secret_key:
        problems.append("AAE_STRIPE_SECRET_KEY: required with the stripe payments backend")
    if s.stripe_webhook_secret == DEV_STRIPE_WEBHOOK_SECRET:
        problems.append("AAE_STRIPE_WEBHOOK_SECRET: placeholder")
    if s.email_backend is EmailBackend.CONSOLE:
        problems.append("AAE_EMAIL_BACKEND: 'console' is for development only; use 'smtp'")
    if "sandbox" in [p.strip() for p in s.ad_platforms.split(",")]:
        problems.append("AAE_AD_PLATFORMS: the 'sandbox' platform is for development only")
    if s.agent_backend is AgentBackend.DEMO:
        problems.append("AAE_AGENT_BACKEND: the offline demo agent is for development only")
    if not s.google_login_enabled:
        problems.append("AAE_GOOGLE_CLIENT_ID / AAE_GOOGLE_CLIENT_SECRET: Google sign-in is required")
    if not s.public_url.startswith("https://"):
        problems.append("AAE_PUBLIC_URL: must be https in production")
    return problems


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()


def reset_settings_cache() -> None:
    """Tests and scripts that change AAE_* variables call this to re-read them."""
    get_settings.cache_clear()


def env_flag(name: str) -> bool:
    return os.environ.get(name, "").lower() in {"1", "true", "yes"}
