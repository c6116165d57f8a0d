"""Self-service purchases seen by billing admins, take-over, products members may buy (R-SS-1):
billing_center/services/self_service.py."""

from __future__ import annotations

import pytest
from sqlmodel import select

from billing_center.domain.errors import Forbidden, NotFound
from billing_center.models import OutgoingEmail, Product, Subscription
from billing_center.services import licences, seat_orders, self_service


def test_admins_see_the_buyers_purchase_read_only(session, flexis_admin, buyer):
    purchases = self_service.list_purchases(session=session, actor=flexis_admin)
    assert [(p.product, p.buyer_email, p.quantity, p.assigned) for p in purchases] == [
        ("SharePoint Online (Plan 1)", buyer.email, 5, 3)]
    sharepoint = purchases[0]
    assert sharepoint.price_per_licence.amount_minor == 5400 and sharepoint.total.amount_minor == 5 * 5400
    assert len(sharepoint.assigned_names) == 3


def test_contoso_sees_no_flexis_purchase_and_cannot_take_it_over(session, contoso_admin, flexis_admin):
    assert self_service.list_purchases(session=session, actor=contoso_admin) == []
    purchase = self_service.list_purchases(session=session, actor=flexis_admin)[0]
    with pytest.raises(NotFound) as foreign:
        self_service.take_over(session=session, actor=contoso_admin, subscription_id=purchase.id)
    with pytest.raises(NotFound) as missing:
        self_service.take_over(session=session, actor=contoso_admin, subscription_id=10**9)
    assert foreign.value.message == missing.value.message
    assert session.get(Subscription, purchase.id).is_self_service


def test_take_over_makes_it_the_organisations_and_tells_the_buyer(session, flexis_admin, buyer):
    purchase = self_service.list_purchases(session=session, actor=flexis_admin)[0]
    assert self_service.take_over(session=session, actor=flexis_admin, subscription_id=purchase.id) == purchase.product
    assert self_service.list_purchases(session=session, actor=flexis_admin) == []
    mail = session.exec(select(OutgoingEmail).where(OutgoingEmail.to_address == buyer.email,
                                                    OutgoingEmail.template == "self_service_taken_over")).one()
    assert flexis_admin.email in mail.body_text
    # The admins now manage its licences; the buyer no longer does.
    assert purchase.product in [p.product for p in licences.list_products(session=session, actor=flexis_admin)]
    assert licences.list_products(session=session, actor=buyer) == []
    with pytest.raises(NotFound):  # a second click
        self_service.take_over(session=session, actor=flexis_admin, subscription_id=purchase.id)


def test_products_members_may_buy(session, flexis_admin, contoso_admin, buyer):
    product = session.exec(select(Product).where(Product.code == "LM-SEAT")).one()
    assert self_service.may_buy(session, flexis_admin.organisation_id, product.id)
    self_service.set_purchase_allowed(session=session, actor=flexis_admin, product_id=product.id, allowed=False)
    settings = {s.product_id: s.allowed for s in self_service.product_settings(session=session, actor=flexis_admin)}
    assert settings[product.id] is False
    assert not self_service.may_buy(session, flexis_admin.organisation_id, product.id)
    assert self_service.may_buy(session, contoso_admin.organisation_id, product.id)  # per organisation
    with pytest.raises(Forbidden, match="does not let members buy"):
        seat_orders.estimate(session=session, actor=buyer, seats=10)
    self_service.set_purchase_allowed(session=session, actor=flexis_admin, product_id=product.id, allowed=True)
    assert seat_orders.estimate(session=session, actor=buyer, seats=10).seats == 10
    assert self_service.may_buy(session, flexis_admin.organisation_id, product.id)
    with pytest.raises(NotFound):
        self_service.set_purchase_allowed(session=session, actor=flexis_admin, product_id=10**9, allowed=False)
