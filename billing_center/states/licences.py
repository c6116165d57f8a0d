"""Licences (R-LIC-2, R-SS-1): per product bought / assigned / available; a product's holders (search,
sort and pages in the URL and on the server), assigning by search and revoking; the admins'
read-only view of self-service purchases with take-over and the products members may buy."""

from __future__ import annotations

import dataclasses
from typing import ClassVar
from urllib.parse import urlencode

import reflex as rx
from sqlmodel import Session

from billing_center.components.ui import status_color
from billing_center.domain.enums import Role
from billing_center.domain.errors import Forbidden, NotFound, ValidationFailed
from billing_center.formatting import format_day, format_money
from billing_center.i18n import N_, _, ngettext, translate_error
from billing_center.labels import status_label
from billing_center.services import licences, self_service
from billing_center.services.actors import Actor
from billing_center.states.paging import KeysetPages
from billing_center.states.rows import blank
from billing_center.states.session import FieldErrors, SessionState, event_id, signed_in

ADMIN_NOTE = N_("Bought by a member with their own card: only the buyer can change it. Take it over to manage it "
                "as the organisation's.")


@dataclasses.dataclass
class ProductRow:
    id: str
    name: str
    bought: str
    assigned: str
    available: str
    percent: int
    href: str


@dataclasses.dataclass
class HolderRow:
    id: str
    name: str
    email: str
    team: str
    assigned: str


@dataclasses.dataclass
class PersonChoice:
    id: str
    name: str
    email: str


@dataclasses.dataclass
class PriceLine:
    description: str
    amount: str


@dataclasses.dataclass
class PurchaseRow:
    id: str
    product: str
    buyer: str
    quantity: str
    renewal: str
    price: str
    total: str
    status: str
    color: str
    assigned: str


@dataclasses.dataclass
class SettingRow:
    id: str
    product: str
    allowed: bool


def product_row(p: licences.ProductLicences) -> ProductRow:
    return ProductRow(id=str(p.product_id), name=p.product, bought=str(p.bought), assigned=str(p.assigned),
                      available=str(p.available), percent=round(100 * p.assigned / p.bought) if p.bought else 0,
                      href=f"/licences/{p.product_id}")


def purchase_row(p: self_service.Purchase, locale: str) -> PurchaseRow:
    renewal = ("Renews on " if p.auto_renew else "Expires on ") + format_day(p.renews_on, locale)
    names = ", ".join(p.assigned_names) + (f" and {p.assigned - len(p.assigned_names)} more"
                                           if p.assigned > len(p.assigned_names) else "")
    return PurchaseRow(id=str(p.id), product=p.product, buyer=f"{p.buyer} ({p.buyer_email})", quantity=str(p.quantity),
                       renewal=renewal, price=format_money(p.price_per_licence, locale) + " per licence per year",
                       total=format_money(p.total, locale), status=status_label(p.status),
                       color=status_color(p.status), assigned=names or "Nobody yet")


class LicencesState(SessionState):
    allowed: bool = True
    locked_message: str = ""
    products: list[ProductRow] = []
    purchases: list[PurchaseRow] = []
    settings: list[SettingRow] = []
    is_admin: bool = False
    loaded: bool = False

    def _load(self, actor: Actor, db: Session) -> None:
        self.products = [product_row(p) for p in licences.list_products(session=db, actor=actor)]
        self.is_admin = actor.role == Role.BILLING_ADMIN
        if self.is_admin:
            self.purchases = [purchase_row(p, actor.locale)
                              for p in self_service.list_purchases(session=db, actor=actor)]
            self.settings = [SettingRow(str(s.product_id), s.product, s.allowed)
                             for s in self_service.product_settings(session=db, actor=actor)]

    @rx.event
    @signed_in(page=True)
    def load(self, actor: Actor, db: Session):
        self.locked_message = self._refusal(lambda: self._load(actor, db))
        self.allowed, self.loaded = not self.locked_message, True
        if not self.allowed:
            self.products = []

    @rx.event
    @signed_in
    def take_over(self, actor: Actor, db: Session, subscription_id: str):
        product = self_service.take_over(session=db, actor=actor, subscription_id=event_id(subscription_id, "purchase"),
                                         ip=self._client_ip())
        self._load(actor, db)
        return rx.toast.success(
            _("{product} is now managed by your organisation; the buyer was told by e-mail.").format(product=product))

    @rx.event
    @signed_in
    def set_allowed(self, actor: Actor, db: Session, product_id: str, value: str):
        allowed = value == "allow"
        name = self_service.set_purchase_allowed(session=db, actor=actor, product_id=event_id(product_id, "product"),
                                                 allowed=allowed, ip=self._client_ip())
        self._load(actor, db)
        if allowed:
            return rx.toast.success(_("Members may buy {product} themselves.").format(product=name))
        return rx.toast.success(_("Members may not buy {product} themselves.").format(product=name))


@dataclasses.dataclass
class BuyPreview:
    """The price of the missing licences, as the buy dialog states it before anything is paid."""

    title: str
    lines: list[PriceLine]
    tax: str
    total: str
    payment: str
    renewal: str


def buy_preview(plan: licences.PurchasePlan, locale: str) -> BuyPreview:
    preview = plan.preview
    return BuyPreview(
        title=_("Buy {extra} more {product} licences and assign {people} people").format(
            extra=plan.extra, product=preview.product, people=plan.people),
        lines=[PriceLine(line.description, format_money(line.amount, locale)) for line in preview.lines],
        tax=format_money(preview.tax, locale), total=format_money(preview.total, locale),
        payment=preview.payment_label,
        renewal=(f"From {format_day(preview.effective_on, locale)} the subscription has "
                 f"{preview.new_quantity} licences; the next renewal costs "
                 f"{format_money(preview.next_renewal, locale)}."))


class LicenceHoldersState(KeysetPages, FieldErrors, SessionState):
    found: bool = True
    locked_message: str = ""
    product_id: str = ""
    product: str = ""
    bought: int = 0
    assigned: int = 0
    available: int = 0

    query: str = ""
    leave_resets: ClassVar[tuple[str, ...]] = ("query",)
    sort: str = "name"
    rows: list[HolderRow] = []
    total: int = 0
    selected: list[str] = []

    search_text: str = ""
    candidates: list[PersonChoice] = []
    picked: list[PersonChoice] = []
    short: int = 0
    loaded: bool = False

    buy_open: bool = False
    buy: BuyPreview = blank(BuyPreview)
    _buy_token: str = ""

    # ``errors`` keys: assign (the people to assign) and list (the holders' list)
    field_errors: ClassVar[dict[str, str]] = {"people": "assign", "cursor": "list", "sort": "list"}

    def _id(self) -> int:
        return event_id(self.product_id, "product")

    def _fetch(self, actor: Actor, db: Session, cursor: str) -> None:
        page = licences.list_holders(session=db, actor=actor, product_id=self._id(), query=self.query,
                                     sort=self.sort, cursor=cursor or None)
        self.product, self.total = page.product.product, page.total
        self.bought, self.assigned, self.available = (page.product.bought, page.product.assigned,
                                                      page.product.available)
        self.rows = [HolderRow(str(h.person_id), h.name, h.email, h.team or "-", format_day(h.assigned_at.date(),
                                                                                            actor.locale))
                     for h in page.rows]
        self.selected = []
        self._page_shown(page.next_cursor)

    @rx.event
    @signed_in(page=True)
    def load(self, actor: Actor, db: Session):
        params = self.router.url.query_parameters
        self.product_id = str(self.router.page.params.get("product", "") or "")
        self.query = str(params.get("q", "") or "")[:100]
        self.sort = str(params.get("sort", "") or "name")
        self._clear_errors("list", "assign")
        self.search_text = ""
        self.candidates, self.picked, self.short, self.found = [], [], 0, True
        try:
            self._first_page(actor, db)
        except ValidationFailed as exc:
            self._service_error(exc)
            self.sort = "name"
            self._first_page(actor, db)
        except (Forbidden, NotFound) as exc:  # another organisation's product looks like a missing one
            self.found, self.locked_message = False, translate_error(exc)
        self.loaded = True

    def _url(self) -> str:
        # The product of the page the event came from (its router data): a search sent before the page's
        # load ran would otherwise go to the product of this tab's previous visit, or to none.
        product = str(self.router.page.params.get("product", "") or self.product_id)
        query = {k: v for k, v in (("q", self.query.strip()), ("sort", self.sort if self.sort != "name" else ""))
                 if v}
        return f"/licences/{product}" + (f"?{urlencode(query)}" if query else "")

    @rx.event
    @signed_in(read_only=True)
    def search_holders(self, actor: Actor, db: Session, form_data: dict | None = None):
        query = str(form_data.get("q") or "")[:100] if form_data and "q" in form_data else self.query
        return self._show_list(actor, db, query=query)

    @rx.event
    @signed_in(read_only=True)
    def set_sort(self, actor: Actor, db: Session, value: str):
        return self._show_list(actor, db, sort=value if value in licences.SORTS else "name")

    def _show_list(self, actor: Actor, db: Session, **chosen: str):
        """The holders as the search and sort now ask (``chosen``: the one just changed); in place only on
        the product this state shows (an event sent before a new product's load ran goes to its URL)."""
        for name, value in chosen.items():
            setattr(self, name, value)
        url = self._url()
        if url.split("?")[0] != f"/licences/{self.product_id}":
            return rx.redirect(url)
        return self._first_page_at(actor, db, url)

    @rx.event
    @signed_in(read_only=True)
    def toggle_selected(self, person_id: str, checked: bool):
        rest = [s for s in self.selected if s != person_id]
        self.selected = [*rest, person_id] if checked else rest

    @rx.event
    @signed_in(read_only=True)
    def toggle_page(self, checked: bool):
        self.selected = [r.id for r in self.rows] if checked else []

    # --- assigning ------------------------------------------------------------------------------
    @rx.event
    @signed_in
    def search_people(self, actor: Actor, db: Session, value: str):
        self.search_text = value[:100]
        found = licences.search_people(session=db, actor=actor, product_id=self._id(), query=self.search_text)
        chosen = {p.id for p in self.picked}
        self.candidates = [PersonChoice(str(c.person_id), c.name, c.email) for c in found
                           if str(c.person_id) not in chosen]

    @rx.event
    @signed_in(read_only=True)
    def pick(self, person_id: str):
        choice = next((c for c in self.candidates if c.id == person_id), None)
        if choice is None:
            return
        if len(self.picked) >= licences.MAX_AT_ONCE:
            self._show_error("assign", _("At most {count} people at a time: assign these first.").format(
                count=licences.MAX_AT_ONCE))
            return
        self.picked = [*self.picked, choice]
        self.candidates = [c for c in self.candidates if c.id != person_id]
        self._clear_errors("assign")
        self.short = 0

    @rx.event
    @signed_in(read_only=True)
    def unpick(self, person_id: str):
        self.picked = [p for p in self.picked if p.id != person_id]
        self._clear_errors("assign")
        self.short = 0

    @rx.event
    @signed_in
    def assign(self, actor: Actor, db: Session):
        self._clear_errors("assign")
        self.short = 0
        ids = [event_id(p.id, "person") for p in self.picked]
        try:
            result = licences.assign_licences(session=db, actor=actor, product_id=self._id(), person_ids=ids,
                                              ip=self._client_ip())
        except licences.NotEnoughLicences as exc:
            self._show_error("assign", translate_error(exc))
            self.short = exc.short
            return None
        self.picked, self.candidates, self.search_text = [], [], ""
        self._first_page(actor, db)
        message = ngettext("{count} licence of {product} assigned.", "{count} licences of {product} assigned.",
                           result.assigned).format(count=result.assigned, product=result.product)
        if result.already:
            message += " " + ngettext("{count} already had one.", "{count} already had one.",
                                      result.already).format(count=result.already)
        return rx.toast.success(message)

    # --- buying the missing licences ----------------------------------------------------------
    @rx.event
    @signed_in
    def preview_buy(self, actor: Actor, db: Session):
        ids = [event_id(p.id, "person") for p in self.picked]
        plan = licences.preview_buy_and_assign(session=db, actor=actor, product_id=self._id(), person_ids=ids)
        self.buy = buy_preview(plan, actor.locale)
        self._buy_token, self.buy_open = plan.preview.token, True

    @rx.event
    @signed_in(read_only=True)
    def close_buy(self):
        self.buy_open, self._buy_token = False, ""

    @rx.event
    @signed_in
    def confirm_buy(self, actor: Actor, db: Session):
        ids = [event_id(p.id, "person") for p in self.picked]
        token, total = self._buy_token, self.buy.total
        self.buy_open, self._buy_token = False, ""
        result = licences.buy_and_assign(session=db, actor=actor, product_id=self._id(), person_ids=ids,
                                         preview_token=token, ip=self._client_ip())
        self.picked, self.candidates, self.search_text, self.short = [], [], "", 0
        self._clear_errors("assign")
        self._first_page(actor, db)
        return rx.toast.success(ngettext("Paid {total}; {count} licence of {product} assigned.",
                                         "Paid {total}; {count} licences of {product} assigned.",
                                         result.assigned).format(total=total, count=result.assigned,
                                                                 product=result.product))

    # --- revoking -------------------------------------------------------------------------------
    @rx.event
    @signed_in
    def revoke_selected(self, actor: Actor, db: Session):
        ids = [event_id(s, "licence holder") for s in self.selected]
        count = licences.revoke_licences(session=db, actor=actor, product_id=self._id(), person_ids=ids,
                                         ip=self._client_ip())
        self._first_page(actor, db)
        return rx.toast.success(ngettext("{count} licence unassigned; it is available again.",
                                         "{count} licences unassigned; they are available again.", count).format(
            count=count))
