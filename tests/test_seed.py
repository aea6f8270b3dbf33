"""The demo seed (`make seed`): idempotent, 90 full days, and today so far, so the demo dashboard
never opens on zero."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlmodel import Session, col, func, select

from backend import seed as demo
from backend.models import MetricsDaily, ReportMetrics
from backend.reports import service as reports

TODAY = date(2026, 11, 26)
DELIVERING = [spec for spec in demo.CAMPAIGNS if spec.has_metrics and spec.paused_days == 0]
PAUSED = [spec for spec in demo.CAMPAIGNS if spec.paused_days]


def at(day: date, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def daily(session: Session, user_id: int, day: date) -> dict[str, MetricsDaily]:
    rows = session.exec(select(MetricsDaily).where(MetricsDaily.user_id == user_id, MetricsDaily.day == day)).all()
    return {row.entity_id: row for row in rows}


def counts(session: Session, user_id: int) -> tuple[int, int]:
    return (session.exec(select(func.count()).select_from(ReportMetrics).where(ReportMetrics.user_id == user_id)).one(),
            session.exec(select(func.count()).select_from(MetricsDaily).where(col(MetricsDaily.user_id) == user_id)).one())


def expected(spec: demo.CampaignSeed, day: date, share: float) -> demo.DayMetrics:
    offset = (day - (TODAY - timedelta(days=demo.METRIC_DAYS))).days
    return demo.day_metrics(spec, day, position=min(1.0, offset / (demo.METRIC_DAYS - 1)), share=share)


def test_today_has_the_part_of_the_day_gone_by(session: Session):
    user = demo.seed(session, now=at(TODAY, 6))
    today = daily(session, user.id, TODAY)
    assert set(today) == {spec.platform_id for spec in DELIVERING}  # not the paused or the draft campaign
    for spec in DELIVERING:
        part, full = expected(spec, TODAY, 0.25), expected(spec, TODAY, 1.0)
        assert (today[spec.platform_id].spend, today[spec.platform_id].impressions) == (part.spend, part.impressions)
        assert 0 < part.spend < full.spend
    yesterday = daily(session, user.id, TODAY - timedelta(days=1))
    for spec in DELIVERING:
        assert yesterday[spec.platform_id].spend == expected(spec, TODAY - timedelta(days=1), 1.0).spend
    for spec in PAUSED:
        last = TODAY - timedelta(days=spec.paused_days + 1)
        assert spec.platform_id in daily(session, user.id, last)
        assert spec.platform_id not in daily(session, user.id, last + timedelta(days=1))
    # The dashboard's "today" is not zero.
    summary = reports.summary(session, user_id=user.id, today=TODAY)
    assert summary.today.spend > 0 and summary.today.impressions > 0


def test_runs_later_the_same_day_grow_today_and_add_nothing(session: Session):
    user = demo.seed(session, now=at(TODAY, 6))
    before = counts(session, user.id)
    demo.seed(session, now=at(TODAY, 18))
    assert counts(session, user.id) == before
    today = daily(session, user.id, TODAY)
    for spec in DELIVERING:
        assert today[spec.platform_id].spend == expected(spec, TODAY, 0.75).spend
    report = session.exec(select(ReportMetrics).where(
        ReportMetrics.user_id == user.id, ReportMetrics.entity_id == DELIVERING[0].platform_id,
        ReportMetrics.timestamp == at(TODAY, 0))).one()
    assert report.spend == expected(DELIVERING[0], TODAY, 0.75).spend


def test_the_next_day_completes_yesterday_and_starts_today(session: Session):
    user = demo.seed(session, now=at(TODAY, 6))
    reports_before, daily_before = counts(session, user.id)
    tomorrow = TODAY + timedelta(days=1)
    demo.seed(session, now=at(tomorrow, 1))
    # A day more for every campaign with metrics (a paused one's last days move along too).
    added = len(DELIVERING) + len(PAUSED)
    assert counts(session, user.id) == (reports_before + added, daily_before + added)
    completed = daily(session, user.id, TODAY)
    for spec in DELIVERING:
        full = demo.day_metrics(spec, TODAY, position=1.0)
        assert completed[spec.platform_id].spend == full.spend
        early = demo.day_metrics(spec, tomorrow, position=1.0, share=demo.TODAY_SHARE_FLOOR)
        assert daily(session, user.id, tomorrow)[spec.platform_id].spend == early.spend


def test_today_share_has_a_floor_and_a_ceiling():
    assert demo.today_share(at(TODAY, 0)) == demo.TODAY_SHARE_FLOOR
    assert demo.today_share(at(TODAY, 12)) == 0.5
    assert demo.today_share(datetime(2026, 11, 26, 23, 59, 59, tzinfo=UTC)) < 1.0
