"""Subscriptions and their life (billing_center/services/subscriptions.py, issue 8): the list and page
(R-LIC-4, R-SS-1), changing the licence total with an exact proration preview (R-LIC-1), auto-renew,
PO number and cancellation with the early termination fee (R-LIC-3, R-ACC-3)."""

from __future__ import annotations

from datetime import timedelta
from fractions import Fraction

import pytest
import time_machine
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from sqlmodel import Session, func, select

from billing_center import i18n
from billing_center.domain import clock
from billing_center.domain.errors import Conflict, Forbidden, NotFound, ValidationFailed
from billing_center.domain.money import Money, tax_on
from billing_center.domain.proration import round_fraction
from billing_center.models import (
    AuditEvent,
    CreditNote,
    Invoice,
    InvoiceLine,
    LicenceAssignment,
    Organisation,
    Payment,
    Product,
    Subscription,
)
from billing_center.services import subscriptions as subs
from billing_center.services.invoicing import tax_rate_for
from billing_center.settings import get_settings
from tests import factories


class Recorder:
    """A gateway that charges every token except those starting with ``tok_decline``."""

    def __init__(self):
        self.charges = []

    def charge(self, *, token, amount, idempotency_key, description=""):
        from billing_center.payments.gateway import CardDeclined, Charge

        if token.startswith("tok_decline"):
            raise CardDeclined("card_declined", "Your card was declined.")
        self.charges.append((token, amount, idempotency_key))
        return Charge(charge_id=f"ch_{len(self.charges)}", amount=amount, brand="Visa", last4="4242")


def mid_term(session: Session, org: Organisation, *, used_days: int = 165, quantity: int = 5, **fields):
    """An annual subscription bought ``used_days`` ago, with its purchase invoice, paid by card."""
    card = fields.pop("card", None) or factories.card(session, org)
    start = clock.today() - timedelta(days=used_days)
    sub = factories.subscription(session, org, card=card, quantity=quantity, start_date=start,
                                 renews_on=clock.add_months(start, 12), **fields)
    factories.invoice(session, org, amount_minor=sub.unit_price_minor, quantity=quantity, issue_date=start,
                      subscription_id=sub.id, status="paid")
    return sub


def count(session: Session, model, *where) -> int:
    return session.exec(select(func.count()).select_from(model).where(*where)).one()


def expected_line(unit: int, quantity: int, sub: Subscription, on) -> int:
    left, term = (sub.renews_on - on).days, (sub.renews_on - subs.period_start(sub)).days
    return round_fraction(Fraction(unit * quantity * left, term))


# --- the list and the page --------------------------------------------------------------------------
def test_the_demo_list_shows_what_the_seeds_describe(session, flexis_admin):
    page = subs.list_subscriptions(session=session, actor=flexis_admin)
    by_product = {r.product: r for r in page.rows}
    exchange = by_product["Exchange Online (Plan 1)"]
    assert (exchange.quantity, exchange.unit_price, exchange.subtotal) == (5, Money(5400, "EUR"), Money(27000, "EUR"))
    assert by_product["Office 365 E3"].quantity == 25 and by_product["Office 365 E3"].status == "trial"
    assert by_product["SharePoint Online (Plan 1)"].is_self_service
    assert "Learning Manager (per learner)" in by_product
    assert exchange.assigned == count(session, LicenceAssignment, LicenceAssignment.subscription_id == exchange.id,
                                      LicenceAssignment.revoked_at.is_(None))


def test_filters_by_status_and_self_service(session, flexis_admin):
    trials = subs.list_subscriptions(session=session, actor=flexis_admin, status="trial").rows
    assert [r.product for r in trials] == ["Office 365 E3"]
    own = subs.list_subscriptions(session=session, actor=flexis_admin, self_service="yes").rows
    assert [r.product for r in own] == ["SharePoint Online (Plan 1)"]
    with pytest.raises(ValidationFailed):
        subs.list_subscriptions(session=session, actor=flexis_admin, status="nonsense")


def test_pages_are_cut_on_the_server(session, org, org_admin):
    for _ in range(30):
        factories.subscription(session, org)
    first = subs.list_subscriptions(session=session, actor=org_admin, page=1)
    second = subs.list_subscriptions(session=session, actor=org_admin, page=2)
    assert (first.total, first.pages, len(first.rows), len(second.rows)) == (30, 2, 25, 5)
    assert not {r.id for r in first.rows} & {r.id for r in second.rows}


def test_a_buyer_sees_only_what_they_bought_and_another_organisation_nothing(session, buyer, contoso_admin,
                                                                           flexis_admin):
    mine = subs.list_subscriptions(session=session, actor=buyer).rows
    assert [r.product for r in mine] == ["SharePoint Online (Plan 1)"]
    flexis_ids = [r.id for r in subs.list_subscriptions(session=session, actor=flexis_admin).rows]
    assert not {r.id for r in subs.list_subscriptions(session=session, actor=contoso_admin).rows} & set(flexis_ids)
    for sub_id in flexis_ids:
        with pytest.raises(NotFound) as other:
            subs.get_subscription(session=session, actor=contoso_admin, subscription_id=sub_id)
        with pytest.raises(NotFound) as missing:
            subs.get_subscription(session=session, actor=contoso_admin, subscription_id=10**9)
        assert other.value.message == missing.value.message
    with pytest.raises(NotFound):
        subs.get_subscription(session=session, actor=flexis_admin, subscription_id="1; drop table")


def test_an_admin_reads_a_self_service_subscription_but_only_its_buyer_changes_it(session, flexis_admin, buyer):
    sharepoint = subs.list_subscriptions(session=session, actor=buyer).rows[0]
    page = subs.get_subscription(session=session, actor=flexis_admin, subscription_id=sharepoint.id)
    assert page.buyer == "Mila Bakker" and not page.can_manage
    with pytest.raises(Forbidden):
        subs.set_auto_renew(session=session, actor=flexis_admin, subscription_id=sharepoint.id, on=False)
    assert subs.get_subscription(session=session, actor=buyer, subscription_id=sharepoint.id).can_manage


# --- changing the licence total -----------------------------------------------------------------------
def test_the_preview_prices_each_line_once_and_the_invoice_equals_it(session, org, org_admin):
    sub = mid_term(session, org)
    gateway = Recorder()
    preview = subs.preview_licence_change(session=session, actor=org_admin, subscription_id=sub.id, new_total="7")
    today = clock.today()
    credit, charge = (ln.amount.amount_minor for ln in preview.lines)
    assert credit == -expected_line(5400, 5, sub, today) and charge == expected_line(5400, 7, sub, today)
    assert preview.subtotal.amount_minor == credit + charge
    rate, _ = tax_rate_for(org, get_settings().seller_country)
    # The VAT of the change is the VAT of its net, rounded once (the invoice's lines share it out).
    assert preview.total == preview.subtotal + tax_on(preview.subtotal, rate)
    assert preview.next_renewal.amount_minor == 7 * 5400 + tax_on(Money(7 * 5400, "EUR"), rate).amount_minor

    # confirmed later the same day: the invoice equals the preview to the minor unit
    with time_machine.travel(clock.at(today, 23, 59), tick=False):
        result = subs.change_licences(session=session, actor=org_admin, subscription_id=sub.id, new_total="7",
                                      preview_token=preview.token, gateway=gateway)
    invoice = session.exec(select(Invoice).where(Invoice.number == result.document)).one()
    lines = session.exec(select(InvoiceLine).where(InvoiceLine.invoice_id == invoice.id)
                         .order_by(InvoiceLine.position)).all()
    assert [ln.amount_minor for ln in lines] == [credit, charge]
    assert invoice.total_minor == preview.total.amount_minor and invoice.status == "paid"
    assert [c[1] for c in gateway.charges] == [preview.total]
    assert session.get(Subscription, sub.id).quantity == 7
    history = subs.get_subscription(session=session, actor=org_admin, subscription_id=sub.id).history
    assert history[0].action == "Licences changed" and history[0].who == org_admin.email


def test_a_preview_of_another_day_or_a_second_confirm_changes_nothing(session, org, org_admin):
    sub = mid_term(session, org)
    gateway = Recorder()
    with time_machine.travel(clock.at(clock.today() - timedelta(days=1), 12), tick=False):
        old = subs.preview_licence_change(session=session, actor=org_admin, subscription_id=sub.id, new_total=7)
    with pytest.raises(Conflict):
        subs.change_licences(session=session, actor=org_admin, subscription_id=sub.id, new_total=7,
                             preview_token=old.token, gateway=gateway)
    preview = subs.preview_licence_change(session=session, actor=org_admin, subscription_id=sub.id, new_total=7)
    subs.change_licences(session=session, actor=org_admin, subscription_id=sub.id, new_total=7,
                         preview_token=preview.token, gateway=gateway)
    invoices = count(session, Invoice, Invoice.subscription_id == sub.id)
    with pytest.raises(Conflict, match="now 7"):  # the double click
        subs.change_licences(session=session, actor=org_admin, subscription_id=sub.id, new_total=7,
                             preview_token=preview.token, gateway=gateway)
    assert count(session, Invoice, Invoice.subscription_id == sub.id) == invoices and len(gateway.charges) == 1


@pytest.mark.parametrize(("value", "message"), [
    ("abc", "whole number"), ("-3", "negative"), ("0", "cancel the subscription"), ("3501", "at most 3500"),
    ("5", "already has 5"), ("2", "3 licences are assigned. Unassign 1"), ("", "Enter the new total"),
    ("99999999999", "at most 3500"),
])
def test_bad_totals_get_a_clear_message(session, org, org_admin, value, message):
    sub = mid_term(session, org)
    for person in [factories.person(session, org) for _ in range(3)]:
        session.add(LicenceAssignment(organisation_id=org.id, subscription_id=sub.id, person_id=person.id))
    session.flush()
    with pytest.raises(ValidationFailed, match=message):
        subs.preview_licence_change(session=session, actor=org_admin, subscription_id=sub.id, new_total=value)
    with pytest.raises(ValidationFailed, match=message):
        subs.change_licences(session=session, actor=org_admin, subscription_id=sub.id, new_total=value,
                             preview_token=f"{clock.today().isoformat()}~5~{value}~0", gateway=Recorder())
    assert session.get(Subscription, sub.id).quantity == 5


def test_a_declined_card_changes_nothing(session, org, org_admin):
    card = factories.card(session, org, processor_token="tok_decline_1")
    sub = mid_term(session, org, card=card)
    before = count(session, Invoice)
    preview = subs.preview_licence_change(session=session, actor=org_admin, subscription_id=sub.id, new_total=9)
    with pytest.raises(ValidationFailed, match="not charged"), session.begin_nested():
        subs.change_licences(session=session, actor=org_admin, subscription_id=sub.id, new_total=9,
                             preview_token=preview.token, gateway=Recorder())
    session.expire_all()
    assert session.get(Subscription, sub.id).quantity == 5 and count(session, Invoice) == before


def test_a_decrease_within_7_days_is_credited_now(session, org, org_admin):
    sub = mid_term(session, org, used_days=3, quantity=10)
    preview = subs.preview_licence_change(session=session, actor=org_admin, subscription_id=sub.id, new_total=4)
    assert preview.effective == "now" and preview.total.amount_minor < 0
    result = subs.change_licences(session=session, actor=org_admin, subscription_id=sub.id, new_total=4,
                                  preview_token=preview.token, gateway=Recorder())
    note = session.exec(select(CreditNote).where(CreditNote.number == result.document)).one()
    assert note.total_minor == -preview.total.amount_minor
    assert note.subtotal_minor + note.tax_minor == note.total_minor
    assert session.get(Subscription, sub.id).quantity == 4


def test_a_later_decrease_waits_for_the_renewal_and_can_be_undone(session, org, org_admin):
    sub = mid_term(session, org, used_days=30, quantity=10)
    preview = subs.preview_licence_change(session=session, actor=org_admin, subscription_id=sub.id, new_total=6)
    assert (preview.effective, preview.effective_on, preview.total.amount_minor) == ("renewal", sub.renews_on, 0)
    subs.change_licences(session=session, actor=org_admin, subscription_id=sub.id, new_total=6,
                         preview_token=preview.token, gateway=Recorder())
    assert (sub.quantity, sub.scheduled_quantity) == (10, 6)
    subs.undo_scheduled_change(session=session, actor=org_admin, subscription_id=sub.id)
    assert sub.scheduled_quantity is None
    with pytest.raises(Conflict):
        subs.undo_scheduled_change(session=session, actor=org_admin, subscription_id=sub.id)


def test_a_learning_plan_cannot_be_reduced_mid_term(session, flexis_admin):
    learning = next(r for r in subs.list_subscriptions(session=session, actor=flexis_admin).rows
                    if r.product == "Learning Manager (per learner)")  # the seat plan, not the MAU plan
    with pytest.raises(ValidationFailed, match="R-ORD-6"):
        subs.preview_licence_change(session=session, actor=flexis_admin, subscription_id=learning.id,
                                    new_total=learning.assigned)


def test_a_trial_changes_its_total_free_of_charge(session, flexis_admin):
    trial = subs.list_subscriptions(session=session, actor=flexis_admin, status="trial").rows[0]
    preview = subs.preview_licence_change(session=session, actor=flexis_admin, subscription_id=trial.id,
                                          new_total=30)
    assert preview.effective == "trial" and preview.total.is_zero and not preview.lines
    subs.change_licences(session=session, actor=flexis_admin, subscription_id=trial.id, new_total=30,
                         preview_token=preview.token, gateway=Recorder())
    assert session.get(Subscription, trial.id).quantity == 30


# --- auto-renew, PO number, cancellation ------------------------------------------------------------------
def test_turning_auto_renew_off_cancels_the_scheduled_change(session, org, org_admin):
    sub = mid_term(session, org, used_days=30, quantity=10)
    sub.scheduled_quantity = 8
    subs.set_auto_renew(session=session, actor=org_admin, subscription_id=sub.id, on=False)
    assert (sub.auto_renew, sub.scheduled_quantity) == (False, None)
    with pytest.raises(Conflict, match="already off"):
        subs.set_auto_renew(session=session, actor=org_admin, subscription_id=sub.id, on=False)
    subs.set_auto_renew(session=session, actor=org_admin, subscription_id=sub.id, on=True)
    assert sub.auto_renew
    actions = session.exec(select(AuditEvent.action).where(AuditEvent.target_type == "subscription",
                                                          AuditEvent.target_id == str(sub.id))).all()
    assert sorted(actions) == ["auto_renew_off", "auto_renew_on"]


@pytest.mark.parametrize("bad", ["x" * 65, "PO<script>", "PO\n2"])
def test_a_po_number_is_validated(session, org, org_admin, bad):
    sub = mid_term(session, org)
    with pytest.raises(ValidationFailed):
        subs.set_po_number(session=session, actor=org_admin, subscription_id=sub.id, po_number=bad)
    subs.set_po_number(session=session, actor=org_admin, subscription_id=sub.id, po_number=" PO-2026/17 ")
    assert sub.po_number == "PO-2026/17"


def test_cancelling_an_annual_prepaid_term_ends_it_at_the_renewal_date(session, org, org_admin):
    sub = mid_term(session, org)
    with pytest.raises(ValidationFailed):
        subs.cancel_subscription(session=session, actor=org_admin, subscription_id=sub.id, reason="")
    preview = subs.preview_cancellation(session=session, actor=org_admin, subscription_id=sub.id)
    assert (preview.immediate, preview.ends_on, preview.fee.amount_minor) == (False, sub.renews_on, 0)
    subs.cancel_subscription(session=session, actor=org_admin, subscription_id=sub.id, reason="not_used",
                             feedback="Moved to another tool")
    assert (sub.status, sub.auto_renew, sub.cancel_reason) == ("cancellation_started", False, "not_used")
    with pytest.raises(Conflict, match="already cancellation started"):
        subs.cancel_subscription(session=session, actor=org_admin, subscription_id=sub.id, reason="other")


def test_a_refusal_reads_in_the_language_of_the_console(session, org, org_admin):
    """The message stays English; the console translates its template and fills in the values (issue 11),
    a status word included."""
    sub = mid_term(session, org, auto_renew=True)
    with pytest.raises(Conflict) as already_on:
        subs.set_auto_renew(session=session, actor=org_admin, subscription_id=sub.id, on=True)
    with pytest.raises(ValidationFailed) as too_many:
        subs.preview_licence_change(session=session, actor=org_admin, subscription_id=sub.id, new_total=3501)
    subs.cancel_subscription(session=session, actor=org_admin, subscription_id=sub.id, reason="not_used")
    with pytest.raises(Conflict) as cancelled:
        subs.cancel_subscription(session=session, actor=org_admin, subscription_id=sub.id, reason="other")
    assert (already_on.value.message, too_many.value.message, cancelled.value.message) == (
        "Auto-renew is already on.",
        "A subscription holds at most 3500 licences. For more, ask sales for an activation key.",
        "This subscription is already cancellation started.")
    with i18n.using("fr"):
        assert i18n.translate_error(already_on.value) == "Le renouvellement automatique est déjà activé."
        assert i18n.translate_error(too_many.value) == ("Un abonnement comprend au plus 3500 licences. Pour davantage, "
                                                        "demandez une clé d’activation au service commercial.")
        assert i18n.translate_error(cancelled.value) == "Cet abonnement a déjà le statut résiliation en cours."
    with i18n.using("nl"):
        assert i18n.translate_error(too_many.value).startswith("Een abonnement bevat hoogstens 3500 licenties.")
        assert i18n.translate_error(cancelled.value) == "Dit abonnement heeft al de status opzegging gestart."
    assert i18n.translate_error(cancelled.value) == cancelled.value.message
    assert Conflict.translated_params == ()  # the status is translated for this error only


def test_cancelling_a_committed_monthly_term_invoices_half_of_what_is_left(session, flexis_admin):
    learning = next(r for r in subs.list_subscriptions(session=session, actor=flexis_admin).rows
                    if r.product == "Learning Manager (per learner)")  # the seat plan, not the MAU plan
    sub = session.get(Subscription, learning.id)
    preview = subs.preview_cancellation(session=session, actor=flexis_admin, subscription_id=sub.id)
    today = clock.today()
    assert preview.immediate and preview.fee.amount_minor == round_fraction(
        Fraction(sub.unit_price_minor * sub.quantity * (sub.renews_on - today).days,
                 2 * (sub.renews_on - subs.period_start(sub)).days))
    invoices = count(session, Invoice, Invoice.subscription_id == sub.id)
    subs.cancel_subscription(session=session, actor=flexis_admin, subscription_id=sub.id, reason="too_expensive",
                             expected_fee_minor=preview.fee_total.amount_minor, gateway=Recorder())
    fee = session.exec(select(Invoice).where(Invoice.subscription_id == sub.id).order_by(Invoice.id.desc())).first()
    assert count(session, Invoice, Invoice.subscription_id == sub.id) == invoices + 1
    assert fee.total_minor == preview.fee_total.amount_minor and sub.status == "cancelled"


def test_changing_the_card_of_a_subscription_stays_in_the_organisation(session, org, org_admin, contoso_admin):
    sub = mid_term(session, org)
    other = factories.card(session, session.get(Organisation, contoso_admin.organisation_id))
    with pytest.raises(NotFound):
        subs.set_payment_method(session=session, actor=org_admin, subscription_id=sub.id, card_id=other.id)
    mine = factories.card(session, org)
    subs.set_payment_method(session=session, actor=org_admin, subscription_id=sub.id, card_id=mine.id,
                            gateway=Recorder())
    assert sub.payment_method_id == mine.id
    assert count(session, Payment, Payment.organisation_id == org.id) == 0
    assert session.get(Product, sub.product_id) is not None


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(old=st.integers(1, 3500), new=st.integers(1, 3500), unit=st.integers(1, 5_000_000),
       currency=st.sampled_from(["EUR", "JPY", "KWD"]), used=st.integers(0, 7), country=st.sampled_from(["NL", "US"]))
def test_for_any_change_the_issued_document_equals_the_preview(session, old, new, unit, currency, used, country):
    assume(old != new)
    org = factories.organisation(session, currency=currency, country=country)
    admin = factories.actor(session, org, role="billing_admin")
    sub = mid_term(session, org, used_days=used, quantity=old, unit_price_minor=unit, currency=currency)
    preview = subs.preview_licence_change(session=session, actor=admin, subscription_id=sub.id, new_total=new)
    assert sum(ln.amount.amount_minor for ln in preview.lines) == preview.subtotal.amount_minor
    result = subs.change_licences(session=session, actor=admin, subscription_id=sub.id, new_total=new,
                                  preview_token=preview.token, gateway=Recorder())
    if preview.total.amount_minor >= 0:
        issued = session.exec(select(Invoice.total_minor).where(Invoice.number == result.document)).one()
    else:
        issued = -session.exec(select(CreditNote.total_minor).where(CreditNote.number == result.document)).one()
    assert issued == preview.total.amount_minor == result.total.amount_minor


def test_the_mau_plan_is_priced_per_active_user_and_has_no_licences_to_change(session, flexis_admin):
    rows = subs.list_subscriptions(session=session, actor=flexis_admin).rows
    plans = [r for r in rows if r.per_user is not None]
    assert [(p.product, p.per_user) for p in plans] == [("Learning Manager (monthly active users)", Money(400, "USD"))]
    plan = plans[0]
    before = session.get(Subscription, plan.id).quantity
    for value in (5, "1"):
        with pytest.raises(ValidationFailed, match="billed per monthly active user"):
            subs.preview_licence_change(session=session, actor=flexis_admin, subscription_id=plan.id, new_total=value)
    with pytest.raises(ValidationFailed, match="billed per monthly active user"):
        subs.change_licences(session=session, actor=flexis_admin, subscription_id=plan.id, new_total=5,
                             preview_token=f"{clock.today().isoformat()}~{before}~5~0")
    assert session.get(Subscription, plan.id).quantity == before
