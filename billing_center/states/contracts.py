"""Contracts and orders (R-CON-1, R-CON-2, R-CON-3): the list and one contract's page."""

from __future__ import annotations

import dataclasses

import reflex as rx
from sqlmodel import Session

from billing_center.components.ui import status_color
from billing_center.domain.errors import Forbidden
from billing_center.formatting import format_day, format_money, format_period
from billing_center.i18n import translate_error
from billing_center.labels import frequency_label, order_type_label, payment_terms_label, status_label
from billing_center.services import contracts as contract_service
from billing_center.services.actors import Actor
from billing_center.states.record_page import RecordPage
from billing_center.states.rows import blank
from billing_center.states.session import SessionState, signed_in


def term_text(months: int) -> str:
    return f"{months} month" if months == 1 else f"{months} months"


def last_segment(path: str) -> str:
    return (path or "").rstrip("/").rsplit("/", 1)[-1]


@dataclasses.dataclass
class ContractRow:
    """One contract of the list."""

    number: str
    href: str
    status: str
    color: str
    period: str
    term: str
    total: str


@dataclasses.dataclass
class OrderRow:
    """One order of a contract."""

    number: str
    type: str
    start: str
    end: str
    payment_method: str
    total: str
    pdf: str


def contract_row(contract: contract_service.ContractRow, locale: str) -> ContractRow:
    return ContractRow(number=contract.number, href=f"/contracts/{contract.number}",
                       status=status_label(contract.status), color=status_color(contract.status),
                       period=format_period(contract.start_date, contract.end_date, locale),
                       term=term_text(contract.term_months), total=format_money(contract.total, locale))


def order_row(order: contract_service.OrderRow, locale: str) -> OrderRow:
    return OrderRow(number=order.number, type=order_type_label(order.type), start=format_day(order.start_date, locale),
                    end=format_day(order.end_date, locale), payment_method=order.payment_method,
                    total=format_money(order.total, locale), pdf=f"/api/orders/{order.number}/order-form.pdf")


class ContractsState(SessionState):
    contracts: list[ContractRow] = []
    message: str = ""
    loaded: bool = False

    @rx.event
    @signed_in(page=True)
    def load(self, actor: Actor, db: Session):
        self.message = ""
        try:
            rows = contract_service.list_contracts(session=db, actor=actor)
        except Forbidden as exc:
            self.contracts, self.message, self.loaded = [], translate_error(exc), True
            return
        self.contracts = [contract_row(r, actor.locale) for r in rows]
        self.loaded = True


@dataclasses.dataclass
class ContractView:
    """A contract as its page shows it (:func:`contract_view`)."""

    status: str
    status_color: str
    start: str
    end: str
    term: str
    total: str
    subscription_terms: str
    billing_address: str
    shipping_address: str
    frequency: str
    payment_terms: str
    po_number: str
    recipients: str
    payment_method: str
    orders: list[OrderRow]


def contract_view(c: contract_service.ContractDetail, loc: str) -> ContractView:
    return ContractView(
        status=status_label(c.status), status_color=status_color(c.status), start=format_day(c.start_date, loc),
        end=format_day(c.end_date, loc), term=term_text(c.term_months), total=format_money(c.total, loc),
        subscription_terms=c.subscription_terms or "—", billing_address=c.billing_address or "—",
        shipping_address=c.shipping_address or "—", frequency=frequency_label(c.billing_frequency),
        payment_terms=payment_terms_label(c.payment_terms), po_number=c.po_number or "—",
        recipients=", ".join(c.invoice_recipients) or "—", payment_method=c.payment_method,
        orders=[order_row(o, loc) for o in c.orders])


class ContractDetailState(RecordPage, SessionState):
    contract_number: str = ""
    detail: ContractView = blank(ContractView, status_color="gray")

    @rx.event
    @signed_in(page=True)
    def load(self, actor: Actor, db: Session):
        self.contract_number = last_segment(self.router.url.path)
        self.loaded = False
        self._show_record(
            lambda: contract_service.get_contract(session=db, actor=actor, number=self.contract_number),
            lambda contract: contract_view(contract, actor.locale), blank(ContractView, status_color="gray"))
