"""ReportsState without a browser: the table, totals, charts, sorting, paging and the CSV."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

import pytest

from aae_app.state.reports import ReportsState, format_metric, raw_metric
from backend.db import unit_of_work
from backend.reports import service as reports
from backend.reports.service import MetricInput
from tests.aae_app.test_creatives import Processor, run, shown, signed_in
from tests.factories import make_ad_account, make_user

YESTERDAY = datetime.now(UTC).date() - timedelta(days=1)
CAMPAIGNS = {"cmp-a": "Alpha", "cmp-b": "Bravo"}


@pytest.fixture()
def metrics(committed_engine):
    """Two campaigns with 10 days each, ending yesterday; Bravo spends more per day."""
    with unit_of_work() as session:
        user = make_user(session)
        account = make_ad_account(session, user)
        rows = []
        for offset in range(10):
            day = YESTERDAY - timedelta(days=offset)
            for index, (entity_id, name) in enumerate(CAMPAIGNS.items(), start=1):
                rows.append(MetricInput(
                    ad_account_id=account.id, timestamp=datetime.combine(day, time(12), tzinfo=UTC),
                    entity_type="campaign", entity_id=entity_id, entity_name=name, impressions=1000 * index,
                    clicks=20 * index + offset, spend=Decimal("10.50") * index, conversions=index,
                    revenue=Decimal("40.00") * index))
        reports.save_metrics(session, user_id=user.id, rows=rows)
    return user.id


def loaded(user_id: int) -> ReportsState:
    state = signed_in(ReportsState, user_id, path="/reports/")
    run(state.load())
    return state


class TestFormatting:
    def test_display_and_csv_values(self):
        assert format_metric("impressions", 1234567) == "1,234,567"
        assert format_metric("spend", Decimal("1234.5")) == "1,234.50"
        assert format_metric("ctr", 0.01234) == "1.23%" and format_metric("roas", 2.345) == "2.35"
        assert raw_metric("spend", Decimal("1234.5")) == "1234.50" and raw_metric("ctr", 0.0125) == "0.0125"
        assert raw_metric("clicks", 7) == "7"


class TestLoad:
    def test_defaults_to_the_last_30_complete_days(self, metrics):
        state = loaded(metrics)
        assert (state.preset, state.until) == ("30", YESTERDAY.isoformat())
        assert state.since == (YESTERDAY - timedelta(days=29)).isoformat()
        assert [row["entity_name"] for row in state.rows] == ["Bravo", "Alpha"]  # spend, descending
        assert state.totals["spend"] == "315.00" and state.totals["impressions"] == "30,000"
        assert state.totals["roas"] == "3.81" and state.total_rows == 2
        assert len(state.trend) == 30 and state.trend[-1] == {"day": YESTERDAY.isoformat()[5:], "value": 31.5}
        assert state.trend[0]["value"] == 0.0  # zero-filled days before the data
        assert [p["name"] for p in state.top] == ["Bravo", "Alpha"]

    def test_presets_levels_and_empty_levels(self, metrics):
        state = loaded(metrics)
        run(state.set_preset("7"))
        assert state.totals["spend"] == f"{Decimal('31.50') * 7:,.2f}" and len(state.trend) == 7
        run(state.set_level("adset"))
        assert state.rows == [] and state.totals == {} and state.trend == [] and state.error == ""
        run(state.set_level("bogus"))
        assert state.level == "adset"

    def test_invalid_dates_explain_and_do_not_query(self, metrics):
        state = loaded(metrics)
        run(state.set_since(YESTERDAY.isoformat()))
        run(state.set_until((YESTERDAY - timedelta(days=3)).isoformat()))
        assert state.date_error.startswith("Choose a start date") and state.preset == "custom"
        assert len(state.rows) == 2  # the last good result stays on screen
        run(state.set_since((YESTERDAY - timedelta(days=400)).isoformat()))
        run(state.set_until(YESTERDAY.isoformat()))
        assert state.date_error

    def test_sorting_and_paging_by_day(self, metrics):
        state = loaded(metrics)
        run(state.sort_by("spend"))
        assert not state.descending and [r["entity_name"] for r in state.rows] == ["Alpha", "Bravo"]
        run(state.sort_by("entity_name"))
        assert state.sort == "entity_name" and not state.descending
        run(state.sort_by("password"))
        assert state.sort == "entity_name"
        run(state.set_view("day"))
        assert state.by_day and state.total_rows == 20 and state.pages == 1 and state.rows[0]["day"]
        run(state.set_preset("90"))
        run(state.sort_by("day"))
        run(state.sort_by("day"))
        assert state.descending and state.rows[0]["day"] == YESTERDAY.isoformat()
        run(state.next_page())
        assert state.page == 1  # a single page: next does nothing

    def test_metric_selection_keeps_at_least_one_in_a_stable_order(self, metrics):
        state = loaded(metrics)
        for metric in list(state.metrics):
            state.toggle_metric(metric)
        assert state.metrics == ["roas"]
        state.toggle_metric("ctr")
        state.toggle_metric("impressions")
        assert state.metrics == ["impressions", "ctr", "roas"] and "cpc" in state.unselected_metrics
        state.toggle_metric("bogus")
        assert "bogus" not in state.metrics

    def test_chart_metric(self, metrics):
        state = loaded(metrics)
        run(state.set_chart_metric("clicks"))
        assert state.top[0]["name"] == "Bravo" and state.trend[-1]["value"] == 60
        run(state.set_chart_metric("ctr"))
        assert state.chart_metric == "clicks"


class TestCsv:
    def test_every_row_with_the_chosen_metrics(self, metrics):
        state = loaded(metrics)
        state.toggle_metric("clicks")
        run(state.set_view("day"))
        text = state.csv_text(state._query())
        rows = list(csv.DictReader(io.StringIO(text)))
        assert len(rows) == 20 and "clicks" not in rows[0] and rows[0]["day"]
        assert sum(Decimal(r["spend"]) for r in rows) == Decimal("315.00")

    async def test_download_runs_in_the_background(self, metrics):
        async with Processor(metrics, "/reports/") as app:
            await app.send(ReportsState, "load")
            deltas = await app.send(ReportsState, "download_csv")
            state = await app.state(ReportsState)
        assert not state.exporting
        assert any(part.get("exporting_rx_state_") is True for d in deltas for part in d.values())

    def test_signed_out(self, committed_engine):
        state = signed_in(ReportsState, None)
        assert shown(run(state.load())) == "" and state.rows == []
