"""The migrations yield exactly the models, and the demo data loads once."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel, func, select

import billing_center.models  # noqa: F401
from billing_center.models import Invoice, Organisation, Person, PaymentMethod
from billing_center.seed import load_demo


def test_alembic_head_matches_the_models(engine):
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(ctx, SQLModel.metadata) == []
        assert ctx.get_current_revision() is not None


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
