"""Billing accounts with their billing profiles, each with its payment method and invoices (R-PAY-3)."""

from __future__ import annotations

import dataclasses

import reflex as rx

from billing_center.components.ui import status_color
from billing_center.db import session_scope
from billing_center.domain.errors import Forbidden, ServiceError
from billing_center.formatting import format_day, format_money
from billing_center.services import billing_accounts, wallet
from billing_center.states.session import SessionState


@dataclasses.dataclass
class InvoiceRow:
    number: str = ""
    status: str = ""
    status_color: str = ""
    issued: str = ""
    due: str = ""
    total: str = ""


@dataclasses.dataclass
class ProfileRow:
    id: str = ""
    name: str = ""
    currency: str = ""
    invoice_email: str = ""
    po_number: str = ""
    address: str = ""
    payment_method: str = ""
    invoice_count: str = ""
    invoices: list[InvoiceRow] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class AccountRow:
    name: str = ""
    profiles: list[ProfileRow] = dataclasses.field(default_factory=list)


class BillingAccountsState(SessionState):
    accounts: list[AccountRow] = []
    cards: list[dict[str, str]] = []
    page_error: str = ""
    action_error: str = ""

    def _refresh(self, actor) -> None:
        locale = actor.locale
        with session_scope() as session:
            accounts = billing_accounts.list_accounts(session=session, actor=actor)
            cards = wallet.list_cards(session=session, actor=actor)
        self.cards = [{"id": str(c.id), "label": f"{c.brand} •••• {c.last4}"} for c in cards if not c.expired]
        self.accounts = [
            AccountRow(
                name=a.name,
                profiles=[
                    ProfileRow(
                        id=str(p.id), name=p.name, currency=p.currency,
                        invoice_email=p.invoice_email or "—", po_number=p.po_number or "—",
                        address=p.address or "—", payment_method=p.payment_method,
                        invoice_count=f"{p.invoice_count} invoice(s), the latest {len(p.invoices)} below"
                        if p.invoices else "No invoices yet.",
                        invoices=[
                            InvoiceRow(number=i.number, status=i.status.capitalize(),
                                       status_color=status_color(i.status), issued=format_day(i.issue_date, locale),
                                       due=format_day(i.due_date, locale), total=format_money(i.total, locale))
                            for i in p.invoices
                        ],
                    )
                    for p in a.profiles
                ],
            )
            for a in accounts
        ]

    @rx.event
    def load(self):
        actor = self._actor()
        if actor is None:
            return self._to_sign_in()
        self._show_actor(actor)
        self.page_error = self.action_error = ""
        try:
            self._refresh(actor)
        except Forbidden:
            self.accounts = []
            self.page_error = "Only billing admins see the organisation's billing accounts."

    @rx.event
    def set_profile_card(self, profile_id: str, card_id: str):
        actor = self._actor()
        if actor is None:
            return self._to_sign_in()
        self.action_error = ""
        try:
            with session_scope() as session:
                profile = billing_accounts.set_profile_payment_method(session=session, actor=actor,
                                                                      profile_id=int(profile_id),
                                                                      card_id=int(card_id))
                name = profile.name
        except (ServiceError, ValueError) as exc:
            self.action_error = getattr(exc, "message", "Choose a card.")
            return
        self._refresh(actor)
        return rx.toast.success(f"{name} is now paid with the chosen card.")
