"""The dashboard: the balance (from AuthState) and the latest credit activity."""

from __future__ import annotations

import reflex as rx

from aae_app.state.auth import AuthState
from aae_app.state.views import LedgerRow
from backend.credits import service as credits
from backend.db import unit_of_work

RECENT_ROWS = 5


class DashboardState(AuthState):
    recent: list[LedgerRow] = []

    @rx.event
    def load(self):
        if self.user_id is None:
            return
        with unit_of_work() as session:
            rows, _total = credits.list_transactions(session, self.user_id, limit=RECENT_ROWS)
            self.recent = [LedgerRow.of(tx) for tx in rows]
