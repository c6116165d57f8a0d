"""Who may do what (R-SEC-1): the table of every use case and the roles that may run it, and what each
role sees of contracts, orders and invoices. See ``billing_center/services/policy.py``.

A use case is a public function of a module in ``billing_center/services/`` with a keyword-only
``actor``. A new use case without ``@policy.allowed(...)`` fails here; so does a rule that differs
from the table below (change both on purpose).
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable

import pytest
from sqlalchemy import event
from sqlmodel import Session, select

import billing_center.services
from billing_center.domain.enums import Role
from billing_center.domain.errors import Forbidden, NotFound
from billing_center.models import (
    ChangeRequest,
    Contract,
    ContractAdmin,
    Organisation,
    PaymentMethod,
    Subscription,
)
from billing_center.services import (
    audit_log,
    contracts,
    credit_notes,
    invoices,
    overview,
    policy,
    transactions,
)
from billing_center.services.actors import Actor
from tests import factories

BILLING_ADMIN = {Role.BILLING_ADMIN}
ADMINS = {Role.BILLING_ADMIN, Role.CONTRACT_ADMIN}
BUYERS = {Role.BILLING_ADMIN, Role.BUYER}
CUSTOMERS = {Role.BILLING_ADMIN, Role.CONTRACT_ADMIN, Role.BUYER, Role.MEMBER}
SUPPORT = {Role.SUPPORT_AGENT}
EVERYONE = set(Role)

# use case -> the roles that may run it. What each role then *sees* is the scope tests' business.
EXPECTED = {
    "auth.issue_ticket": EVERYONE,
    "activation.accept.accept_link": CUSTOMERS,
    "accounts.account_status": CUSTOMERS,
    "accounts.deactivate_account": BILLING_ADMIN,
    "accounts.reactivate_account": BILLING_ADMIN,
    "activation_keys.activate_key": BILLING_ADMIN,
    "activation_keys.issue_key": SUPPORT,
    "admins.contracts_for_admin_page": ADMINS,
    "admins.invite_admins": ADMINS,
    "admins.list_admins": ADMINS,
    "admins.remove_admin": ADMINS,
    "admins.resend_invitation": ADMINS,
    "audit_log.actions_in_use": BILLING_ADMIN,
    "audit_log.export_csv": BILLING_ADMIN,
    "audit_log.list_events": BILLING_ADMIN,
    "billing_accounts.list_accounts": BILLING_ADMIN,
    "billing_accounts.set_profile_payment_method": BILLING_ADMIN,
    "contract_billing.billing_details": CUSTOMERS,
    "organisation_billing.billing_details": CUSTOMERS,
    "organisation_billing.update_billing_details": BILLING_ADMIN,
    "contract_billing.change_payment_method": ADMINS,
    "contract_billing.complete_request": SUPPORT,
    "contract_billing.request_change": ADMINS,
    "contract_billing.support_queue": SUPPORT,
    "contracts.find_contract": CUSTOMERS,
    "contracts.find_order": CUSTOMERS,
    "contracts.get_contract": CUSTOMERS,
    "contracts.list_contracts": CUSTOMERS,
    "credit_notes.find_credit_note": CUSTOMERS,
    "credit_notes.issue_credit_note": BILLING_ADMIN,
    "credit_notes.preview_credit_note": BILLING_ADMIN,
    "invoices.find_invoice": CUSTOMERS,
    "invoices.get_invoice": CUSTOMERS,
    "licences.assign_licences": BUYERS,
    "licences.buy_and_assign": BUYERS,
    "licences.list_holders": BUYERS,
    "licences.list_products": BUYERS,
    "licences.preview_buy_and_assign": BUYERS,
    "licences.revoke_licences": BUYERS,
    "licences.search_people": BUYERS,
    "members.add_member": BILLING_ADMIN,
    "members.import_in_steps": BILLING_ADMIN,
    "members.import_members": BILLING_ADMIN,
    "members.list_members": BILLING_ADMIN,
    "members.preview_import": BILLING_ADMIN,
    "members.remove_member": BILLING_ADMIN,
    "overview.get_overview": EVERYONE,
    "overview.invoiced_per_month": EVERYONE,
    "profile.set_language": EVERYONE,
    "seat_orders.change_order_payment_method": BUYERS,
    "seat_orders.checkout_result": BUYERS,
    "seat_orders.estimate": BUYERS,
    "seat_orders.order_history": BUYERS,
    "seat_orders.place_card_order": BUYERS,
    "seat_orders.seat_offer": BUYERS,
    "self_service.list_purchases": BILLING_ADMIN,
    "self_service.product_settings": BILLING_ADMIN,
    "self_service.set_purchase_allowed": BILLING_ADMIN,
    "self_service.take_over": BILLING_ADMIN,
    "subscriptions.cancel_subscription": BUYERS,
    "subscriptions.change_licences": BUYERS,
    "subscriptions.get_subscription": CUSTOMERS,
    "subscriptions.list_subscriptions": CUSTOMERS,
    "subscriptions.preview_cancellation": BUYERS,
    "subscriptions.preview_licence_change": BUYERS,
    "subscriptions.set_auto_renew": BUYERS,
    "subscriptions.set_payment_method": BUYERS,
    "subscriptions.set_po_number": BUYERS,
    "subscriptions.undo_scheduled_change": BUYERS,
    "transactions.all_invoices": CUSTOMERS,
    "transactions.count_invoices": CUSTOMERS,
    "transactions.list_invoices": CUSTOMERS,
    "usage.report_months": BILLING_ADMIN,
    "usage.report_people": BILLING_ADMIN,
    "usage.report_scope": BILLING_ADMIN,
    "usage.usage_summary": BILLING_ADMIN,
    "usage_keys.create_key": BILLING_ADMIN,
    "usage_keys.list_keys": BILLING_ADMIN,
    "usage_keys.revoke_key": BILLING_ADMIN,
    "wallet.add_card": BILLING_ADMIN,
    "wallet.delete_card": BILLING_ADMIN,
    "wallet.list_cards": BILLING_ADMIN,
    "wallet.replace_card": BILLING_ADMIN,
    "wallet.set_default": BILLING_ADMIN,
    "wallet.update_card": BILLING_ADMIN,
}

# Public functions with a keyword-only actor that are not use cases, and why.
NOT_USE_CASES = {
    "audit.record": "writes who did what; the use case that calls it has checked its actor already",
}


def _service_functions() -> dict[str, Callable]:
    functions = {}
    package = billing_center.services
    for info in pkgutil.walk_packages(package.__path__, f"{package.__name__}."):
        module = importlib.import_module(info.name)
        for name, obj in vars(module).items():
            if not name.startswith("_") and inspect.isfunction(obj) and obj.__module__ == module.__name__:
                functions[policy.rule_name(obj)] = obj
    return functions


def _use_cases() -> dict[str, Callable]:
    use_cases = {}
    for name, fn in _service_functions().items():
        actor = inspect.signature(fn).parameters.get("actor")
        if actor is not None and actor.kind is inspect.Parameter.KEYWORD_ONLY and name not in NOT_USE_CASES:
            use_cases[name] = fn
    return use_cases


USE_CASES = _use_cases()


# --- the table -----------------------------------------------------------------------------------
def test_every_use_case_declares_who_may_run_it():
    undeclared = sorted(name for name in USE_CASES if name not in policy.RULES)
    assert not undeclared, f"add @policy.allowed(...) to {undeclared} (and a row to EXPECTED in this test)"


def test_the_rules_are_the_expected_table():
    assert {name: set(roles) for name, roles in policy.RULES.items()} == EXPECTED
    assert set(USE_CASES) == set(EXPECTED)


def test_use_cases_take_the_actor_by_keyword_and_only_policy_takes_it_positionally():
    positional = sorted(name for name, fn in _service_functions().items()
                        if (p := inspect.signature(fn).parameters.get("actor")) is not None
                        and p.kind is not inspect.Parameter.KEYWORD_ONLY and not name.startswith("policy."))
    assert positional == []


# --- every disallowed role is refused before anything happens ------------------------------------
@pytest.fixture
def actors_by_role(session: Session, flexis: Organisation) -> dict[Role, Actor]:
    """One actor per role in Flexis. Everyone but the billing admin also administers FL123133, so a
    refusal can only come from the role, never from what they may see."""
    fl123133 = session.exec(select(Contract).where(Contract.number == "FL123133")).one()
    actors = {Role.BILLING_ADMIN: factories.actor(session, flexis, role=Role.BILLING_ADMIN)}
    for role in (Role.CONTRACT_ADMIN, Role.BUYER, Role.MEMBER, Role.SUPPORT_AGENT):
        actors[role] = factories.actor(session, flexis, role=role)
        factories.contract_admin(session, fl123133, actors[role])
    return actors


class UnusedGateway:
    """A refused use case never reaches the card processor."""

    def __getattr__(self, name):
        raise AssertionError(f"the gateway's {name} was called")


@pytest.fixture
def sample_arguments(session: Session, flexis: Organisation) -> dict[str, object]:
    """Arguments a use case would accept for Flexis: the refusal is not for want of a valid one."""
    contract = session.exec(select(Contract).where(Contract.number == "FL123133")).one()
    card = session.exec(select(PaymentMethod).where(PaymentMethod.organisation_id == flexis.id)).first()
    admin = session.exec(select(ContractAdmin).where(ContractAdmin.contract_id == contract.id)).first()
    request = session.exec(select(ChangeRequest)).first()
    profile = factories.billing_profile(session, flexis)
    return {
        "token": "a" * 43, "contract_id": contract.id, "emails": "someone@flexis.com", "admin_id": admin.id,
        "flt": transactions.InvoiceFilter(), "profile_id": profile.id, "card_id": card.id, "number": "FL123133",
        "kind": "billing_frequency", "requested_value": "quarterly",
        "request_id": request.id if request else 1, "invoice_number": "INV1238", "reason": "Testing",
        "vat_id": "BE0123456749", "peppol_scheme": "0208", "peppol_id": "0123456749",
        "seats": 10, "gateway": UnusedGateway(), "idempotency_key": "k" * 20, "country": "US",
        "contact_name": "A Buyer", "contact_email": "buyer@flexis.com", "order_number": "FL123133-2",
        "expiry": "12/40", "holder_name": "A Holder", "address": "",
        "year": 2026, "months": [1], "scope": None, "key_id": 1,
        "product_id": 1, "person_ids": [admin.person_id or 1], "person_id": 1, "query": "a",
        "data": b"name,email\nA Person,a.person@flexis.com\n", "allowed": False,
        "name": "A Person", "email": "a.person@flexis.com",
        "subscription_id": session.exec(select(Subscription.id).where(Subscription.organisation_id == flexis.id)
                                        ).first(),
        "new_total": 7, "preview_token": "", "on": False, "po_number": "PO-1", "key": "ALM-7Q4K-9XPD-2M3T",
        "organisation_slug": "flexis", "product_code": "EXO-P1",
    }


OVERRIDES = {
    "audit_log.export_csv": {"flt": audit_log.AuditFilter()},
    "audit_log.list_events": {"flt": audit_log.AuditFilter()},
    "contracts.find_order": {"number": "FL123133-2"},
    "credit_notes.find_credit_note": {"number": "CN1"},
    "invoices.find_invoice": {"number": "INV1238"},
    "invoices.get_invoice": {"number": "INV1238"},
}


def _arguments(name: str, fn: Callable, samples: dict[str, object]) -> dict[str, object]:
    wanted = [p.name for p in inspect.signature(fn).parameters.values()
              if p.default is inspect.Parameter.empty and p.name not in ("session", "actor")]
    missing = [p for p in wanted if p not in samples]
    assert not missing, f"give sample_arguments a value for {missing} (used by {name})"
    return {p: OVERRIDES.get(name, {}).get(p, samples[p]) for p in wanted}


REFUSALS = [(name, role) for name in sorted(EXPECTED) for role in Role if role not in EXPECTED[name]]


@pytest.mark.parametrize(("name", "role"), REFUSALS, ids=[f"{n}-{r.value}" for n, r in REFUSALS])
def test_a_disallowed_role_is_refused_before_the_use_case_runs(session, actors_by_role, sample_arguments, name,
                                                               role):
    fn = USE_CASES[name]
    kwargs = _arguments(name, fn, sample_arguments)
    session.flush()
    statements: list[str] = []
    connection = session.connection()
    listener = lambda *args: statements.append(args[2])  # noqa: E731  (conn, cursor, statement, ...)
    event.listen(connection, "before_cursor_execute", listener)
    try:
        with pytest.raises(Forbidden):
            fn(session=session, actor=actors_by_role[role], **kwargs)
    finally:
        event.remove(connection, "before_cursor_execute", listener)
    assert statements == [], f"{name} ran SQL before refusing a {role.value}"
    assert not (session.new or session.dirty or session.deleted)


def test_an_allowed_role_passes_the_guard(session, actors_by_role):
    """The other side of the table, for one use case per rule: the guard lets the role through."""
    assert contracts.list_contracts(session=session, actor=actors_by_role[Role.MEMBER])
    assert overview.get_overview(session=session, actor=actors_by_role[Role.SUPPORT_AGENT])
    with pytest.raises(Forbidden):
        policy.require(None, *policy.CUSTOMERS)


# --- what each role sees -------------------------------------------------------------------------
@pytest.fixture
def world(session: Session):
    """An organisation with contracts A and B, an order and an invoice on each and one invoice without
    a contract; and one person per way of seeing them."""
    org = factories.organisation(session)
    people = {
        "billing admin": factories.actor(session, org, role=Role.BILLING_ADMIN),
        "contract admin of A": factories.actor(session, org, role=Role.CONTRACT_ADMIN),
        "buyer admin of B": factories.actor(session, org, role=Role.BUYER),
        "buyer": factories.actor(session, org, role=Role.BUYER),
        "member": factories.actor(session, org, role=Role.MEMBER),
        "removed admin of A": factories.actor(session, org, role=Role.CONTRACT_ADMIN),
    }
    a = factories.contract(session, org, admins=(people["contract admin of A"],))
    b = factories.contract(session, org, admins=(people["buyer admin of B"],))
    factories.contract_admin(session, a, people["removed admin of A"], status="removed")
    orders = {c.number: factories.order(session, org, contract=c) for c in (a, b)}
    bills = {c.number: factories.invoice(session, org, contract=c) for c in (a, b)}
    loose = factories.invoice(session, org)
    return org, people, a, b, orders, bills, loose


SEES = {  # who -> the contracts (A, B) they see
    "billing admin": {"A", "B"},
    "contract admin of A": {"A"},
    "buyer admin of B": {"B"},
    "buyer": set(),
    "member": set(),
    "removed admin of A": set(),
}


@pytest.mark.parametrize("who", sorted(SEES))
def test_each_role_sees_the_contracts_orders_and_invoices_it_should(session, world, who):
    org, people, a, b, orders, bills, loose = world
    actor = people[who]
    letter = {a.number: "A", b.number: "B"}
    seen = {letter[c.number] for c in contracts.list_contracts(session=session, actor=actor)}
    assert seen == SEES[who]
    everything = transactions.InvoiceFilter(period="6m")
    invoice_contracts = {letter.get(r.contract, "-") for r in transactions.all_invoices(session=session, actor=actor,
                                                                                        flt=everything)}
    billing_admin = who == "billing admin"
    assert invoice_contracts == SEES[who] | ({"-"} if billing_admin else set())
    for contract in (a, b):
        visible = letter[contract.number] in SEES[who]
        lookups = [(contracts.get_contract, contract.number), (contracts.find_order, orders[contract.number].number),
                   (invoices.get_invoice, bills[contract.number].number)]
        for find, number in lookups:
            if visible:
                find(session=session, actor=actor, number=number)
            else:
                with pytest.raises(NotFound):
                    find(session=session, actor=actor, number=number)
    if not billing_admin:  # an invoice without a contract is the billing admin's alone
        with pytest.raises(NotFound):
            invoices.find_invoice(session=session, actor=actor, number=loose.number)
    figures = overview.get_overview(session=session, actor=actor)
    assert figures.unpaid_invoices == len(SEES[who]) + (1 if billing_admin else 0)
    assert figures.active_contracts == len(SEES[who])


def test_a_support_agent_sees_no_customer_contract(session, world, support_agent):
    assert policy.visible_contract_ids(session, support_agent) == []
    with pytest.raises(Forbidden):
        contracts.list_contracts(session=session, actor=support_agent)
    figures = overview.get_overview(session=session, actor=support_agent)
    assert (figures.unpaid_invoices, figures.active_contracts) == (0, 0)


def test_visible_contract_ids_are_the_one_rule(session, world):
    org, people, a, b, *_ = world
    assert policy.visible_contract_ids(session, people["billing admin"]) is None  # every contract
    assert policy.visible_contract_ids(session, people["contract admin of A"]) == [a.id]
    assert policy.visible_contract_ids(session, people["buyer admin of B"]) == [b.id]
    assert policy.visible_contract_ids(session, people["buyer"]) == []
    assert policy.visible_contract_ids(session, people["removed admin of A"]) == []


def test_another_organisations_billing_admin_sees_none_of_it(session, world, flexis_admin):
    org, people, a, b, orders, bills, loose = world
    assert not {c.number for c in contracts.list_contracts(session=session, actor=flexis_admin)} & {a.number, b.number}
    for find in (lambda: contracts.get_contract(session=session, actor=flexis_admin, number=a.number),
                 lambda: contracts.find_order(session=session, actor=flexis_admin, number=orders[a.number].number),
                 lambda: invoices.find_invoice(session=session, actor=flexis_admin, number=loose.number),
                 lambda: credit_notes.find_credit_note(session=session, actor=flexis_admin, number="CN-none")):
        with pytest.raises(NotFound):
            find()
