"""Reports: storage (Property 19), the dashboard (Property 12), archival (Property 20), queries."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import inspect
from sqlmodel import select

from backend.errors import ValidationFailed
from backend.models import MetricsArchive, MetricsDaily, ReportMetrics
from backend.reports import service as reports
from backend.reports.service import MetricInput
from tests.factories import make_ad_account, make_user

TODAY = date(2026, 11, 26)


def at(day: date, hour: int = 0) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=UTC)


def point(account, day, entity="c1", name="Campaign 1", level="campaign", **m):
    return MetricInput(ad_account_id=account.id, timestamp=at(day, m.pop("hour", 0)), entity_type=level,
                       entity_id=entity, entity_name=name, **m)


metric_values = st.fixed_dictionaries({
    "impressions": st.integers(0, 10**7), "clicks": st.integers(0, 10**5),
    "spend": st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False, allow_infinity=False),
    "conversions": st.integers(0, 10**4),
    "revenue": st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False, allow_infinity=False),
})


class TestSaveMetrics:
    @given(values=metric_values, days_ago=st.integers(0, 80), entity=st.text("abcdef0123", min_size=1, max_size=20))
    def test_property_19_metrics_stored_with_timestamp_user_and_entity(self, session, values, days_ago, entity):
        """Property 19: platform metrics are stored with timestamp, user_id and entity_id, which are indexed."""
        user = make_user(session)
        account = make_ad_account(session, user)
        day = TODAY - timedelta(days=days_ago)
        reports.save_metrics(session, user_id=user.id, rows=[point(account, day, entity=entity, **values)])
        stored = session.exec(select(ReportMetrics).where(ReportMetrics.user_id == user.id)).one()
        assert stored.timestamp == at(day) and stored.entity_id == entity and stored.ad_account_id == account.id
        assert (stored.impressions, stored.clicks, stored.conversions) == (
            values["impressions"], values["clicks"], values["conversions"])
        assert stored.spend == values["spend"] and stored.revenue == values["revenue"]
        daily = session.exec(select(MetricsDaily).where(MetricsDaily.user_id == user.id)).one()
        assert daily.day == day and daily.spend == values["spend"]

    def test_property_19_columns_are_indexed(self, session):
        """Property 19: timestamp, user_id and entity_id each lead an index of report_metrics."""
        indexes = inspect(session.connection()).get_indexes("report_metrics")
        leading = {ix["column_names"][0] for ix in indexes}
        assert {"timestamp", "user_id", "entity_id"} <= leading

    def test_resync_upserts_and_rollup_sums_intraday_rows(self, session):
        user = make_user(session)
        account = make_ad_account(session, user)
        rows = [point(account, TODAY, hour=h, impressions=100, clicks=10, spend=Decimal("5"), conversions=1,
                      revenue=Decimal("20")) for h in (1, 2)]
        reports.save_metrics(session, user_id=user.id, rows=rows)
        reports.save_metrics(session, user_id=user.id, rows=rows)  # the same sync again
        assert len(session.exec(select(ReportMetrics).where(ReportMetrics.user_id == user.id)).all()) == 2
        daily = session.exec(select(MetricsDaily).where(MetricsDaily.user_id == user.id)).one()
        assert (daily.impressions, daily.spend, daily.revenue) == (200, Decimal("10.00"), Decimal("40.00"))

    @pytest.mark.parametrize("bad", [dict(impressions=-1), dict(spend=Decimal("-1")), dict(level="campaignx"),
                                     dict(entity="")])
    def test_invalid_rows_refused_whole_batch(self, session, bad):
        user = make_user(session)
        account = make_ad_account(session, user)
        good = point(account, TODAY)
        with pytest.raises(ValidationFailed):
            reports.save_metrics(session, user_id=user.id, rows=[good, point(account, TODAY, **bad)])

    def test_someone_elses_account_refused(self, session):
        owner, other = make_user(session), make_user(session)
        account = make_ad_account(session, owner)
        with pytest.raises(ValidationFailed) as info:
            reports.save_metrics(session, user_id=other.id, rows=[point(account, TODAY)])
        assert "ad_account_id" in info.value.details["fields"]


class TestSummary:
    @given(spend_today=st.integers(0, 5000), spend_yesterday=st.integers(0, 5000), accounts=st.integers(1, 3))
    def test_property_12_dashboard_today_yesterday_and_7_day_trend(self, session, spend_today, spend_yesterday, accounts):
        """Property 12: for a user with ad accounts, today's and yesterday's spend/ROAS/CPA and a 7-day trend."""
        user = make_user(session)
        rows = []
        for n in range(accounts):
            account = make_ad_account(session, user)
            rows += [
                point(account, TODAY, entity=f"c{n}", impressions=1000, clicks=50, spend=Decimal(spend_today),
                      conversions=5, revenue=Decimal(spend_today * 3)),
                point(account, TODAY - timedelta(days=1), entity=f"c{n}", impressions=800, clicks=40,
                      spend=Decimal(spend_yesterday), conversions=4, revenue=Decimal(spend_yesterday * 2)),
                point(account, TODAY - timedelta(days=9), entity=f"c{n}", spend=Decimal(999)),  # outside the trend
            ]
        reports.save_metrics(session, user_id=user.id, rows=rows)
        s = reports.summary(session, user_id=user.id, today=TODAY)
        assert s.today.spend == spend_today * accounts and s.yesterday.spend == spend_yesterday * accounts
        assert s.today.roas == (3.0 if spend_today else 0.0)
        assert s.yesterday.roas == (2.0 if spend_yesterday else 0.0)
        assert s.today.cpa == (Decimal(spend_today) / 5).quantize(Decimal("0.01"))
        assert [d["day"] for d in s.trend] == [(TODAY - timedelta(days=6 - i)).isoformat() for i in range(7)]
        assert s.trend[-1]["spend"] == s.today.spend and s.trend[-2]["spend"] == s.yesterday.spend
        assert all(d["spend"] == 0 for d in s.trend[:-2])
        assert len(s.campaigns) == accounts

    def test_change_vs_yesterday(self, session):
        user = make_user(session)
        account = make_ad_account(session, user)
        reports.save_metrics(session, user_id=user.id, rows=[
            point(account, TODAY, spend=Decimal("150")), point(account, TODAY - timedelta(days=1), spend=Decimal("100"))])
        s = reports.summary(session, user_id=user.id, today=TODAY)
        assert s.change("spend") == pytest.approx(0.5)
        assert s.change("conversions") is None

    def test_other_users_data_never_shows(self, session):
        me, other = make_user(session), make_user(session)
        reports.save_metrics(session, user_id=other.id, rows=[point(make_ad_account(session, other), TODAY, spend=Decimal(5))])
        assert reports.summary(session, user_id=me.id, today=TODAY).today.spend == 0


class TestQuery:
    def test_levels_sorting_paging(self, session):
        user = make_user(session)
        account = make_ad_account(session, user)
        rows = [point(account, TODAY - timedelta(days=d), entity=f"c{i}", name=f"C{i}", spend=Decimal(i + d),
                      clicks=i) for i in range(5) for d in range(3)]
        rows.append(point(account, TODAY, entity="ad1", level="ad", spend=Decimal(1)))
        reports.save_metrics(session, user_id=user.id, rows=rows)
        data, total = reports.query_metrics(session, user_id=user.id, since=TODAY - timedelta(days=2), until=TODAY,
                                            group_by_day=False, sort="spend", descending=True, limit=2)
        assert total == 5 and [r["entity_id"] for r in data] == ["c4", "c3"]
        assert data[0]["spend"] == Decimal(4 + 5 + 6)
        data, total = reports.query_metrics(session, user_id=user.id, since=TODAY, until=TODAY, level="ad")
        assert total == 1 and data[0]["day"] == TODAY.isoformat()

    @pytest.mark.parametrize("kwargs", [dict(since=TODAY, until=TODAY - timedelta(days=1)),
                                        dict(since=TODAY - timedelta(days=400), until=TODAY),
                                        dict(since=TODAY, until=TODAY, level="x"),
                                        dict(since=TODAY, until=TODAY, sort="nope")])
    def test_bad_queries(self, session, kwargs):
        with pytest.raises(ValidationFailed):
            reports.query_metrics(session, user_id=1, **kwargs)


class TestArchive:
    @given(days=st.lists(st.integers(0, 200), min_size=1, max_size=12, unique=True))
    def test_property_20_older_than_90_days_archived_to_summaries(self, session, days):
        """Property 20: metrics older than 90 days end up in monthly summaries, and only those."""
        user = make_user(session)
        account = make_ad_account(session, user)
        rows = [point(account, TODAY - timedelta(days=d), spend=Decimal(d + 1), impressions=10) for d in days]
        reports.save_metrics(session, user_id=user.id, rows=rows)
        old = [d for d in days if d > 90]
        moved = reports.archive_old_metrics(session, today=TODAY)
        assert moved == len(old)
        remaining = session.exec(select(MetricsDaily).where(MetricsDaily.user_id == user.id)).all()
        assert sorted((TODAY - r.day).days for r in remaining) == sorted(d for d in days if d <= 90)
        raw_left = session.exec(select(ReportMetrics).where(ReportMetrics.user_id == user.id)).all()
        assert len(raw_left) == len(remaining)
        summaries = reports.archived(session, user_id=user.id)
        assert sum(a.spend for a in summaries) == sum(Decimal(d + 1) for d in old)
        assert sum(a.source_rows for a in summaries) == len(old)
        for a in summaries:
            assert a.period_start.day == 1 and a.period_end >= a.period_start
        assert reports.archive_old_metrics(session, today=TODAY) == 0  # idempotent


def test_archive_in_batches_loses_nothing(session):
    user = make_user(session)
    account = make_ad_account(session, user)
    rows = [point(account, TODAY - timedelta(days=100 + d), entity=f"c{d % 3}", spend=Decimal(1)) for d in range(20)]
    reports.save_metrics(session, user_id=user.id, rows=rows)
    moved = []
    while (n := reports.archive_old_metrics(session, today=TODAY, batch_rows=7)):
        moved.append(n)
    assert moved == [7, 7, 6]
    assert sum(a.spend for a in reports.archived(session, user_id=user.id)) == Decimal(20)
