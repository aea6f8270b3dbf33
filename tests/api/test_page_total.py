"""`page_total`: a list's total without a COUNT query whenever the page itself tells it."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import event

from backend.common.paging import page_total
from backend.db import get_engine, unit_of_work
from backend.models import Campaign


@given(total=st.integers(0, 300), limit=st.integers(1, 100), offset=st.integers(0, 400))
def test_the_total_is_always_the_lists_length(total, limit, offset):
    rows_on_page = len(range(total)[offset:offset + limit])
    counted: list[int] = []

    def count() -> int:
        counted.append(1)
        return total

    assert page_total(rows_on_page, limit=limit, offset=offset, count=count) == total
    # COUNT runs only for a full page, or an empty one past the start
    assert bool(counted) == (rows_on_page == limit or (rows_on_page == 0 and offset > 0))


def _campaigns(n: int, user_id: int, account_id: int) -> None:
    with unit_of_work() as session:
        for i in range(n):
            session.add(Campaign(user_id=user_id, ad_account_id=account_id, platform="meta", name=f"Campaign {i}",
                                 objective="sales", budget=10))


def test_a_short_first_page_costs_no_count_query(client, alice):
    _campaigns(3, alice.user.id, alice.account_id)
    statements: list[str] = []
    listener = lambda conn, cursor, statement, *args: statements.append(statement)  # noqa: E731
    event.listen(get_engine(), "before_cursor_execute", listener)
    try:
        short = client.get("/api/v1/campaigns?limit=20", headers=alice.headers).json()["data"]
        short_statements, statements[:] = list(statements), []
        full = client.get("/api/v1/campaigns?limit=2", headers=alice.headers).json()["data"]
        full_statements, statements[:] = list(statements), []
        past = client.get("/api/v1/campaigns?limit=2&offset=10", headers=alice.headers).json()["data"]
        past_statements = list(statements)
    finally:
        event.remove(get_engine(), "before_cursor_execute", listener)
    assert short["total"] == 3 and len(short["items"]) == 3
    assert not any("count(" in s.lower() for s in short_statements)
    assert full["total"] == 3 and len(full["items"]) == 2
    assert sum("count(" in s.lower() for s in full_statements) == 1
    assert past["total"] == 3 and past["items"] == []
    assert sum("count(" in s.lower() for s in past_statements) == 1
