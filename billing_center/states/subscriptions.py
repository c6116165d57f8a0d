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
from billing_center.states.rows import Option, blank, card_options, options
from billing_center.states.session import FieldErrors, SessionState, event_id, field_setter, signed_in

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


@dataclasses.dataclass
class AccountStatus:
    """The account's status above the list (R-ACC-3): its badge, why, the days left, what can be done."""

    status: str
    color: str
    text: str
    days: str
    can_deactivate: bool
    can_reactivate: bool


def account_view(view: accounts.AccountView) -> AccountStatus:
    return AccountStatus(
        status=status_label(view.status), color=status_color(view.status),
        text=_(view.explanation) if view.explanation else "",
        days="" if view.days_left is None else ngettext(
            "{count} day left", "{count} days left", view.days_left).format(count=view.days_left),
        can_deactivate=view.can_deactivate, can_reactivate=view.can_reactivate)


class SubscriptionsState(FieldErrors, SessionState):
    status: str = ALL
    self_service: str = ALL
    rows: list[SubscriptionListRow] = []
    total: int = 0
    page_no: int = 1
    pages: int = 1
    loaded: bool = False
    can_activate: bool = False
    account: AccountStatus = blank(AccountStatus, color="gray")
    key_input: str = ""

    # ``errors`` keys: filter (the filters, and any other refusal) and key (the activation key)
    field_errors: ClassVar[dict[str, str]] = {"status": "filter", "key": "key", "*": "filter"}

    @rx.event
    @signed_in(page=True)
    def load(self, actor: Actor, db: Session):
        query = dict(self.router.url.query_parameters)
        self._clear_errors("filter")
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
        self.account = account_view(accounts.account_status(session=db, actor=actor))
        self.loaded = True

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

    set_key_input = field_setter("key_input", clears=("key",), read_only=True)

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


@dataclasses.dataclass
class SubscriptionDetail:
    """The subscription as its page shows it (:func:`detail_view`)."""

    product: str
    status: str
    status_color: str
    status_code: str
    licences: str
    quantity: int
    assigned: int
    per_user: bool  # a plan billed per monthly active user: no licences to buy or remove
    term: str
    period: str
    renewal_text: str
    end_date: str
    auto_renew: bool
    price: str
    subtotal: str
    payment: str
    frequency: str
    po_number: str
    buyer: str
    can_manage: bool
    partial_cancellation: bool
    scheduled_text: str
    cancel_reason_text: str
    history: list[HistoryRow]
    invoices: list[InvoiceRow]


def detail_view(detail: subs.SubscriptionDetail, loc: str) -> SubscriptionDetail:
    row = detail.row
    licences = ngettext("{count} licence ({assigned} assigned)", "{count} licences ({assigned} assigned)",
                        row.quantity).format(count=row.quantity, assigned=row.assigned)
    price = _("{price} per licence per year").format(price=format_money(row.unit_price, loc))
    subtotal = f"{row.quantity} x {format_money(row.unit_price, loc)} = {format_money(row.subtotal, loc)}"
    if row.per_user is not None:  # R-MAU-1: each period bills its monthly active users, not licences
        licences = _("None: billed per monthly active user")
        price = _("{price} per user per month").format(price=format_money(row.per_user, loc))
        subtotal = _("By usage (see Usage)")
    scheduled = row.scheduled_quantity
    return SubscriptionDetail(
        product=row.product, status=status_label(row.status), status_color=status_color(row.status),
        status_code=row.status, licences=licences, quantity=row.quantity, assigned=row.assigned,
        per_user=row.per_user is not None, term=_term(row.term_months),
        period=f"{format_day(detail.period_start, loc)} – {format_day(row.renews_on, loc)}",
        renewal_text=_date_text(row, loc, long=True), end_date=format_day(row.renews_on, loc),
        auto_renew=row.auto_renew, price=price, subtotal=subtotal, payment=detail.payment_label,
        frequency=frequency_label(detail.billing_frequency), po_number=detail.po_number, buyer=detail.buyer,
        can_manage=detail.can_manage, partial_cancellation=detail.partial_cancellation,
        scheduled_text="" if scheduled is None else ngettext(
            "Scheduled: {count} licence from {date}", "Scheduled: {count} licences from {date}", scheduled,
        ).format(count=scheduled, date=format_day(row.renews_on, loc)),
        cancel_reason_text=detail.cancel_reason,
        history=[HistoryRow(format_moment(h.when, loc), h.who, h.action, h.detail) for h in detail.history],
        invoices=[InvoiceRow(i.number, f"/invoices/{i.number}", format_day(i.issue_date, loc),
                             status_label(i.status), status_color(i.status), format_money(i.total, loc))
                  for i in detail.invoices])


@dataclasses.dataclass
class LicenceChangePreview:
    """What a new licence total does, as the change dialog shows it before the person confirms."""

    summary: str
    lines: list[PreviewRow]
    net: str
    tax: str
    total: str
    next_renewal: str


def _preview_summary(found: subs.LicencePreview, loc: str) -> str:
    words = {"old": found.old_quantity, "new": found.new_quantity}
    if found.effective == "renewal":
        return _("{old} → {new} licences from the renewal on {date}. Nothing is charged or "
                 "credited now; you can undo it until then.").format(date=format_day(found.effective_on, loc), **words)
    if found.effective == "trial":
        return _("{old} → {new} licences now. Nothing is charged during the trial.").format(**words)
    if found.total.amount_minor >= 0:
        return _("{old} → {new} licences now, charged to {payment} today (proration date "
                 "{date}).").format(payment=found.payment_label, date=format_day(found.proration_date, loc), **words)
    return _("{old} → {new} licences now, credited with a credit note (proration date "
             "{date}).").format(date=format_day(found.proration_date, loc), **words)


def preview_view(found: subs.LicencePreview, loc: str) -> LicenceChangePreview:
    return LicenceChangePreview(
        summary=_preview_summary(found, loc),
        lines=[PreviewRow(ln.description, format_money(ln.amount, loc)) for ln in found.lines],
        net=format_money(found.subtotal, loc), tax=format_money(found.tax, loc),
        total=format_money(found.total, loc), next_renewal=format_money(found.next_renewal, loc))


@dataclasses.dataclass
class CancellationPreview:
    """What cancelling does, as the cancel dialog states it: when it ends and the fee, if any."""

    summary: str
    fee: str  # "" without an early termination fee


def cancellation_view(found: subs.CancellationPreview, loc: str) -> CancellationPreview:
    return CancellationPreview(
        summary=found.explanation if found.immediate else
        f"The subscription ends on {format_day(found.ends_on, loc)}. {found.explanation}",
        fee=format_money(found.fee_total, loc) if found.fee.amount_minor else "")


class SubscriptionState(FieldErrors, SessionState):
    not_found: bool = False
    detail: SubscriptionDetail = blank(SubscriptionDetail, status_color="gray", auto_renew=True,
                                       partial_cancellation=True)
    cards: list[Option] = []

    # licence change
    change_open: bool = False
    new_total: str = ""
    has_preview: bool = False
    change_preview: LicenceChangePreview = blank(LicenceChangePreview)
    _token: str = ""

    # PO number, payment method
    po_input: str = ""
    chosen_card: str = ""

    # cancellation
    cancel_open: bool = False
    cancel_reason: str = ""
    cancel_feedback: str = ""
    cancellation: CancellationPreview = blank(CancellationPreview)
    _cancel_fee_minor: int = 0

    # ``errors`` keys: total (the new licence total), po, card, cancel and action (the rest)
    field_errors: ClassVar[dict[str, str]] = {"new_total": "total", "payment": "total", "po_number": "po",
                                              "card": "card", "reason": "cancel", "feedback": "cancel",
                                              "*": "action"}

    def _id(self) -> int:
        return event_id(self.router.page.params.get("id", ""), "subscription")

    def _refresh(self, actor: Actor, db: Session) -> None:
        try:
            detail = subs.get_subscription(session=db, actor=actor, subscription_id=self._id())
        except NotFound:
            self.not_found = True
            return
        self.not_found = False
        self.detail = detail_view(detail, actor.locale)
        self.po_input = detail.po_number
        cards = wallet.list_cards(session=db, actor=actor) if actor.is_billing_admin and detail.can_manage else []
        self.cards = card_options(cards)

    @rx.event
    @signed_in(page=True)
    def load(self, actor: Actor, db: Session):
        self._clear_errors()
        self.change_open = self.cancel_open = self.has_preview = False
        self.chosen_card = ""
        self._refresh(actor, db)

    # --- licences ------------------------------------------------------------------------------
    @rx.event
    @signed_in(read_only=True)
    def open_change(self, more: bool):
        self._clear_errors()
        self.has_preview = False
        quantity = self.detail.quantity
        self.new_total = str(quantity + 1 if more else max(quantity - 1, 1))
        self.change_open = True

    set_change_open = field_setter("change_open", bool, read_only=True)

    @rx.event
    @signed_in(read_only=True)
    def set_new_total(self, value: str):
        self.new_total, self.has_preview = value, False
        self._clear_errors("total")

    @rx.event
    @signed_in
    def preview(self, actor: Actor, db: Session):
        self.has_preview = False
        found = subs.preview_licence_change(session=db, actor=actor, subscription_id=self._id(),
                                            new_total=self.new_total)
        self.change_preview = preview_view(found, actor.locale)
        self._token = found.token
        self.has_preview = True

    @rx.event
    @signed_in
    def confirm_change(self, actor: Actor, db: Session):
        if not self.has_preview:
            raise ValidationFailed("new_total", "Review the change first.")
        result = subs.change_licences(session=db, actor=actor, subscription_id=self._id(), new_total=self.new_total,
                                      preview_token=self._token)
        self.change_open = self.has_preview = False
        self._refresh(actor, db)
        if result.effective == "renewal":
            return rx.toast.success(ngettext("{count} licence from the renewal on {date}.",
                                             "{count} licences from the renewal on {date}.", result.quantity).format(
                count=result.quantity, date=self.detail.end_date))
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
        turn_on = not self.detail.auto_renew
        subs.set_auto_renew(session=db, actor=actor, subscription_id=self._id(), on=turn_on)
        self._refresh(actor, db)
        if turn_on:
            return rx.toast.success(
                _("Auto-renew is on: the subscription renews on {date}.").format(date=self.detail.end_date))
        return rx.toast.success(
            _("Auto-renew is off: the subscription ends on {date}.").format(date=self.detail.end_date))

    set_po_input = field_setter("po_input", clears=("po",), read_only=True)

    @rx.event
    @signed_in
    def save_po(self, actor: Actor, db: Session):
        subs.set_po_number(session=db, actor=actor, subscription_id=self._id(), po_number=self.po_input)
        self._refresh(actor, db)
        if not self.detail.po_number:
            return rx.toast.success(_("PO number removed."))
        return rx.toast.success(_("PO number saved: {po}.").format(po=self.detail.po_number))

    set_chosen_card = field_setter("chosen_card", clears=("card",), read_only=True)

    @rx.event
    @signed_in
    def change_card(self, actor: Actor, db: Session):
        if not self.chosen_card:
            raise ValidationFailed("card", "Choose the card that pays this subscription from now on.")
        subs.set_payment_method(session=db, actor=actor, subscription_id=self._id(),
                                card_id=event_id(self.chosen_card, "payment method"))
        self.chosen_card = ""
        self._refresh(actor, db)
        return rx.toast.success(_("The subscription is now paid with {method}.").format(method=self.detail.payment))

    # --- cancellation ---------------------------------------------------------------------------
    @rx.event
    @signed_in
    def open_cancel(self, actor: Actor, db: Session):
        self._clear_errors()
        found = subs.preview_cancellation(session=db, actor=actor, subscription_id=self._id())
        self.cancellation = cancellation_view(found, actor.locale)
        self._cancel_fee_minor = found.fee_total.amount_minor
        self.cancel_reason, self.cancel_feedback = "", ""
        self.cancel_open = True

    set_cancel_open = field_setter("cancel_open", bool, read_only=True)
    set_cancel_reason = field_setter("cancel_reason", clears=("cancel",), read_only=True)
    set_cancel_feedback = field_setter("cancel_feedback", read_only=True)

    @rx.event
    @signed_in
    def confirm_cancel(self, actor: Actor, db: Session):
        subs.cancel_subscription(session=db, actor=actor, subscription_id=self._id(), reason=self.cancel_reason,
                                 feedback=self.cancel_feedback, expected_fee_minor=self._cancel_fee_minor)
        self.cancel_open = False
        self._refresh(actor, db)
        done = _("{product}: {status}.").format(product=self.detail.product, status=self.detail.status)
        if self.cancellation.fee:
            done += " " + _("The early termination fee of {fee} was invoiced.").format(fee=self.cancellation.fee)
        return rx.toast.success(done)

    @rx.var
    def reason_options(self) -> list[Option]:
        return REASON_OPTIONS
