import base64
import os

import pytest
from pydantic import ValidationError

from backend.config import Environment, Settings, production_problems

STRONG = "x" * 48


def production_env(**overrides):
    values = dict(
        env="production",
        database_url="mysql+pymysql://u:p@db/aae?charset=utf8mb4",
        redis_url="redis://cache:6379/0",
        secret_key=STRONG,
        encryption_keys="k1:" + base64.urlsafe_b64encode(os.urandom(32)).decode(),
        service_token=STRONG,
        storage_backend="s3",
        payments_backend="stripe",
        stripe_secret_key="sk_live_x",
        stripe_webhook_secret="whsec_real",
        email_backend="smtp",
        ad_platforms="meta",
        agent_backend="remote",
        orchestrator_url="wss://orchestrator",
        google_client_id="cid",
        google_client_secret="csecret",
        public_url="https://app.example.com",
    )
    values.update(overrides)
    return values


class TestSettings:
    def test_embedded_defaults_need_nothing(self, monkeypatch):
        for name in list(os.environ):
            if name.startswith("AAE_"):
                monkeypatch.delenv(name)
        s = Settings(_env_file=None)
        assert s.env is Environment.DEVELOPMENT
        assert s.is_sqlite and s.dev_login_allowed and not s.google_login_enabled

    def test_complete_production_config_is_accepted(self):
        s = Settings(_env_file=None, **production_env())
        assert s.is_production and not s.dev_login_allowed and production_problems(s) == []

    @pytest.mark.parametrize(
        ("override", "setting"),
        [
            ({"database_url": "sqlite:///x.db"}, "AAE_DATABASE_URL"),
            ({"secret_key": "dev-secret-key-change-me-0123456789abcdef"}, "AAE_SECRET_KEY"),
            ({"service_token": "short"}, "AAE_SERVICE_TOKEN"),
            ({"storage_backend": "local"}, "AAE_STORAGE_BACKEND"),
            ({"payments_backend": "local"}, "AAE_PAYMENTS_BACKEND"),
            ({"email_backend": "console"}, "AAE_EMAIL_BACKEND"),
            ({"ad_platforms": "meta,sandbox"}, "AAE_AD_PLATFORMS"),
            ({"agent_backend": "demo"}, "AAE_AGENT_BACKEND"),
            ({"google_client_id": None}, "AAE_GOOGLE_CLIENT_ID"),
            ({"redis_url": None}, "AAE_REDIS_URL"),
            ({"public_url": "http://app.example.com"}, "AAE_PUBLIC_URL"),
            ({"stripe_webhook_secret": "whsec_dev_local_checkout"}, "AAE_STRIPE_WEBHOOK_SECRET"),
        ],
    )
    def test_production_refuses_embedded_adapters_naming_the_setting(self, override, setting):
        with pytest.raises(ValidationError) as info:
            Settings(_env_file=None, **production_env(**override))
        assert setting in str(info.value)

    def test_production_refuses_dev_encryption_key(self):
        from backend.config import DEV_ENCRYPTION_KEY

        with pytest.raises(ValidationError, match="AAE_ENCRYPTION_KEYS"):
            Settings(_env_file=None, **production_env(encryption_keys=f"k1:{DEV_ENCRYPTION_KEY}"))


def test_env_example_documents_every_setting():
    import re

    from backend.config import PROJECT_ROOT

    text = (PROJECT_ROOT / ".env.example").read_text()
    documented = {m.group(1) for m in re.finditer(r"^#? ?(AAE_[A-Z0-9_]+)=", text, re.M)}
    fields = {"AAE_" + name.upper() for name in Settings.model_fields}
    assert documented == fields
