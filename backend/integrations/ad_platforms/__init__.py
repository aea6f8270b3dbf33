"""Ad platform adapters behind one interface (base.AdPlatform), picked by name.

Implemented: "sandbox" (embedded default, no network) and "meta" (Marketing API). TikTok and
Google Ads are not implemented yet; `AAE_AD_PLATFORMS` lists the ones this deployment offers.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from backend.config import Settings, get_settings
from backend.integrations.ad_platforms.base import (
    AdPlatform,
    CampaignChanges,
    CampaignResult,
    CampaignSpec,
    CampaignState,
    MetricRow,
    MetricsLevel,
    PlatformAccount,
    PlatformAuthError,
    PlatformError,
    PlatformNotAvailable,
    PlatformTransientError,
    TokenSet,
)

__all__ = [
    "AdPlatform", "CampaignChanges", "CampaignResult", "CampaignSpec", "CampaignState", "MetricRow",
    "MetricsLevel", "PlatformAccount", "PlatformAuthError", "PlatformError", "PlatformNotAvailable",
    "PlatformTransientError", "TokenSet", "enabled_platforms", "get_platform", "register_platform",
]


def _sandbox(settings: Settings) -> AdPlatform:
    from backend.integrations.ad_platforms.sandbox import SandboxPlatform

    return SandboxPlatform()


def _meta(settings: Settings) -> AdPlatform:
    from backend.integrations.ad_platforms.meta import MetaPlatform

    return MetaPlatform.from_settings(settings)


_FACTORIES: dict[str, Callable[[Settings], AdPlatform]] = {"sandbox": _sandbox, "meta": _meta}
NOT_IMPLEMENTED = frozenset({"tiktok", "google"})
_instances: dict[str, tuple[Settings, AdPlatform]] = {}
_lock = threading.Lock()


def register_platform(name: str, factory: Callable[[Settings], AdPlatform]) -> None:
    """Add (or replace) an implementation; the next adapters (tiktok, google) plug in here."""
    with _lock:
        _FACTORIES[name] = factory
        _instances.pop(name, None)


def enabled_platforms(settings: Settings | None = None) -> list[str]:
    """The platforms this deployment offers, in the order of AAE_AD_PLATFORMS."""
    settings = settings or get_settings()
    return [name for name in (p.strip() for p in settings.ad_platforms.split(",")) if name in _FACTORIES]


def get_platform(name: str) -> AdPlatform:
    """The adapter for an enabled platform; PlatformNotAvailable (4000) for any other name."""
    settings = get_settings()
    if name not in enabled_platforms(settings):
        reason = "not implemented yet" if name in NOT_IMPLEMENTED else "not enabled in AAE_AD_PLATFORMS"
        raise PlatformNotAvailable(details={"platform": name, "reason": reason})
    with _lock:
        cached = _instances.get(name)
        if cached is None or cached[0] is not settings:  # rebuilt when the settings are reloaded
            cached = _instances[name] = (settings, _FACTORIES[name](settings))
        return cached[1]
