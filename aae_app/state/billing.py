"""Billing: the balance, credit packages, recharge through checkout, and the paged ledger."""

from __future__ import annotations

import asyncio
import dataclasses

import reflex as rx

from aae_app import i18n
from aae_app.state.auth import AuthState, format_time, full_page_load
from aae_app.state.views import format_credits
from backend.billing import service as billing
from backend.credits import service as credits
from backend.db import unit_of_work
from backend.errors import AppError
from backend.integrations.payments import get_payments
from backend.models import CreditTransaction, TransactionType
from backend.users import service as users

LEDGER_PAGE_SIZE = 20
LEDGER_TYPES = ("all", *(t.value for t in TransactionType))
# Credits coming in are shown with "+", going out with "−".
INCOMING = {TransactionType.REFUND, TransactionType.RECHARGE, TransactionType.GIFT}
TYPE_COLORS = {
    TransactionType.DEDUCT: "gray",
    TransactionType.REFUND: "green",
    TransactionType.RECHARGE: "indigo",
    TransactionType.GIFT: "grass",
    TransactionType.REVERSAL: "orange",
}
CURRENCY_SYMBOLS = {"usd": "$", "eur": "€", "gbp": "£", "cny": "¥", "jpy": "¥"}
POPULAR_PACKAGE = "growth"


def price_label(cents: int, currency: str) -> str:
    symbol = CURRENCY_SYMBOLS.get(currency.lower())
    amount = f"{cents / 100:,.2f}"
    return f"{symbol}{amount}" if symbol else f"{amount} {currency.upper()}"


@dataclasses.dataclass
class PackageOption:
    id: str = ""
    name: str = ""
    name_key: str = ""  # a translated name for the standard packages, else "" (show `name`)
    credits: str = ""
    price: str = ""
    popular: bool = False

    @classmethod
    def of(cls, package: billing.Package) -> PackageOption:
        key = f"billing.package.{package.id}"
        return cls(id=package.id, name=package.name, name_key=key if key in i18n.TABLE else "",
                   credits=f"{package.credits:,.0f}",
                   price=price_label(package.price_cents, package.currency), popular=package.id == POPULAR_PACKAGE)


@dataclasses.dataclass
class LedgerEntry:
    """One ledger row; `type_key`/`description_key` are translation keys (empty: use the text)."""

    id: int = 0
    when: str = ""
    type_key: str = ""
    color: str = "gray"
    description_key: str = ""
    description: str = ""
    amount: str = ""
    incoming: bool = False
    balance_after: str = ""

    @classmethod
    def of(cls, tx: CreditTransaction, timezone: str) -> LedgerEntry:
        incoming = tx.type in INCOMING
        operation = tx.operation_type or ""
        key = f"ledger.op.{operation}"
        return cls(
            id=tx.id or 0,
            when=format_time(tx.created_at, timezone),
            type_key=f"ledger.type.{tx.type}",
            color=TYPE_COLORS.get(tx.type, "gray"),
            description_key=key if key in i18n.TABLE else "",
            description=operation.replace("_", " ").replace(".", " · ").capitalize() or "—",
            amount=("+" if incoming else "−") + format_credits(tx.amount),
            incoming=incoming,
            balance_after=format_credits(tx.balance_after),
        )


def start_checkout_url(user_id: int, package_id: str) -> str:
    """A pending order and its checkout page (Stripe, or the local simulator when embedded)."""
    with unit_of_work() as session:
        user = users.get_or_raise(session, user_id)
        started = billing.start_checkout(session, user=user, package_id=package_id, provider=get_payments())
        return started.checkout_url


class BillingState(AuthState):
    packages: list[PackageOption] = []
    rows: list[LedgerEntry] = []
    total_rows: int = 0
    page: int = 0
    type_filter: str = "all"
    loading: bool = False
    error: str = ""
    outcome: str = ""  # "paid" | "canceled" after returning from checkout
    checkout_package: str = ""  # the package whose checkout is being opened

    @rx.var
    def has_prev(self) -> bool:
        return self.page > 0

    @rx.var
    def has_next(self) -> bool:
        return (self.page + 1) * LEDGER_PAGE_SIZE < self.total_rows

    @rx.var
    def page_label(self) -> str:
        if not self.total_rows:
            return ""
        first = self.page * LEDGER_PAGE_SIZE + 1
        last = min(self.total_rows, first + len(self.rows) - 1)
        return self.tr("common.range_of", first=first, last=last, total=self.total_rows)

    @rx.event
    def load(self):
        # The guard ran first, but resolve the user here too: this page must never render without
        # its packages because of the order in which a fresh socket delivered the events.
        if self.user_id is None and not self.load_user():
            return None
        params = self.router.url.query_parameters
        self.outcome = "paid" if params.get("paid") == "1" else "canceled" if params.get("canceled") == "1" else ""
        self.checkout_package = ""
        try:
            with unit_of_work() as session:
                self.packages = [PackageOption.of(p) for p in billing.list_packages(session)]
        except AppError as exc:
            self.error = exc.message
            return self.fail(exc)
        return BillingState.load_ledger

    @rx.event
    def load_ledger(self):
        if self.user_id is None:
            return
        self.loading, self.error = True, ""
        yield
        try:
            with unit_of_work() as session:
                types = None if self.type_filter == "all" else [self.type_filter]
                rows, total = credits.list_transactions(session, self.user_id, limit=LEDGER_PAGE_SIZE,
                                                        offset=self.page * LEDGER_PAGE_SIZE, types=types)
                self.rows = [LedgerEntry.of(tx, self.timezone) for tx in rows]
                self.total_rows = int(total)
        except AppError as exc:
            self.error = exc.message
            yield self.fail(exc)
        finally:
            self.loading = False

    @rx.event
    def set_type_filter(self, value: str):
        if value not in LEDGER_TYPES:
            return None
        self.type_filter, self.page = value, 0
        return BillingState.load_ledger

    @rx.event
    def next_page(self):
        if self.has_next:
            self.page += 1
            return BillingState.load_ledger
        return None

    @rx.event
    def prev_page(self):
        if self.page > 0:
            self.page -= 1
            return BillingState.load_ledger
        return None

    @rx.event
    def dismiss_outcome(self):
        self.outcome = ""

    @rx.event(background=True)
    async def recharge(self, package_id: str):
        """Open the package's checkout with a full page load (Stripe's or the local page)."""
        async with self:
            if self.user_id is None or self.checkout_package:
                return
            self.checkout_package = package_id
            user_id = self.user_id
        try:
            url = await asyncio.to_thread(start_checkout_url, user_id, package_id)
        except AppError as exc:
            async with self:
                self.checkout_package = ""
                return self.fail(exc)
        return full_page_load(url)
