"""Contracts and orders (R-CON-1, R-CON-2, R-CON-3): the list and one contract's page."""

from __future__ import annotations

import reflex as rx

from billing_center.components.ui import status_color
from billing_center.db import session_scope
from billing_center.domain.errors import Forbidden, NotFound
from billing_center.formatting import format_day, format_money
from billing_center.services import contracts as contract_service
from billing_center.states.session import SessionState

CONTRACT_STATUS = {"pending": "Pending", "active": "Active", "expired": "Expired", "cancelled": "Cancelled"}
ORDER_TYPE = {"buy": "Buy", "renew": "Renew", "add_on": "Add-on"}
FREQUENCY = {"annual": "Annual", "quarterly": "Quarterly", "monthly": "Monthly", "annual_prepaid": "Annual, prepaid"}
PAYMENT_TERMS = {"net_30": "Net 30 days", "net_60": "Net 60 days", "due_on_receipt": "Due on receipt"}


def term_text(months: int) -> str:
    return f"{months} month" if months == 1 else f"{months} months"


def last_segment(path: str) -> str:
    return (path or "").rstrip("/").rsplit("/", 1)[-1]


class ContractsState(SessionState):
    contracts: list[dict[str, str]] = []
    message: str = ""
    loaded: bool = False

    @rx.event
    def load(self):
        actor = self._actor()
        if actor is None:
            return self._to_sign_in()
        self._show_actor(actor)
        self.message = ""
        try:
            with session_scope() as session:
                rows = contract_service.list_contracts(session=session, actor=actor)
        except Forbidden as exc:
            self.contracts, self.message, self.loaded = [], exc.message, True
            return
        loc = actor.locale
        self.contracts = [
            {"number": r.number, "href": f"/contracts/{r.number}",
             "status": CONTRACT_STATUS.get(r.status, r.status), "color": status_color(r.status),
             "period": f"{format_day(r.start_date, loc)} – {format_day(r.end_date, loc)}",
             "term": term_text(r.term_months), "total": format_money(r.total, loc)}
            for r in rows
        ]
        self.loaded = True


class ContractDetailState(SessionState):
    contract_number: str = ""
    found: bool = False
    status: str = ""
    status_color: str = "gray"
    start: str = ""
    end: str = ""
    term: str = ""
    total: str = ""
    subscription_terms: str = ""
    billing_address: str = ""
    shipping_address: str = ""
    frequency: str = ""
    payment_terms: str = ""
    po_number: str = ""
    recipients: str = ""
    payment_method: str = ""
    orders: list[dict[str, str]] = []
    loaded: bool = False

    @rx.event
    def load(self):
        actor = self._actor()
        if actor is None:
            return self._to_sign_in()
        self._show_actor(actor)
        self.contract_number = last_segment(self.router.url.path)
        self.loaded = False
        try:
            with session_scope() as session:
                c = contract_service.get_contract(session=session, actor=actor, number=self.contract_number)
        except (NotFound, Forbidden):
            self.found, self.orders, self.loaded = False, [], True
            return
        loc = actor.locale
        self.found = True
        self.status = CONTRACT_STATUS.get(c.status, c.status)
        self.status_color = status_color(c.status)
        self.start, self.end = format_day(c.start_date, loc), format_day(c.end_date, loc)
        self.term = term_text(c.term_months)
        self.total = format_money(c.total, loc)
        self.subscription_terms = c.subscription_terms or "—"
        self.billing_address = c.billing_address or "—"
        self.shipping_address = c.shipping_address or "—"
        self.frequency = FREQUENCY.get(c.billing_frequency, c.billing_frequency)
        self.payment_terms = PAYMENT_TERMS.get(c.payment_terms, c.payment_terms)
        self.po_number = c.po_number or "—"
        self.recipients = ", ".join(c.invoice_recipients) or "—"
        self.payment_method = c.payment_method
        self.orders = [
            {"number": o.number, "type": ORDER_TYPE.get(o.type, o.type), "start": format_day(o.start_date, loc),
             "end": format_day(o.end_date, loc), "payment_method": o.payment_method,
             "total": format_money(o.total, loc), "pdf": f"/api/orders/{o.number}/order-form.pdf"}
            for o in c.orders
        ]
        self.loaded = True
