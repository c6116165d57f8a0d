"""Billing accounts with their billing profiles, each with its payment method and invoices (R-PAY-3)."""

from __future__ import annotations

import dataclasses
from typing import ClassVar

import reflex as rx
from sqlmodel import Session

from billing_center.components.ui import status_color
from billing_center.domain.errors import ValidationFailed
from billing_center.formatting import format_day, format_money
from billing_center.i18n import _, ngettext
from billing_center.labels import status_label
from billing_center.services import billing_accounts, wallet
from billing_center.services.actors import Actor
from billing_center.states.rows import Option, card_options
from billing_center.states.session import FieldErrors, SessionState, event_id, signed_in


@dataclasses.dataclass
class InvoiceRow:
    number: str
    status: str
    status_color: str
    issued: str
    due: str
    total: str


@dataclasses.dataclass
class ProfileRow:
    id: str
    name: str
    currency: str
    invoice_email: str
    po_number: str
    address: str
    payment_method: str
    invoice_count: str
    invoices: list[InvoiceRow]


@dataclasses.dataclass
class AccountRow:
    name: str
    profiles: list[ProfileRow]


def invoice_row(invoice: billing_accounts.ProfileInvoice, locale: str) -> InvoiceRow:
    return InvoiceRow(number=invoice.number, status=status_label(invoice.status),
                      status_color=status_color(invoice.status), issued=format_day(invoice.issue_date, locale),
                      due=format_day(invoice.due_date, locale), total=format_money(invoice.total, locale))


def profile_row(profile: billing_accounts.ProfileView, locale: str) -> ProfileRow:
    return ProfileRow(
        id=str(profile.id), name=profile.name, currency=profile.currency,
        invoice_email=profile.invoice_email or "—", po_number=profile.po_number or "—",
        address=profile.address or "—", payment_method=profile.payment_method,
        invoice_count=ngettext("{count} invoice, the latest {shown} below",
                               "{count} invoices, the latest {shown} below", profile.invoice_count).format(
                                   count=profile.invoice_count, shown=len(profile.invoices))
        if profile.invoices else _("No invoices yet."),
        invoices=[invoice_row(i, locale) for i in profile.invoices],
    )


class BillingAccountsState(FieldErrors, SessionState):
    accounts: list[AccountRow] = []
    cards: list[Option] = []

    # ``errors`` keys: page (why the accounts are not this person's) and action (a refused change)
    field_errors: ClassVar[dict[str, str]] = {"*": "action"}

    def _refresh(self, actor: Actor, db: Session) -> None:
        accounts = billing_accounts.list_accounts(session=db, actor=actor)
        self.cards = card_options(wallet.list_cards(session=db, actor=actor), with_expiry=False)
        self.accounts = [AccountRow(name=a.name, profiles=[profile_row(p, actor.locale) for p in a.profiles])
                         for a in accounts]

    @rx.event
    @signed_in(page=True)
    def load(self, actor: Actor, db: Session):
        self._clear_errors("page", "action")
        if self._refusal(lambda: self._refresh(actor, db)):
            self.accounts = []
            self._show_error("page", _("Only billing admins see the organisation's billing accounts."))

    @rx.event
    @signed_in
    def set_profile_card(self, actor: Actor, db: Session, profile_id: str, card_id: str):
        self._clear_errors("action")
        if not card_id:
            raise ValidationFailed("card", "Choose a card.")
        profile = billing_accounts.set_profile_payment_method(
            session=db, actor=actor, profile_id=event_id(profile_id, "billing profile"),
            card_id=event_id(card_id, "card"))
        self._refresh(actor, db)
        return rx.toast.success(_("{profile} is now paid with the chosen card.").format(profile=profile.name))
