"""get_platform: only enabled, implemented platforms; instances follow the settings."""

from __future__ import annotations

import pytest

from backend import config
from backend.integrations import ad_platforms as registry
from backend.integrations.ad_platforms import (
    AdPlatform,
    PlatformAuthError,
    PlatformError,
    PlatformNotAvailable,
    enabled_platforms,
    get_platform,
    register_platform,
)
from backend.integrations.ad_platforms.meta import MetaPlatform
from backend.integrations.ad_platforms.sandbox import SandboxPlatform
from backend.errors import AdAccountTokenExpired


@pytest.fixture()
def platforms_env(monkeypatch):
    def apply(**env: str) -> None:
        for name, value in env.items():
            monkeypatch.setenv(f"AAE_{name.upper()}", value)
        config.reset_settings_cache()

    yield apply
    monkeypatch.undo()
    config.reset_settings_cache()


class TestGetPlatform:
    def test_sandbox_is_the_embedded_default(self, platforms_env):
        platforms_env(ad_platforms="sandbox")
        assert enabled_platforms() == ["sandbox"]
        assert isinstance(get_platform("sandbox"), SandboxPlatform)
        assert get_platform("sandbox") is get_platform("sandbox")

    def test_meta_from_settings(self, platforms_env):
        platforms_env(ad_platforms="meta, sandbox", meta_app_id="123", meta_app_secret="shh",
                      meta_graph_url="http://127.0.0.1:1/v27.0")
        assert enabled_platforms() == ["meta", "sandbox"]
        meta = get_platform("meta")
        assert isinstance(meta, MetaPlatform)
        assert (meta.app_id, meta.graph_url, meta.dialog_url) == (
            "123", "http://127.0.0.1:1/v27.0", "https://www.facebook.com/v27.0/dialog/oauth")

    def test_meta_without_credentials_is_an_error(self, platforms_env):
        platforms_env(ad_platforms="meta")
        with pytest.raises(PlatformError):
            get_platform("meta")

    @pytest.mark.parametrize("name", ["tiktok", "google", "myspace", "meta"])
    def test_not_enabled_or_not_implemented(self, platforms_env, name):
        platforms_env(ad_platforms="sandbox,tiktok,google")
        assert enabled_platforms() == ["sandbox"]  # listed but not implemented yet
        with pytest.raises(PlatformNotAvailable) as caught:
            get_platform(name)
        assert caught.value.code == "4000" and caught.value.details["platform"] == name

    def test_settings_reload_builds_a_new_instance(self, platforms_env):
        platforms_env(ad_platforms="sandbox")
        first = get_platform("sandbox")
        platforms_env(ad_platforms="sandbox")
        assert get_platform("sandbox") is not first

    def test_register_a_new_platform(self, platforms_env, monkeypatch):
        monkeypatch.setattr(registry, "_FACTORIES", dict(registry._FACTORIES))  # leave no trace

        class Fake(SandboxPlatform):
            name = "fakeplatform"

        register_platform("fakeplatform", lambda settings: Fake())
        platforms_env(ad_platforms="fakeplatform")
        assert isinstance(get_platform("fakeplatform"), AdPlatform)


class TestErrors:
    def test_auth_error_is_the_seed_6001_and_a_platform_error(self):
        error = PlatformAuthError("expired")
        assert isinstance(error, AdAccountTokenExpired) and isinstance(error, PlatformError)
        envelope = error.to_envelope("req-1")["error"]
        assert (envelope["code"], envelope["type"]) == ("6001", "AD_ACCOUNT_TOKEN_EXPIRED")
