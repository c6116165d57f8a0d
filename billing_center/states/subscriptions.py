"""Subscriptions (issue 8): the list, filtered in the URL (``status``, ``self_service``, ``page``), and
the subscription page with its actions (licence total with a proration preview, auto-renew, PO number,
payment method, cancellation with its fee). Thin: every decision is in services/subscriptions.py."""

from __future__ import annotations

import dataclasses
from typing import ClassVar
from urllib.parse import urlencode

import reflex as rx
from sqlmodel import Session

from billing_center.components.ui import status_color
from billing_center.domain.errors import NotFound, ValidationFailed
from billing_center.formatting import format_day, format_moment, format_money
from billing_center.i18n import N_, _, ngettext
from billing_center.labels import frequency_label, status_label
from billing_center.services import accounts, activation_keys, wallet
from billing_center.services import subscriptions as subs
from billing_center.services.actors import Actor
from billing_center.states.rows import Option, card_options, options
from billing_center.states.session import SessionState, event_id, signed_in

ALL = "all"
STATUS_OPTIONS = [Option(ALL, N_("All statuses"))] + [Option(s, status_label(s)) for s in subs.STATUS_FILTERS]
SELF_SERVICE_OPTIONS = [Option(ALL, N_("All purchases")), Option("yes", N_("Self-service only")),
                        Option("no", N_("Bought by admins"))]
REASON_OPTIONS = options(subs.CANCEL_REASONS)


@dataclasses.dataclass
class SubscriptionListRow:
    id: str
    href: str
    product: str
    licences: str
    term: str
    status: str
    color: str
    date: str
    price: str
    subtotal: str
    self_service: bool


def _term(months: int) -> str:
    if months == 12:
        return _("1 year")
    if months and months % 12 == 0:
        return ngettext("{count} year", "{count} years", months // 12).format(count=months // 12)
    return ngettext("{count} month", "{count} months", months).format(count=months)


def _date_text(row: subs.SubscriptionRow, locale: str, *, long: bool = False) -> str:
    """The renewal or end date in words (``long``: the detail page's wording)."""
    day = format_day(row.renews_on, locale)
    if row.status in ("cancelled", "expired"):
        return _("Ended {date}").format(date=day)
    if row.status == "trial":
        return _("Trial ends {date}").format(date=day)
    if row.auto_renew:
        return (_("Auto-renews on {date}") if long else _("Renews {date}")).format(date=day)
    return (_("Ends on {date}") if long else _("Ends {date}")).format(date=day)


def list_row(row: subs.SubscriptionRow, locale: str) -> SubscriptionListRow:
    if row.per_user is not None:  # billed per monthly active user: no licences, no fixed subtotal
        licences, price = _("Per active user"), _("{price} per user per month").format(
            price=format_money(row.per_user, locale))
        subtotal = _("By usage")
    else:
        licences, price = f"{row.assigned} / {row.quantity}", format_money(row.unit_price, locale)
        subtotal = format_money(row.subtotal, locale)
    return SubscriptionListRow(
        id=str(row.id), href=f"/subscriptions/{row.id}", product=row.product, licences=licences,
        term=_term(row.term_months), status=status_label(row.status), color=status_color(row.status),
        date=_date_text(row, locale), price=price, subtotal=subtotal, self_service=row.is_self_service)


class SubscriptionsState(SessionState):
    status: str = ALL
    self_service: str = ALL
    rows: list[SubscriptionListRow] = []
    total: int = 0
    page_no: int = 1
    pages: int = 1
    filter_error: str = ""
    loaded: bool = False
    can_activate: bool = False
    account_status: str = ""
    account_color: str = "gray"
    account_text: str = ""
    account_days: str = ""
    can_deactivate: bool = False
    can_reactivate: bool = False
    key_input: str = ""
    key_error: str = ""

    field_errors: ClassVar[dict[str, str]] = {"status": "filter_error", "key": "key_error", "*": "filter_error"}

    @rx.event
    @signed_in(page=True)
    def load(self, actor: Actor, db: Session):
        query = dict(self.router.url.query_parameters)
        self.filter_error = ""
        self.status = query.get("status") or ALL
        self.self_service = query.get("self_service") if query.get("self_service") in ("yes", "no") else ALL
        page = int(query["page"]) if str(query.get("page", "")).isdigit() else 1
        try:
            found = subs.list_subscriptions(session=db, actor=actor, status="" if self.status == ALL else self.status,
                                            self_service="" if self.self_service == ALL else self.self_service,
                                            page=page)
        except ValidationFailed as exc:
            self.status = ALL
            self._service_error(exc)
            found = subs.list_subscriptions(session=db, actor=actor, self_service=self.self_service, page=page)
        self.rows = [list_row(r, actor.locale) for r in found.rows]
        self.total, self.page_no, self.pages = found.total, found.page, found.pages
        self.can_activate = actor.is_billing_admin
        self._show_account(actor, db)
        self.loaded = True

    def _show_account(self, actor: Actor, db: Session) -> None:
        view = accounts.account_status(session=db, actor=actor)
        self.account_status, self.account_color = status_label(view.status), status_color(view.status)
        self.account_text = _(view.explanation) if view.explanation else ""
        self.account_days = "" if view.days_left is None else ngettext(
            "{count} day left", "{count} days left", view.days_left).format(count=view.days_left)
        self.can_deactivate, self.can_reactivate = view.can_deactivate, view.can_reactivate

    @rx.event
    @signed_in
    def deactivate(self, actor: Actor, db: Session):
        ended = accounts.deactivate_account(session=db, actor=actor)
        return [rx.toast.success(ngettext(
                    "Account deactivated: {count} subscription ends with its current period.",
                    "Account deactivated: {count} subscriptions end with their current period.", ended).format(
                    count=ended)),
                rx.redirect(self._url(self.page_no))]

    @rx.event
    @signed_in
    def reactivate(self, actor: Actor, db: Session):
        restored = accounts.reactivate_account(session=db, actor=actor)
        return [rx.toast.success(ngettext("Account reactivated: {count} subscription restored.",
                                          "Account reactivated: {count} subscriptions restored.", restored).format(
                    count=restored)),
                rx.redirect(self._url(self.page_no))]

    @rx.event
    @signed_in(read_only=True)
    def set_key_input(self, value: str):
        self.key_input, self.key_error = value, ""

    @rx.event
    @signed_in
    def activate_key(self, actor: Actor, db: Session):
        """R-ACC-4: the key's seats add to the product's subscription."""
        done = activation_keys.activate_key(session=db, actor=actor, key=self.key_input)
        self.key_input = ""
        return [rx.toast.success(ngettext(
                    "Activated: {count} seat added to {product} ({total} in total).",
                    "Activated: {count} seats added to {product} ({total} in total).", done.seats).format(
                    count=done.seats, product=done.product, total=done.quantity)),
                rx.redirect(self._url(self.page_no))]

    def _url(self, page: int = 1) -> str:
        query = {k: v for k, v in (("status", self.status), ("self_service", self.self_service)) if v != ALL}
        if page > 1:
            query["page"] = str(page)
        return "/subscriptions" + (f"?{urlencode(query)}" if query else "")

    @rx.event
    @signed_in(read_only=True)
    def set_status(self, value: str):
        self.status = value if value in (ALL, *subs.STATUS_FILTERS) else ALL
        return rx.redirect(self._url())

    @rx.event
    @signed_in(read_only=True)
    def set_self_service(self, value: str):
        self.self_service = value if value in ("yes", "no") else ALL
        return rx.redirect(self._url())

    @rx.event
    @signed_in(read_only=True)
    def next_page(self):
        if self.page_no < self.pages:
            return rx.redirect(self._url(self.page_no + 1))

    @rx.event
    @signed_in(read_only=True)
    def previous_page(self):
        if self.page_no > 1:
            return rx.redirect(self._url(self.page_no - 1))

    @rx.var
    def status_options(self) -> list[Option]:
        return STATUS_OPTIONS

    @rx.var
    def self_service_options(self) -> list[Option]:
        return SELF_SERVICE_OPTIONS


# --- the subscription page ---------------------------------------------------------------------------
@dataclasses.dataclass
class HistoryRow:
    when: str
    who: str
    action: str
    detail: str


@dataclasses.dataclass
class PreviewRow:
    description: str
    amount: str


@dataclasses.dataclass
class InvoiceRow:
    number: str
    href: str
    date: str
    status: str
    color: str
    total: str


class SubscriptionState(SessionState):
    sub_id: str = ""
    not_found: bool = False
    product: str = ""
    status: str = ""
    status_color: str = "gray"
    status_code: str = ""
    licences: str = ""
    quantity: int = 0
    assigned: int = 0
    per_user: bool = False  # a plan billed per monthly active user: no licences to buy or remove
    term: str = ""
    period: str = ""
    renewal_text: str = ""
    end_date: str = ""
    auto_renew: bool = True
    price: str = ""
    subtotal: str = ""
    payment: str = ""
    paid_by_card: bool = False
    frequency: str = ""
    po_number: str = ""
    buyer: str = ""
    can_manage: bool = False
    partial_cancellation: bool = True
    scheduled_text: str = ""
    cancel_reason_text: str = ""
    history: list[HistoryRow] = []
    invoices: list[InvoiceRow] = []
    invoice_count: int = 0
    cards: list[Option] = []

    # licence change
    change_open: bool = False
    new_total: str = ""
    total_error: str = ""
    previewing: bool = False
    has_preview: bool = False
    preview_lines: list[PreviewRow] = []
    preview_effective: str = ""
    preview_summary: str = ""
    preview_net: str = ""
    preview_tax: str = ""
    preview_total: str = ""
    preview_next: str = ""
    _token: str = ""

    # PO number, payment method
    po_input: str = ""
    po_error: str = ""
    chosen_card: str = ""
    card_error: str = ""

    # cancellation
    cancel_open: bool = False
    cancel_reason: str = ""
    cancel_feedback: str = ""
    cancel_error: str = ""
    cancel_summary: str = ""
    cancel_fee: str = ""
    _cancel_fee_minor: int = 0
    action_error: str = ""

    field_errors: ClassVar[dict[str, str]] = {"new_total": "total_error", "payment": "total_error",
                                              "po_number": "po_error", "card": "card_error",
                                              "reason": "cancel_error", "feedback": "cancel_error",
                                              "*": "action_error"}

    def _id(self) -> int:
        return event_id(self.router.page.params.get("id", ""), "subscription")

    def _refresh(self, actor: Actor, db: Session) -> None:
        try:
            detail = subs.get_subscription(session=db, actor=actor, subscription_id=self._id())
        except NotFound:
            self.not_found = True
            return
        loc, row = actor.locale, detail.row
        self.not_found = False
        self.sub_id, self.product = str(row.id), row.product
        self.status, self.status_color, self.status_code = status_label(row.status), status_color(row.status), \
            row.status
        self.quantity, self.assigned = row.quantity, row.assigned
        self.per_user = row.per_user is not None
        self.licences = ngettext("{count} licence ({assigned} assigned)", "{count} licences ({assigned} assigned)",
                                 row.quantity).format(count=row.quantity, assigned=row.assigned)
        self.term = _term(row.term_months)
        self.period = f"{format_day(detail.period_start, loc)} – {format_day(row.renews_on, loc)}"
        self.end_date = format_day(row.renews_on, loc)
        self.auto_renew = row.auto_renew
        self.renewal_text = _date_text(row, loc, long=True)
        self.price = _("{price} per licence per year").format(price=format_money(row.unit_price, loc))
        self.subtotal = f"{row.quantity} x {format_money(row.unit_price, loc)} = {format_money(row.subtotal, loc)}"
        if row.per_user is not None:  # R-MAU-1: each period bills its monthly active users, not licences
            self.licences = _("None: billed per monthly active user")
            self.price = _("{price} per user per month").format(price=format_money(row.per_user, loc))
            self.subtotal = _("By usage (see Usage)")
        self.payment, self.paid_by_card = detail.payment_label, detail.payment_kind == "card"
        self.frequency = frequency_label(detail.billing_frequency)
        self.po_number, self.po_input = detail.po_number, detail.po_number
        self.buyer = detail.buyer
        self.can_manage, self.partial_cancellation = detail.can_manage, detail.partial_cancellation
        scheduled = row.scheduled_quantity
        self.scheduled_text = "" if scheduled is None else ngettext(
            "Scheduled: {count} licence from {date}", "Scheduled: {count} licences from {date}", scheduled,
        ).format(count=scheduled, date=format_day(row.renews_on, loc))
        self.cancel_reason_text = detail.cancel_reason
        self.history = [HistoryRow(format_moment(h.when, loc), h.who, h.action, h.detail) for h in detail.history]
        self.invoices = [InvoiceRow(i.number, f"/invoices/{i.number}", format_day(i.issue_date, loc),
                                    status_label(i.status), status_color(i.status), format_money(i.total, loc))
                         for i in detail.invoices]
        self.invoice_count = detail.invoice_count
        cards = wallet.list_cards(session=db, actor=actor) if actor.is_billing_admin and detail.can_manage else []
        self.cards = card_options(cards)

    def _clear(self) -> None:
        self.total_error = self.po_error = self.card_error = self.cancel_error = self.action_error = ""

    @rx.event
    @signed_in(page=True)
    def load(self, actor: Actor, db: Session):
        self._clear()
        self.change_open = self.cancel_open = self.has_preview = False
        self.chosen_card = ""
        self._refresh(actor, db)

    # --- licences ------------------------------------------------------------------------------
    @rx.event
    @signed_in(read_only=True)
    def open_change(self, more: bool):
        self._clear()
        self.has_preview = False
        self.new_total = str(self.quantity + 1 if more else max(self.quantity - 1, 1))
        self.change_open = True

    @rx.event
    @signed_in(read_only=True)
    def set_change_open(self, value: bool):
        self.change_open = value

    @rx.event
    @signed_in(read_only=True)
    def set_new_total(self, value: str):
        self.new_total, self.total_error, self.has_preview = value, "", False

    @rx.event
    @signed_in
    def preview(self, actor: Actor, db: Session):
        self.has_preview = False
        found = subs.preview_licence_change(session=db, actor=actor, subscription_id=self._id(),
                                            new_total=self.new_total)
        loc = actor.locale
        self.preview_lines = [PreviewRow(ln.description, format_money(ln.amount, loc)) for ln in found.lines]
        self.preview_net = format_money(found.subtotal, loc)
        self.preview_tax = format_money(found.tax, loc)
        self.preview_total = format_money(found.total, loc)
        self.preview_next = format_money(found.next_renewal, loc)
        self.preview_effective = found.effective
        words = {"old": found.old_quantity, "new": found.new_quantity}
        if found.effective == "renewal":
            self.preview_summary = _("{old} → {new} licences from the renewal on {date}. Nothing is charged or "
                                     "credited now; you can undo it until then.").format(
                date=format_day(found.effective_on, loc), **words)
        elif found.effective == "trial":
            self.preview_summary = _("{old} → {new} licences now. Nothing is charged during the trial.").format(**words)
        elif found.total.amount_minor >= 0:
            self.preview_summary = _("{old} → {new} licences now, charged to {payment} today (proration date "
                                     "{date}).").format(payment=found.payment_label,
                                                        date=format_day(found.proration_date, loc), **words)
        else:
            self.preview_summary = _("{old} → {new} licences now, credited with a credit note (proration date "
                                     "{date}).").format(date=format_day(found.proration_date, loc), **words)
        self._token = found.token
        self.has_preview = True

    @rx.event
    @signed_in
    def confirm_change(self, actor: Actor, db: Session):
        if not self.has_preview:
            self.total_error = _("Review the change first.")
            return
        result = subs.change_licences(session=db, actor=actor, subscription_id=self._id(), new_total=self.new_total,
                                      preview_token=self._token)
        self.change_open = self.has_preview = False
        self._refresh(actor, db)
        if result.effective == "renewal":
            return rx.toast.success(ngettext("{count} licence from the renewal on {date}.",
                                             "{count} licences from the renewal on {date}.", result.quantity).format(
                count=result.quantity, date=self.end_date))
        if result.document:
            return rx.toast.success(ngettext(
                "The subscription now has {count} licence ({document}: {amount}).",
                "The subscription now has {count} licences ({document}: {amount}).", result.quantity).format(
                count=result.quantity, document=result.document, amount=format_money(result.total, actor.locale)))
        return rx.toast.success(ngettext("The subscription now has {count} licence.",
                                         "The subscription now has {count} licences.", result.quantity).format(
            count=result.quantity))

    @rx.event
    @signed_in
    def undo_scheduled(self, actor: Actor, db: Session):
        subs.undo_scheduled_change(session=db, actor=actor, subscription_id=self._id())
        self._refresh(actor, db)
        return rx.toast.success(_("The scheduled change is withdrawn."))

    # --- auto-renew, PO number, card --------------------------------------------------------------
    @rx.event
    @signed_in
    def toggle_auto_renew(self, actor: Actor, db: Session):
        turn_on = not self.auto_renew
        subs.set_auto_renew(session=db, actor=actor, subscription_id=self._id(), on=turn_on)
        self._refresh(actor, db)
        if turn_on:
            return rx.toast.success(
                _("Auto-renew is on: the subscription renews on {date}.").format(date=self.end_date))
        return rx.toast.success(_("Auto-renew is off: the subscription ends on {date}.").format(date=self.end_date))

    @rx.event
    @signed_in(read_only=True)
    def set_po_input(self, value: str):
        self.po_input, self.po_error = value, ""

    @rx.event
    @signed_in
    def save_po(self, actor: Actor, db: Session):
        subs.set_po_number(session=db, actor=actor, subscription_id=self._id(), po_number=self.po_input)
        self._refresh(actor, db)
        if not self.po_number:
            return rx.toast.success(_("PO number removed."))
        return rx.toast.success(_("PO number saved: {po}.").format(po=self.po_number))

    @rx.event
    @signed_in(read_only=True)
    def set_chosen_card(self, value: str):
        self.chosen_card, self.card_error = value, ""

    @rx.event
    @signed_in
    def change_card(self, actor: Actor, db: Session):
        if not self.chosen_card:
            self.card_error = _("Choose the card that pays this subscription from now on.")
            return
        subs.set_payment_method(session=db, actor=actor, subscription_id=self._id(),
                                card_id=event_id(self.chosen_card, "payment method"))
        self.chosen_card = ""
        self._refresh(actor, db)
        return rx.toast.success(_("The subscription is now paid with {method}.").format(method=self.payment))

    # --- cancellation ---------------------------------------------------------------------------
    @rx.event
    @signed_in
    def open_cancel(self, actor: Actor, db: Session):
        self._clear()
        found = subs.preview_cancellation(session=db, actor=actor, subscription_id=self._id())
        loc = actor.locale
        self.cancel_summary = found.explanation if found.immediate else \
            f"The subscription ends on {format_day(found.ends_on, loc)}. {found.explanation}"
        self.cancel_fee = format_money(found.fee_total, loc) if found.fee.amount_minor else ""
        self._cancel_fee_minor = found.fee_total.amount_minor
        self.cancel_reason, self.cancel_feedback = "", ""
        self.cancel_open = True

    @rx.event
    @signed_in(read_only=True)
    def set_cancel_open(self, value: bool):
        self.cancel_open = value

    @rx.event
    @signed_in(read_only=True)
    def set_cancel_reason(self, value: str):
        self.cancel_reason, self.cancel_error = value, ""

    @rx.event
    @signed_in(read_only=True)
    def set_cancel_feedback(self, value: str):
        self.cancel_feedback = value

    @rx.event
    @signed_in
    def confirm_cancel(self, actor: Actor, db: Session):
        subs.cancel_subscription(session=db, actor=actor, subscription_id=self._id(), reason=self.cancel_reason,
                                 feedback=self.cancel_feedback, expected_fee_minor=self._cancel_fee_minor)
        self.cancel_open = False
        self._refresh(actor, db)
        done = _("{product}: {status}.").format(product=self.product, status=self.status)
        if self.cancel_fee:
            done += " " + _("The early termination fee of {fee} was invoiced.").format(fee=self.cancel_fee)
        return rx.toast.success(done)

    @rx.var
    def reason_options(self) -> list[Option]:
        return REASON_OPTIONS
