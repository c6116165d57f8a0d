"""The demo organisations (docs/rules.md, "Demo data"), loaded once: a second run changes nothing.

Flexis (billing admin aleroy@flexis.com / flexis-demo) is the organisation of the seeds; Contoso
exists so that tests and a curious user can see that one organisation never sees the other's data.
Run: ``python -m billing_center.seed``.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import insert
from sqlmodel import Session, select

from billing_center.db import session_scope
from billing_center.demo_access import seed_access_demo
from billing_center.domain import clock
from billing_center.domain.money import Money
from billing_center.models import (
    ActivationKey,
    BillingAccount,
    BillingProfile,
    Contract,
    ContractAdmin,
    Invoice,
    LicenceAssignment,
    NumberSeries,
    Order,
    Organisation,
    PaymentMethod,
    Person,
    Product,
    Subscription,
    UsageEvent,
)
from billing_center.services import usage
from billing_center.services.auth import hash_password
from billing_center.services.invoicing import LineInput, issue_invoice
from billing_center.settings import get_settings

DEMO_PASSWORD = "flexis-demo"
CONTOSO_PASSWORD = "contoso-demo"
SUPPORT_PASSWORD = "support-demo"

FIRST_NAMES = ["Anna", "Bram", "Chloé", "Daan", "Emma", "Finn", "Gijs", "Hanna", "Ilse", "Jonas", "Karim",
               "Lotte", "Milan", "Noor", "Olivier", "Pien", "Quinten", "Rosa", "Sven", "Tess", "Umut",
               "Vera", "Wout", "Xander", "Yara", "Zoë", "Lucas", "Julie", "Thomas", "Sarah", "Noah",
               "Amélie", "Ruben", "Fleur", "Stijn", "Elif"]
LAST_NAMES = ["Peeters", "Janssens", "Maes", "Jacobs", "Mertens", "Willems", "Claes", "Goossens",
              "Wouters", "De Smet", "Dubois", "Lambert", "Dupont", "Martin", "Hermans", "Aerts"]


DEMO_LANGUAGE = "en"  # the console language in the demo people's profiles (issue 11)

def _products(session: Session) -> dict[str, Product]:
    wanted = [
        Product(code="EXO-P1", name="Exchange Online (Plan 1)", family="office", unit_price_minor=5400,
                currency="EUR", price_period="year"),
        Product(code="SPO-P1", name="SharePoint Online (Plan 1)", family="office", unit_price_minor=5400,
                currency="EUR", price_period="year"),
        Product(code="O365-E3", name="Office 365 E3", family="office", unit_price_minor=27600,
                currency="EUR", price_period="year"),
        Product(code="LM-SEAT", name="Learning Manager (per learner)", family="learning",
                unit_price_minor=400, currency="USD", price_period="month", min_first_order_seats=10),
        Product(code="LM-MAU", name="Learning Manager (monthly active users)", family="learning",
                billing_model="mau", unit_price_minor=400, currency="USD", price_period="month"),
        Product(code="RECRUITER-LITE", name="Recruiter Lite", family="recruiting", unit_price_minor=119880,
                currency="USD", price_period="year"),
    ]
    result = {}
    for product in wanted:
        existing = session.exec(select(Product).where(Product.code == product.code)).first()
        if existing is None:
            session.add(product)
            existing = product
        result[product.code] = existing
    session.flush()
    return result


def _stored(session: Session, *rows) -> None:
    """Add ``rows`` and flush them: their ids are known to the rows that refer to them next."""
    session.add_all(rows)
    session.flush()


def _billing_admin(org: Organisation, email: str, full_name: str, password: str) -> Person:
    """The organisation's billing admin, its primary and billing contact, in the demo's console language."""
    return Person(organisation_id=org.id, email=email, full_name=full_name, password_hash=hash_password(password),
                  role="billing_admin", locale=org.locale, language=DEMO_LANGUAGE, is_primary_contact=True,
                  is_billing_contact=True, has_billing_access=True)


def _people(session: Session, org: Organisation, domain: str, count: int, rng: random.Random) -> list[Person]:
    people = []
    used = set()
    while len(people) < count:
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        handle = f"{first[0]}{last.replace(' ', '')}".lower()
        handle = handle.encode("ascii", "ignore").decode()
        if handle in used:
            continue
        used.add(handle)
        person = Person(organisation_id=org.id, email=f"{handle}@{domain}", full_name=f"{first} {last}",
                        role="member", locale=org.locale, team=rng.choice(["Sales", "Finance", "Support", "R&D"]))
        session.add(person)
        people.append(person)
    session.flush()
    return people


def _assign(session: Session, sub: Subscription, people: list[Person], n: int, by: Person) -> None:
    for person in people[:n]:
        session.add(LicenceAssignment(organisation_id=sub.organisation_id, subscription_id=sub.id,
                                      person_id=person.id, assigned_by_id=by.id,
                                      assigned_at=clock.at(sub.start_date, 9)))


def _usage(session: Session, org: Organisation, sub: Subscription, people: list[Person], months: int,
           today: date, rng: random.Random) -> None:
    """A year of learning activity: the number of active learners grows month by month."""
    kinds = ["course", "learning_program", "certification", "job_aid", "note", "social_post"]
    first_month = date(today.year, today.month, 1)
    for back in range(months - 1, -1, -1):
        month_index = first_month.year * 12 + first_month.month - 1 - back
        year, month = divmod(month_index, 12)
        active = people[: max(3, len(people) - back * 2)]
        for person in active:
            for _ in range(rng.randint(1, 4)):
                day = rng.randint(1, 28)
                moment = clock.at(date(year, month + 1, day), rng.randint(8, 18), rng.randint(0, 59))
                if moment.date() > today:
                    moment = clock.at(today, 8)
                session.add(UsageEvent(organisation_id=org.id, person_id=person.id, subscription_id=sub.id,
                                       kind=rng.choice(kinds), occurred_at=moment))


def _seed_flexis(session: Session, products: dict[str, Product], today: date) -> None:
    settings = get_settings()
    rng = random.Random(20230411)
    org = Organisation(name="Flexis", slug="flexis", status="active", locale="nl", currency="EUR",
                       vat_id="BE0123456749", address_line="Kunstlaan 24", postal_code="1000",
                       city="Brussel", country="BE")
    _stored(session, org)
    # DEMO_LANGUAGE: the named demo people chose English in the language menu (their profile); a new
    # colleague gets the organisation's language (nl for Flexis, fr for Contoso) until they choose.
    admin = _billing_admin(org, "aleroy@flexis.com", "Alex Leroy", DEMO_PASSWORD)
    contract_admin = Person(organisation_id=org.id, email="jdevries@flexis.com", full_name="Jan de Vries",
                            password_hash=hash_password(DEMO_PASSWORD), role="contract_admin", locale="nl",
                            language=DEMO_LANGUAGE, has_billing_access=True)
    buyer = Person(organisation_id=org.id, email="mbakker@flexis.com", full_name="Mila Bakker",
                   password_hash=hash_password(DEMO_PASSWORD), role="buyer", locale="nl",
                   language=DEMO_LANGUAGE, team="Marketing")
    _stored(session, admin, contract_admin, buyer)
    members = _people(session, org, "flexis.com", 34, rng)

    visa = PaymentMethod(organisation_id=org.id, processor_token="tok_demo_flexis_visa_4392", brand="Visa",
                         last4="4392", exp_month=8, exp_year=today.year + 1, holder_name="Alex Leroy",
                         address="Kunstlaan 24, 1000 Brussel, BE", is_default=True)
    master = PaymentMethod(organisation_id=org.id, processor_token="tok_demo_flexis_mc_5100", brand="Mastercard",
                           last4="5100", exp_month=3, exp_year=today.year, holder_name="Flexis Finance",
                           address="Kunstlaan 24, 1000 Brussel, BE")
    buyer_card = PaymentMethod(organisation_id=org.id, processor_token="tok_demo_flexis_visa_1881",
                               brand="Visa", last4="1881", exp_month=11, exp_year=today.year + 2,
                               holder_name="Mila Bakker", address="Kunstlaan 24, 1000 Brussel, BE")
    _stored(session, visa, master, buyer_card)

    account = BillingAccount(organisation_id=org.id, name="Flexis BV")
    _stored(session, account)
    office_profile = BillingProfile(organisation_id=org.id, billing_account_id=account.id,
                                    name="Flexis Office", currency="EUR", invoice_email="finance@flexis.com",
                                    address="Kunstlaan 24, 1000 Brussel, BE", payment_method_id=visa.id)
    learning_profile = BillingProfile(organisation_id=org.id, billing_account_id=account.id,
                                      name="Flexis Learning", currency="USD", invoice_email="finance@flexis.com",
                                      po_number="PO-2023-0411", address="Kunstlaan 24, 1000 Brussel, BE",
                                      payment_method_id=visa.id)
    _stored(session, office_profile, learning_profile)

    contract = Contract(
        organisation_id=org.id, number="FL123133", status="active", start_date=date(2023, 4, 11),
        end_date=date(2024, 4, 10), term_months=12, total_minor=1_200_000, currency="USD",
        subscription_terms="Annual commitment, billed per order. Early termination: 50% of the remaining "
                           "committed period (R-ACC-3).",
        billing_address="Flexis BV, Kunstlaan 24, 1000 Brussel, BE",
        shipping_address="Flexis BV, Kunstlaan 24, 1000 Brussel, BE", billing_frequency="annual",
        payment_terms="net_30", po_number="PO-2023-0411", invoice_recipients="finance@flexis.com, aleroy@flexis.com",
        payment_kind="invoice", billing_profile_id=learning_profile.id,
    )
    office_contract = Contract(
        organisation_id=org.id, number="FL124480", status="active", start_date=today - timedelta(days=200),
        end_date=today + timedelta(days=165), term_months=12, total_minor=360_000, currency="EUR",
        subscription_terms="Annual prepaid office licences, auto-renewing.",
        billing_address="Flexis BV, Kunstlaan 24, 1000 Brussel, BE",
        shipping_address="Flexis BV, Kunstlaan 24, 1000 Brussel, BE", billing_frequency="annual",
        payment_terms="due_on_receipt", invoice_recipients="finance@flexis.com", payment_kind="card",
        payment_method_id=visa.id, billing_profile_id=office_profile.id,
    )
    _stored(session, contract, office_contract)
    session.add_all([
        Order(organisation_id=org.id, number="FL123133-1", contract_id=contract.id, type="buy",
              seats=125, unit_price_minor=400, currency="USD", total_minor=600_000,
              start_date=date(2023, 4, 11), end_date=date(2024, 4, 10), payment_kind="invoice",
              billing_country="BE", contact_name="Alex Leroy", contact_email="aleroy@flexis.com",
              created_by_id=admin.id),
        Order(organisation_id=org.id, number="FL123133-2", contract_id=contract.id, type="buy",
              seats=125, unit_price_minor=400, currency="USD", total_minor=600_000,
              start_date=date(2023, 4, 11), end_date=date(2024, 4, 10), payment_kind="invoice",
              billing_country="BE", contact_name="Alex Leroy", contact_email="aleroy@flexis.com",
              created_by_id=admin.id),
        Order(organisation_id=org.id, number="FL124480-1", contract_id=office_contract.id, type="buy",
              seats=0, currency="EUR", total_minor=360_000, start_date=office_contract.start_date,
              end_date=office_contract.end_date, payment_kind="card", payment_method_id=visa.id,
              billing_country="BE", contact_name="Alex Leroy", contact_email="aleroy@flexis.com",
              order_form_number="FLD102776277396", created_by_id=admin.id),
    ])
    session.add_all([
        ContractAdmin(organisation_id=org.id, contract_id=contract.id, email=contract_admin.email,
                      person_id=contract_admin.id, status="active", invited_by_id=admin.id,
                      accepted_at=clock.now()),
        ContractAdmin(organisation_id=org.id, contract_id=contract.id, email="finance@flexis.com",
                      status="invited", invited_by_id=admin.id),
    ])

    def sub(code, qty, start, renews, **kw):
        product = products[code]
        unit = product.unit_price_minor * (12 if product.price_period == "month" else 1)
        s = Subscription(organisation_id=org.id, product_id=product.id, quantity=qty, unit_price_minor=unit,
                         currency=product.currency, start_date=start, renews_on=renews, **kw)
        _stored(session, s)
        return s

    exchange = sub("EXO-P1", 5, today - timedelta(days=320), today + timedelta(days=45),
                   contract_id=office_contract.id, billing_profile_id=office_profile.id, payment_kind="card",
                   payment_method_id=visa.id, po_number="PO-EXO-88")
    sharepoint = sub("SPO-P1", 5, today - timedelta(days=120), today + timedelta(days=245),
                     is_self_service=True, buyer_id=buyer.id, payment_kind="card",
                     payment_method_id=buyer_card.id)
    e3_trial = sub("O365-E3", 25, today - timedelta(days=10), today + timedelta(days=20), status="trial",
                   auto_renew=False, payment_kind="invoice", billing_profile_id=office_profile.id)
    learning = sub("LM-SEAT", 40, date(today.year - 1, today.month, 1), date(today.year, today.month, 1)
                   + timedelta(days=400) - timedelta(days=35), contract_id=contract.id,
                   billing_profile_id=learning_profile.id, payment_kind="invoice", billing_frequency="monthly",
                   mau_period_start=date(today.year - 1, today.month, 1) if today.month != 1 else None)
    _assign(session, exchange, members, 4, admin)
    _assign(session, sharepoint, members[10:], 3, buyer)
    _assign(session, e3_trial, members[5:], 12, admin)
    _assign(session, learning, members, 31, admin)
    _usage(session, org, learning, members[:31], 12, today, rng)

    session.add(ActivationKey(organisation_id=org.id, key="ALM-7Q4K-9XPD-2M3T", product_id=products["LM-SEAT"].id,
                              seats=50, po_number="PO-2026-0117"))

    # R-INV-1 demo invoices: INV1237 and INV1238 from the seeds, then a year of recent billing.
    series = session.get(NumberSeries, "INV")
    if series is None:
        session.add(NumberSeries(code="INV", prefix="INV", next_number=1237))
        session.flush()
    seller = settings.seller_country
    for number_day in (date(2021, 2, 8), date(2021, 3, 8)):
        inv = issue_invoice(session=session, organisation=org, currency="USD", issue_date=number_day,
                            due_date=date(2022, 4, 8) if number_day.month == 3 else date(2022, 3, 8),
                            seller_country=seller, contract_id=contract.id, payment_kind="card",
                            payment_method_id=visa.id, payment_method_label="Visa - 4392",
                            billing_profile_id=learning_profile.id,
                            lines=[LineInput("Learning Manager (per learner)", 1, Money(2_000_000, "USD"),
                                             "Annual licence fee")])
        inv.status = "paid"
        inv.paid_at = clock.at(number_day, 10)
    month_start = date(today.year, today.month, 1)
    previous = Money(0, "USD")
    for back in range(11, -1, -1):
        idx = month_start.year * 12 + month_start.month - 1 - back
        start = date(idx // 12, idx % 12 + 1, 1)
        end_idx = idx + 1
        end = date(end_idx // 12, end_idx % 12 + 1, 1) - timedelta(days=1)
        inv = issue_invoice(session=session, organisation=org, currency="USD", issue_date=start,
                            due_date=start + timedelta(days=30), period_start=start, period_end=end,
                            seller_country=seller, contract_id=contract.id, subscription_id=learning.id,
                            billing_profile_id=learning_profile.id, payment_kind="invoice",
                            payment_method_label="Invoice", previous_balance=previous,
                            lines=[LineInput("Learning Manager (per learner)", learning.quantity,
                                             Money(400, "USD"), f"Monthly seats {start:%B %Y}")])
        if back >= 2:
            inv.status = "paid"
            inv.paid_at = clock.at(start + timedelta(days=12), 10)
            previous = Money(0, "USD")
        else:
            previous = Money(inv.total_minor, "USD")
    for s, label in ((exchange, "Visa - 4392"), (sharepoint, "Visa - 1881")):
        product = session.get(Product, s.product_id)
        inv = issue_invoice(session=session, organisation=org, currency="EUR", issue_date=s.start_date,
                            due_date=s.start_date, period_start=s.start_date, period_end=s.renews_on,
                            seller_country=seller, subscription_id=s.id, payment_kind="card",
                            contract_id=s.contract_id, payment_method_id=s.payment_method_id,
                            payment_method_label=label, billing_profile_id=s.billing_profile_id,
                            lines=[LineInput(product.name, s.quantity, Money(s.unit_price_minor, "EUR"),
                                             "Licence, annual prepaid")])
        inv.status = "paid"
        inv.paid_at = clock.at(s.start_date, 10)
    # One overdue invoice, so that the overview and the list have something to warn about.
    overdue = issue_invoice(session=session, organisation=org, currency="EUR", issue_date=today - timedelta(days=50),
                            due_date=today - timedelta(days=20), seller_country=seller,
                            contract_id=office_contract.id, billing_profile_id=office_profile.id,
                            payment_kind="invoice", payment_method_label="Invoice",
                            lines=[LineInput("Office 365 E3", 2, Money(27600, "EUR"), "Add-on licences")])
    assert overdue.status == "open"


def _seed_contoso(session: Session, products: dict[str, Product], today: date) -> None:
    org = Organisation(name="Contoso", slug="contoso", status="active", locale="fr", currency="EUR",
                       vat_id="FR40303265045", address_line="12 rue de la Paix", postal_code="75002",
                       city="Paris", country="FR")
    _stored(session, org)
    admin = _billing_admin(org, "admin@contoso.com", "Camille Durand", CONTOSO_PASSWORD)
    _stored(session, admin)
    card = PaymentMethod(organisation_id=org.id, processor_token="tok_demo_contoso_visa_0005", brand="Visa",
                         last4="0005", exp_month=1, exp_year=today.year + 3, holder_name="Camille Durand",
                         is_default=True)
    _stored(session, card)
    contract = Contract(organisation_id=org.id, number="CT500100", status="active",
                        start_date=today - timedelta(days=30), end_date=today + timedelta(days=335),
                        total_minor=360_000, currency="EUR", subscription_terms="Engagement annuel.",
                        billing_address="Contoso SA, 12 rue de la Paix, 75002 Paris, FR",
                        shipping_address="Contoso SA, 12 rue de la Paix, 75002 Paris, FR",
                        payment_kind="card", payment_method_id=card.id)
    _stored(session, contract)
    session.add(Order(organisation_id=org.id, number="CT500100-1", contract_id=contract.id, type="buy", seats=0,
                      currency="EUR", total_minor=360_000, start_date=contract.start_date,
                      end_date=contract.end_date, payment_kind="card", payment_method_id=card.id,
                      billing_country="FR", order_form_number="FLD200000000001", created_by_id=admin.id))
    e3 = products["O365-E3"]
    s = Subscription(organisation_id=org.id, product_id=e3.id, contract_id=contract.id, quantity=10,
                     unit_price_minor=e3.unit_price_minor, currency="EUR", start_date=contract.start_date,
                     renews_on=today + timedelta(days=10), payment_kind="card", payment_method_id=card.id)
    _stored(session, s)
    issue_invoice(session=session, organisation=org, currency="EUR", issue_date=today - timedelta(days=30),
                  due_date=today + timedelta(days=15), seller_country=get_settings().seller_country,
                  contract_id=contract.id, subscription_id=s.id, payment_kind="card", payment_method_id=card.id,
                  payment_method_label="Visa - 0005",
                  lines=[LineInput(e3.name, 10, Money(e3.unit_price_minor, "EUR"), "Licences annuelles")])


# R-MAU-1's example: 50 + 500 + 5000 + 9 x 10 = 5640 billed users in the current period.
MAU_DEMO_MONTHS = (50, 500, 5000, *([10] * 9))
MAU_DEMO_LEARNERS = 5000


def _seed_usage(session: Session, products: dict[str, Product], today: date) -> None:
    """Time zones, and Flexis's MAU plan: a two-year term activated 11 months ago, whose first period
    so far counts 5640 users (5000 learners of the Learning Manager, then 10 of the members a month)."""
    flexis = session.exec(select(Organisation).where(Organisation.slug == "flexis")).one()
    contoso = session.exec(select(Organisation).where(Organisation.slug == "contoso")).one()
    flexis.timezone, contoso.timezone = "Europe/Brussels", "Europe/Paris"
    members = session.exec(select(Person.id).where(Person.organisation_id == flexis.id, Person.role == "member")
                           .order_by(Person.id)).all()[:10]
    now = clock.now()
    session.execute(insert(Person), [
        {"organisation_id": flexis.id, "email": f"learner{n:04d}@learn.flexis.com", "full_name": f"Learner {n:04d}",
         "role": "member", "team": "Learners", "locale": "nl", "is_primary_contact": False,
         "is_billing_contact": False, "has_billing_access": False, "created_at": now}
        for n in range(1, MAU_DEMO_LEARNERS + 1)])
    learners = session.exec(select(Person.id).where(Person.organisation_id == flexis.id, Person.team == "Learners")
                            .order_by(Person.id)).all()
    product = products["LM-MAU"]
    profile = session.exec(select(BillingProfile).where(BillingProfile.currency == "USD",
                                                        BillingProfile.organisation_id == flexis.id)).first()
    contract = session.exec(select(Contract).where(Contract.number == "FL123133")).one()
    activation = clock.add_months(date(today.year, today.month, 1), -(len(MAU_DEMO_MONTHS) - 1))
    plan = Subscription(organisation_id=flexis.id, product_id=product.id, contract_id=contract.id,
                        billing_profile_id=profile.id if profile else None, quantity=0,
                        unit_price_minor=product.unit_price_minor * 12, currency=product.currency,
                        start_date=activation, renews_on=clock.add_months(activation, 24), term_months=24,
                        payment_kind="invoice",
                        billing_frequency="monthly", mau_period_start=activation)
    _stored(session, plan)
    tz = usage.zone(flexis)
    events = []
    for index, count in enumerate(MAU_DEMO_MONTHS):
        month = clock.add_months(activation, index)
        people = learners[:count] if index < 3 else members
        for n, person_id in enumerate(people):
            day = min(1 + n % 27, today.day) if month.year == today.year and month.month == today.month else 1 + n % 27
            moment = datetime(month.year, month.month, day, 0 if day == today.day else 12, 30, tzinfo=tz)
            events.append({"event_id": f"demo-{month:%Y-%m}-{person_id}", "person_id": person_id,
                           "kind": ("course", "job_aid", "note", "social_post")[n % 4],
                           "occurred_at": moment.astimezone(UTC), "month": month})
    usage.store_events(session=session, organisation_id=flexis.id, subscription_id=plan.id, events=events)


def _seed_vendor(session: Session) -> None:
    vendor = Organisation(name="Billing Center Support", slug="billing-center-support", status="active",
                          locale="en", country="NL", is_vendor=True)
    _stored(session, vendor)
    session.add(Person(organisation_id=vendor.id, email="support@billing-center.example", full_name="Sam Support",
                       password_hash=hash_password(SUPPORT_PASSWORD), role="support_agent", locale="en",
                       has_billing_access=True))


def load_demo(session: Session, today: date | None = None) -> bool:
    """Load the demo data unless it is there already. Returns True when it loaded something."""
    if session.exec(select(Organisation).where(Organisation.slug == "flexis")).first() is not None:
        return False
    today = today or clock.today()
    products = _products(session)
    _seed_flexis(session, products, today)
    _seed_contoso(session, products, today)
    _seed_vendor(session)
    _seed_usage(session, products, today)
    session.flush()
    seed_access_demo(session)
    _number_in_issue_order(session)
    return True


def _number_in_issue_order(session: Session) -> None:
    """The demo history is built per subscription; numbers must follow the issue dates (R-INV-4)."""
    invoices = session.exec(select(Invoice).order_by(Invoice.issue_date, Invoice.id)).all()
    first = min(i.sequence for i in invoices)
    for invoice in invoices:
        invoice.number, invoice.sequence = f"TMP{invoice.id}", -invoice.id
    session.flush()
    for offset, invoice in enumerate(invoices):
        invoice.sequence = first + offset
        invoice.number = f"INV{invoice.sequence}"
    session.flush()


def main() -> None:
    with session_scope() as session:
        loaded = load_demo(session)
    print("Demo data loaded." if loaded else "Demo data already present; nothing changed.")


if __name__ == "__main__":
    main()
