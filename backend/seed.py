"""Demo data for the embedded app: `python -m backend.seed` (run by `make seed` after alembic).

Idempotent: every row has a natural key (email, platform ids, storage keys, metric day,
operation ids), so running it again adds nothing; on a later day it only adds the new days.
Metrics are deterministic per campaign and day (random.Random seeded with both), shaped by a
trend, the weekday and noise. CTR is stored in percent, as the ad platforms report it.

Today has metrics too, for the part of the (UTC) day gone by (at least TODAY_SHARE_FLOOR of a
day), so the demo dashboard opens on "today so far" rather than on zero. A later run rewrites
today's and yesterday's rows: today grows, and yesterday becomes the full day.
"""

from __future__ import annotations

import logging
import random
import struct
import zlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from sqlmodel import Session, col, select

from backend.credits import service as credits
from backend.db import unit_of_work
from backend.integrations.storage import BucketKind, get_storage
from backend.models import (
    AdAccount,
    AdAccountStatus,
    Campaign,
    CampaignStatus,
    Creative,
    CreativeStatus,
    CreativeType,
    EntityType,
    MetricsDaily,
    Platform,
    ReportMetrics,
    SyncStatus,
    User,
)
from backend.security.crypto import encrypt_token
from backend.users import service as users

logger = logging.getLogger("backend.seed")

DEMO_EMAIL = "demo@aae.local"
DEMO_NAME = "Demo Marketer"
SANDBOX_ACCOUNT_ID = "sbx-1001"
SANDBOX_ACCOUNT_NAME = "Sandbox Store US"
METRIC_DAYS = 90
TODAY_SHARE_FLOOR = 0.2  # today's share of a day's delivery just after midnight
CENT = Decimal("0.01")
# Monday..Sunday.
WEEKDAY_FACTOR = (1.04, 1.06, 1.05, 1.02, 0.97, 0.90, 0.88)


@dataclass(frozen=True)
class CampaignSeed:
    platform_id: str
    name: str
    objective: str
    status: CampaignStatus
    budget: Decimal
    daily_impressions: int  # at the start of the 90 days
    growth: float  # over the 90 days
    ctr: float  # fraction
    cpc: float
    conversion_rate: float
    order_value: float
    paused_days: int = 0  # no delivery in the last N days
    has_metrics: bool = True


CAMPAIGNS = (
    CampaignSeed("sbx-cmp-101", "Always-on Prospecting", "conversions", CampaignStatus.ACTIVE, Decimal("150.00"),
                 42_000, 0.25, 0.014, 0.62, 0.031, 58.0),
    CampaignSeed("sbx-cmp-102", "Retargeting · Cart Abandoners", "conversions", CampaignStatus.ACTIVE,
                 Decimal("60.00"), 9_000, 0.10, 0.032, 0.48, 0.072, 64.0),
    CampaignSeed("sbx-cmp-103", "Spring Sale 2026", "traffic", CampaignStatus.PAUSED, Decimal("200.00"),
                 65_000, -0.15, 0.011, 0.41, 0.018, 49.0, paused_days=14),
    CampaignSeed("sbx-cmp-104", "Brand Awareness · Video", "awareness", CampaignStatus.DRAFT, Decimal("80.00"),
                 0, 0.0, 0.0, 0.0, 0.0, 0.0, has_metrics=False),
)

CREATIVES = (
    ("Summer hero banner", "hero", (62, 99, 221), ["summer", "hero"], 86),
    ("Product close-up", "product", (110, 86, 207), ["product"], 78),
    ("Lifestyle - beach", "lifestyle", (18, 165, 148), ["lifestyle", "summer"], 72),
    ("Discount 20% square", "promo", (229, 77, 46), ["promo", "sale"], 81),
    ("Testimonial card", "social-proof", (255, 178, 36), ["ugc"], 69),
)

# (operation type, operation id, amount): fixed ids make the charges idempotent.
LEDGER = (
    ("recharge", "purchase", "seed:purchase-starter", Decimal("1000.00")),
    ("deduct", "image_generation", "seed:image-generation-1", Decimal("12.50")),
    ("deduct", "landing_page", "seed:landing-page-1", Decimal("15.00")),
    ("deduct", "competitor_analysis", "seed:competitor-analysis-1", Decimal("10.00")),
    ("deduct", "optimization_suggestion", "seed:optimization-1", Decimal("20.00")),
)


def seed(session: Session, *, today: date | None = None, now: datetime | None = None) -> User:
    now = now or datetime.now(UTC)
    today = today or now.date()
    share = today_share(now) if today == now.date() else 1.0
    user = ensure_demo_user(session)
    account = ensure_ad_account(session, user)
    creatives = ensure_creatives(session, user)
    campaigns = ensure_campaigns(session, user, account, [c.id for c in creatives])
    for spec in CAMPAIGNS:
        if spec.has_metrics:
            ensure_metrics(session, user, account, campaigns[spec.platform_id], spec, today, today_share=share)
    ensure_ledger(session, user)
    return user


def ensure_demo_user(session: Session) -> User:
    existing = users.get_by_email(session, DEMO_EMAIL)
    if existing is not None:
        return existing
    return users.sign_in(session, provider="dev", subject=DEMO_EMAIL, email=DEMO_EMAIL,
                         display_name=DEMO_NAME).user


def ensure_ad_account(session: Session, user: User) -> AdAccount:
    account = session.exec(select(AdAccount).where(
        AdAccount.user_id == user.id, AdAccount.platform == Platform.SANDBOX,
        AdAccount.platform_account_id == SANDBOX_ACCOUNT_ID)).first()
    if account is not None:
        return account
    expires = datetime.now(UTC) + timedelta(days=60)
    account = AdAccount(
        user_id=user.id,
        platform=Platform.SANDBOX,
        platform_account_id=SANDBOX_ACCOUNT_ID,
        account_name=SANDBOX_ACCOUNT_NAME,
        currency="USD",
        # Sandbox tokens carry their expiry: sbx-at-<unix seconds>-<anything>.
        access_token_encrypted=encrypt_token(f"sbx-at-{int(expires.timestamp())}-seed"),
        refresh_token_encrypted=encrypt_token("sbx-rt-seed"),
        token_expires_at=expires,
        status=AdAccountStatus.ACTIVE,
        is_active=True,
        last_synced_at=datetime.now(UTC),
    )
    session.add(account)
    session.flush()
    return account


def ensure_creatives(session: Session, user: User) -> list[Creative]:
    """Tiny PNGs through the storage adapter, under fixed keys shaped like `object_key()`'s."""
    storage = get_storage()
    result = []
    for index, (name, style, color, tags, score) in enumerate(CREATIVES, start=1):
        key = f"{BucketKind.CREATIVES}/{user.id}/seed-{index}.png"
        data = tiny_png(color)
        if storage.head(BucketKind.CREATIVES, key) is None:
            storage.put_bytes(BucketKind.CREATIVES, key, data, "image/png")
        creative = session.exec(select(Creative).where(
            Creative.user_id == user.id, Creative.storage_key == key)).first()
        file_url, cdn_url = storage.public_url(BucketKind.CREATIVES, key), storage.cdn_url(BucketKind.CREATIVES, key)
        if creative is None:
            creative = Creative(
                user_id=user.id, name=name, storage_key=key, file_url=file_url, cdn_url=cdn_url,
                file_type=CreativeType.IMAGE, mime_type="image/png", file_size=len(data), style=style,
                score=score, tags=tags, status=CreativeStatus.ACTIVE,
            )
        else:  # the public URL or CDN may have moved since the last run
            creative.file_url, creative.cdn_url = file_url, cdn_url
        session.add(creative)
        session.flush()
        result.append(creative)
    return result


def ensure_campaigns(
    session: Session, user: User, account: AdAccount, creative_ids: list[int | None]
) -> dict[str, Campaign]:
    campaigns: dict[str, Campaign] = {}
    for index, spec in enumerate(CAMPAIGNS):
        campaign = session.exec(select(Campaign).where(
            Campaign.user_id == user.id, Campaign.platform_campaign_id == spec.platform_id)).first()
        if campaign is None:
            campaign = Campaign(
                user_id=user.id, ad_account_id=account.id, platform=Platform.SANDBOX,
                platform_campaign_id=spec.platform_id, name=spec.name, objective=spec.objective,
                status=spec.status, budget=spec.budget,
                targeting={"countries": ["US"], "age_min": 25, "age_max": 54},
                creative_ids=[cid for cid in creative_ids[index:index + 2] if cid is not None],
                sync_status=SyncStatus.PENDING if spec.status == CampaignStatus.DRAFT else SyncStatus.SYNCED,
            )
            session.add(campaign)
            session.flush()
        campaigns[spec.platform_id] = campaign
    return campaigns


@dataclass(frozen=True)
class DayMetrics:
    impressions: int
    clicks: int
    spend: Decimal
    conversions: int
    revenue: Decimal


def today_share(now: datetime) -> float:
    """How much of a day's delivery today has had by `now` (UTC), at least TODAY_SHARE_FLOOR."""
    elapsed = (now.astimezone(UTC) - datetime.combine(now.astimezone(UTC).date(), time.min, tzinfo=UTC))
    return min(1.0, max(TODAY_SHARE_FLOOR, elapsed / timedelta(days=1)))


def day_metrics(spec: CampaignSeed, day: date, *, position: float, share: float = 1.0) -> DayMetrics:
    """One campaign-day; `position` runs 0 → 1 across the 90 days (the trend); `share` < 1 is the
    part of the day delivered so far (the same day's numbers, scaled)."""
    rng = random.Random(f"{spec.platform_id}:{day.isoformat()}")
    volume = spec.daily_impressions * (1 + spec.growth * position) * WEEKDAY_FACTOR[day.weekday()] * share
    impressions = max(0, round(volume * rng.uniform(0.85, 1.15)))
    clicks = round(impressions * spec.ctr * rng.uniform(0.85, 1.15))
    spend = Decimal(str(clicks * spec.cpc * rng.uniform(0.92, 1.08))).quantize(CENT)
    conversions = round(clicks * spec.conversion_rate * rng.uniform(0.7, 1.3))
    revenue = Decimal(str(conversions * spec.order_value * rng.uniform(0.85, 1.2))).quantize(CENT)
    return DayMetrics(impressions, clicks, spend, conversions, revenue)


def _report_values(m: DayMetrics) -> dict[str, object]:
    return {
        "impressions": m.impressions, "clicks": m.clicks, "spend": m.spend, "conversions": m.conversions,
        "revenue": m.revenue,
        "ctr": m.clicks / m.impressions if m.impressions else 0.0,  # a fraction, as reports compute it
        "cpc": (m.spend / m.clicks).quantize(CENT) if m.clicks else Decimal("0.00"),
        "cpa": (m.spend / m.conversions).quantize(CENT) if m.conversions else Decimal("0.00"),
        "roas": round(float(m.revenue / m.spend), 4) if m.spend else 0.0,
    }


def _daily_values(m: DayMetrics) -> dict[str, object]:
    return {"impressions": m.impressions, "clicks": m.clicks, "spend": m.spend, "conversions": m.conversions,
            "revenue": m.revenue}


def ensure_metrics(
    session: Session, user: User, account: AdAccount, campaign: Campaign, spec: CampaignSeed, today: date,
    *, today_share: float = 1.0,
) -> None:
    """The 90 days before `today` in full and, for a campaign still delivering, `today_share` of today.

    Older days are only added; today's and yesterday's rows are rewritten, since an earlier run
    may have stored a part of either day.
    """
    entity_id = spec.platform_id
    recent = today - timedelta(days=1)
    reports = {row.timestamp: row for row in session.exec(select(ReportMetrics).where(
        ReportMetrics.ad_account_id == account.id, ReportMetrics.entity_type == EntityType.CAMPAIGN,
        ReportMetrics.entity_id == entity_id,
        ReportMetrics.timestamp >= datetime.combine(recent, time.min, tzinfo=UTC))).all()}
    daily = {row.day: row for row in session.exec(select(MetricsDaily).where(
        MetricsDaily.ad_account_id == account.id, MetricsDaily.entity_type == EntityType.CAMPAIGN,
        MetricsDaily.entity_id == entity_id, MetricsDaily.day >= recent)).all()}
    have_reports = set(session.exec(select(ReportMetrics.timestamp).where(
        ReportMetrics.ad_account_id == account.id, ReportMetrics.entity_type == EntityType.CAMPAIGN,
        ReportMetrics.entity_id == entity_id)).all())
    have_daily = set(session.exec(select(MetricsDaily.day).where(
        MetricsDaily.ad_account_id == account.id, MetricsDaily.entity_type == EntityType.CAMPAIGN,
        MetricsDaily.entity_id == entity_id)).all())
    first = today - timedelta(days=METRIC_DAYS)
    # A paused campaign stopped delivering `paused_days` ago; the others deliver today too.
    last_offset = METRIC_DAYS if spec.paused_days == 0 else METRIC_DAYS - spec.paused_days - 1
    for offset in range(last_offset + 1):
        day = first + timedelta(days=offset)
        m = day_metrics(spec, day, position=min(1.0, offset / (METRIC_DAYS - 1)),
                        share=today_share if day == today else 1.0)
        stamp = datetime.combine(day, time.min, tzinfo=UTC)
        if stamp in reports:
            for name, value in _report_values(m).items():
                setattr(reports[stamp], name, value)
            session.add(reports[stamp])
        elif stamp not in have_reports:
            session.add(ReportMetrics(
                timestamp=stamp, user_id=user.id, ad_account_id=account.id, entity_type=EntityType.CAMPAIGN,
                entity_id=entity_id, entity_name=campaign.name, **_report_values(m)))
        if day in daily:
            for name, value in _daily_values(m).items():
                setattr(daily[day], name, value)
            session.add(daily[day])
        elif day not in have_daily:
            session.add(MetricsDaily(
                user_id=user.id, ad_account_id=account.id, entity_type=EntityType.CAMPAIGN, entity_id=entity_id,
                entity_name=campaign.name, day=day, **_daily_values(m)))
    session.flush()


def ensure_ledger(session: Session, user: User) -> None:
    """Already-applied operation ids are replayed by the ledger itself, without a second row."""
    for kind, operation_type, operation_id, amount in LEDGER:
        if kind == "recharge":
            credits.recharge(session, user_id=user.id, amount=amount, operation_id=operation_id,
                             operation_type=operation_type, details={"source": "seed"})
        else:
            credits.deduct(session, user_id=user.id, amount=amount, operation_type=operation_type,
                           operation_id=operation_id, details={"source": "seed"})


def tiny_png(rgb: tuple[int, int, int], size: int = 64) -> bytes:
    """A small diagonal-gradient PNG, built with zlib (no imaging library needed)."""
    rows = []
    for y in range(size):
        row = bytearray([0])  # filter: none
        for x in range(size):
            shade = 0.65 + 0.35 * (x + y) / (2 * size)
            row += bytes(min(255, int(c * shade + 255 * (1 - shade) * 0.3)) for c in rgb)
        rows.append(bytes(row))

    def chunk(tag: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + tag + body + struct.pack(">I", zlib.crc32(tag + body))

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"".join(rows), 9)) + chunk(b"IEND", b""))


def summary(session: Session, user: User) -> dict[str, object]:
    balance = credits.get_balance(session, user.id)
    count = lambda model: len(session.exec(select(model.id).where(col(model.user_id) == user.id)).all())  # noqa: E731
    return {
        "user": user.email,
        "balance": str(balance.total),
        "campaigns": count(Campaign),
        "creatives": count(Creative),
        "report_metrics": count(ReportMetrics),
        "metrics_daily": count(MetricsDaily),
    }


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    with unit_of_work() as session:
        user = seed(session)
        info = summary(session, user)
    logger.info("Seeded demo data: %s", ", ".join(f"{k}={v}" for k, v in info.items()))


if __name__ == "__main__":
    main()
