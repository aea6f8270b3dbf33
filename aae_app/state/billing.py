"""Billing: the balance and the latest ledger rows."""

from __future__ import annotations

import reflex as rx

from aae_app.state.auth import AuthState
from aae_app.state.views import LedgerRow
from backend.credits import service as credits
from backend.db import unit_of_work

LEDGER_PAGE_SIZE = 20


class BillingState(AuthState):
    rows: list[LedgerRow] = []
    total_rows: int = 0

    @rx.var
    def showing_label(self) -> str:
        if not self.total_rows:
            return "No transactions yet"
        return f"Showing the latest {len(self.rows)} of {self.total_rows} transactions"

    @rx.event
    def load(self):
        if self.user_id is None:
            return
        with unit_of_work() as session:
            rows, total = credits.list_transactions(session, self.user_id, limit=LEDGER_PAGE_SIZE)
            self.rows = [LedgerRow.of(tx) for tx in rows]
            self.total_rows = total
