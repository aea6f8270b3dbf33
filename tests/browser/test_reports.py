"""Reports end to end: the table and headline numbers match the database, sorting, paging, CSV."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import func
from sqlmodel import select

from backend.models import EntityType, MetricsDaily
from tests.browser.conftest import RunningApp, screenshot
from tests.browser.test_creatives import capture, database, demo_user_id, sign_in_to

pytestmark = pytest.mark.browser


def period(days: int) -> tuple[date, date]:
    last = datetime.now(UTC).date() - timedelta(days=1)
    return last - timedelta(days=days - 1), last


def campaign_sums(app: RunningApp, since: date, until: date) -> dict[str, dict[str, Decimal | int]]:
    """Per campaign, straight from the daily rollups: what the page must show."""
    user_id = demo_user_id(app)
    with database(app) as session:
        rows = session.exec(
            select(MetricsDaily.entity_name, func.sum(MetricsDaily.impressions), func.sum(MetricsDaily.clicks),
                   func.sum(MetricsDaily.spend), func.sum(MetricsDaily.conversions), func.sum(MetricsDaily.revenue))
            .where(MetricsDaily.user_id == user_id, MetricsDaily.entity_type == EntityType.CAMPAIGN,
                   MetricsDaily.day >= since, MetricsDaily.day <= until)
            .group_by(MetricsDaily.entity_name)
        ).all()
    return {name: {"impressions": int(i), "clicks": int(c), "spend": Decimal(s), "conversions": int(cv),
                   "revenue": Decimal(r)} for name, i, c, s, cv, r in rows}


def metric_cell(row, metric: str):
    return row.locator(f'[data-metric="{metric}"]')


def test_table_matches_the_database_sorts_pages_and_exports(page: Page, app_server: RunningApp):
    since, until = period(30)
    sums = campaign_sums(app_server, since, until)
    assert sums, "the seed has campaign metrics in the last 30 days"
    spend = sum(v["spend"] for v in sums.values())
    impressions = sum(v["impressions"] for v in sums.values())
    revenue = sum(v["revenue"] for v in sums.values())

    sign_in_to(page, "/reports")
    rows = page.locator("#report-table .report-row")
    expect(rows).to_have_count(len(sums))
    expect(page.locator("#report-since")).to_have_value(since.isoformat())
    expect(page.locator("#report-until")).to_have_value(until.isoformat())
    totals = page.locator("#report-totals")
    expect(metric_cell(totals, "spend")).to_have_text(f"{spend:,.2f}")
    expect(metric_cell(totals, "impressions")).to_have_text(f"{impressions:,}")
    expect(metric_cell(totals, "revenue")).to_have_text(f"{revenue:,.2f}")
    expect(page.locator("#headline-spend")).to_have_text(f"{spend:,.2f}")
    expect(page.locator("#headline-roas")).to_have_text(f"{float(revenue / spend):.2f}")
    for name, values in sums.items():
        row = rows.filter(has=page.locator(".entity-name", has_text=name))
        expect(metric_cell(row, "spend")).to_have_text(f"{values['spend']:,.2f}")
        expect(metric_cell(row, "clicks")).to_have_text(f"{values['clicks']:,}")
    expect(page.locator("#trend-chart .recharts-area-curve")).to_have_count(1)
    screenshot(page, "reports-30-days")

    # Sorting: spend descending by default, a click flips it, name sorts alphabetically.
    by_spend = sorted(sums, key=lambda n: sums[n]["spend"], reverse=True)
    expect(rows.locator(".entity-name")).to_have_text(by_spend)
    page.locator('.sort-header[data-column="spend"]').click()
    expect(rows.locator(".entity-name")).to_have_text(list(reversed(by_spend)))
    page.locator('.sort-header[data-column="entity_name"]').click()
    expect(rows.locator(".entity-name")).to_have_text(sorted(sums))

    # A metric can be hidden and shown again.
    page.click("#metrics-picker")
    page.click("#metric-clicks")
    expect(metric_cell(totals, "clicks")).to_have_count(0)
    page.click("#metric-ctr")
    expect(metric_cell(totals, "ctr")).to_contain_text("%")
    page.keyboard.press("Escape")

    # CSV of the whole query (every row, the chosen metrics).
    with page.expect_download() as download_info:
        page.click("#download-csv")
    download = download_info.value
    assert download.suggested_filename == f"report-campaign-{since.isoformat()}-{until.isoformat()}.csv"
    table = list(csv.DictReader(io.StringIO(download.path().read_text())))
    assert {r["entity_name"] for r in table} == set(sums)
    assert sum(Decimal(r["spend"]) for r in table) == spend
    assert "clicks" not in table[0] and "ctr" in table[0]

    # By day: one row per campaign and day, paged 20 at a time.
    page.locator("#report-view").get_by_role("radio", name="By day").click()
    day_rows = sum(1 for _ in _days_with_data(app_server, since, until))
    expect(page.locator("#report-count")).to_have_text(f"{day_rows} rows")
    expect(rows).to_have_count(20)
    expect(page.locator("#report-pager-label")).to_have_text(f"Page 1 of {-(-day_rows // 20)}")
    page.click("#report-pager-next")
    expect(page.locator("#report-pager-label")).to_have_text(f"Page 2 of {-(-day_rows // 20)}")
    expect(metric_cell(totals, "spend")).to_have_text(f"{spend:,.2f}")

    # Ad sets have no data in the seed: the empty state says so.
    page.click("#report-level")
    page.get_by_role("option", name="Ad sets").click()
    expect(page.locator("#reports-empty")).to_contain_text("No data for this period")
    page.click("#report-level")
    page.get_by_role("option", name="Campaigns").click()
    page.locator("#report-view").get_by_role("radio", name="Totals").click()
    expect(rows).to_have_count(len(sums))
    capture(page, app_server, "reports", ready="#report-table", ready_zh="数据报表")


def _days_with_data(app: RunningApp, since: date, until: date):
    user_id = demo_user_id(app)
    with database(app) as session:
        yield from session.exec(select(MetricsDaily.id).where(
            MetricsDaily.user_id == user_id, MetricsDaily.entity_type == EntityType.CAMPAIGN,
            MetricsDaily.day >= since, MetricsDaily.day <= until)).all()
