"""The demo data (docs/rules.md, "Demo data") loads once and holds what the rules describe: billing_center/seed.py."""

from sqlmodel import func, select

from billing_center.models import Invoice, Organisation, PaymentMethod, Person
from billing_center.seed import load_demo


def test_demo_loads_once(session):
    counts = {m: session.exec(select(func.count()).select_from(m)).one() for m in (Organisation, Person, Invoice)}
    assert load_demo(session) is False
    assert {m: session.exec(select(func.count()).select_from(m)).one() for m in counts} == counts


def test_demo_matches_the_domain(session, flexis):
    inv = session.exec(select(Invoice).where(Invoice.number == "INV1238")).one()
    assert (inv.status, str(inv.issue_date), str(inv.due_date), inv.total_minor, inv.currency) == (
        "paid", "2021-03-08", "2022-04-08", 2_000_000, "USD")
    assert inv.payment_method_label == "Visa - 4392" and inv.organisation_id == flexis.id
    numbers = session.exec(select(Invoice.sequence).order_by(Invoice.sequence)).all()
    assert numbers == list(range(numbers[0], numbers[0] + len(numbers)))  # gapless


def test_cards_are_stored_as_token_brand_last4_and_expiry_only(session):
    columns = set(PaymentMethod.model_fields)
    assert not {"number", "card_number", "cvc", "security_code", "pan"} & columns
    for card in session.exec(select(PaymentMethod)).all():
        assert len(card.last4) == 4 and card.processor_token.startswith("tok_")
