"""Overview figures come from the organisation's own data, never another's (R-SEC-1)."""

from datetime import timedelta

from billing_center.domain import clock
from billing_center.domain.money import Money
from billing_center.models import Invoice, LicenceAssignment
from billing_center.services.overview import get_overview


def test_flexis_overview_counts_its_own_data(session, flexis_admin):
    figures = get_overview(session=session, actor=flexis_admin)
    assert figures.organisation == "Flexis"
    assert figures.account_status == "active"
    assert figures.active_subscriptions == 5  # with the MAU plan (seed._seed_usage)
    assert (figures.licences_total, figures.licences_assigned) == (75, 50)
    assert figures.active_contracts == 2
    assert figures.unpaid_invoices == 3
    assert figures.overdue_invoices == 2
    assert figures.unpaid_amounts == [Money(55_200, "EUR"), Money(32_000, "USD")]
    assert figures.next_renewal.product == "Office 365 E3"
    assert figures.next_renewal.on == clock.today() + timedelta(days=20)


def test_contoso_sees_only_contoso(session, contoso_admin):
    figures = get_overview(session=session, actor=contoso_admin)
    assert figures.organisation == "Contoso"
    assert (figures.active_subscriptions, figures.licences_total, figures.licences_assigned) == (1, 10, 0)
    assert figures.unpaid_amounts == [Money(276_000, "EUR")]
    assert figures.next_renewal.product == "Office 365 E3"


def test_figures_follow_the_data(session, flexis_admin, flexis):
    before = get_overview(session=session, actor=flexis_admin)
    invoice = session.query(Invoice).filter(Invoice.organisation_id == flexis.id, Invoice.status == "open").first()
    invoice.status = "paid"
    session.add(invoice)
    assignment = session.query(LicenceAssignment).filter(LicenceAssignment.organisation_id == flexis.id).first()
    assignment.revoked_at = clock.now()
    session.add(assignment)
    session.flush()
    after = get_overview(session=session, actor=flexis_admin)
    assert after.unpaid_invoices == before.unpaid_invoices - 1
    assert after.licences_assigned == before.licences_assigned - 1


def test_invoiced_per_month_counts_only_own_invoices(session, flexis_admin, contoso_admin):
    from billing_center.services.overview import invoiced_per_month

    months = invoiced_per_month(session=session, actor=flexis_admin)
    assert len(months) == 12
    today = clock.today()
    assert (months[-1].month.year, months[-1].month.month) == (today.year, today.month)
    assert months[-1].amounts.get("USD") == 16_000  # the monthly learning-seat invoice
    assert sum(m.amounts.get("EUR", 0) for m in months) == sum(
        i.total_minor for i in session.query(Invoice).filter(
            Invoice.organisation_id == flexis_admin.organisation_id, Invoice.currency == "EUR",
            Invoice.issue_date >= months[0].month))
    contoso = invoiced_per_month(session=session, actor=contoso_admin)
    assert sum(m.amounts.get("EUR", 0) for m in contoso) == 276_000
    assert all("USD" not in m.amounts for m in contoso)
