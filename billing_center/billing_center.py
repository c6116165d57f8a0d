"""The app: rx.App and its pages, nothing else."""

import reflex as rx

from billing_center.api.routes import api
from billing_center.pages.access import access_page
from billing_center.pages.activate import activate_page
from billing_center.pages.admins import admins_page
from billing_center.pages.audit import audit_page
from billing_center.pages.billing_accounts import billing_accounts_page
from billing_center.pages.contract_billing import contract_billing_page
from billing_center.pages.contracts import contract_detail_page, contracts_page
from billing_center.pages.invoice import invoice_page
from billing_center.pages.mailbox import mailbox_page
from billing_center.pages.overview import overview_page
from billing_center.pages.payment_methods import payment_methods_page
from billing_center.pages.seat_order import seat_order_page
from billing_center.pages.sections import SECTIONS, section_page
from billing_center.pages.sign_in import sign_in_page
from billing_center.pages.support import support_page
from billing_center.pages.transactions import transactions_page
from billing_center.states.access import AccessState
from billing_center.states.activate import ActivateState
from billing_center.states.admins import AdminsState
from billing_center.states.audit import AuditState
from billing_center.states.billing_accounts import BillingAccountsState
from billing_center.states.contract_billing import ContractBillingState
from billing_center.states.contracts import ContractDetailState, ContractsState
from billing_center.states.invoice import InvoiceState
from billing_center.states.mailbox import MailboxState
from billing_center.states.overview import OverviewState
from billing_center.states.seat_order import SeatOrderState
from billing_center.states.session import SessionState
from billing_center.states.sign_in import SignInState
from billing_center.states.support import SupportState
from billing_center.states.transactions import TransactionsState
from billing_center.states.wallet import WalletState

app = rx.App(
    api_transformer=api,
)
app.add_page(sign_in_page, route="/sign-in", title="Sign in | Billing Center", on_load=SignInState.open_page)
app.add_page(overview_page, route="/", title="Overview | Billing Center", on_load=OverviewState.load)
app.add_page(contracts_page, route="/contracts", title="Contracts and orders | Billing Center",
             on_load=ContractsState.load)
app.add_page(contract_detail_page, route="/contracts/[number]", title="Contract | Billing Center",
             on_load=ContractDetailState.load)
app.add_page(transactions_page, route="/transactions", title="Transactions | Billing Center",
             on_load=TransactionsState.load)
app.add_page(invoice_page, route="/invoices/[number]", title="Invoice | Billing Center", on_load=InvoiceState.load)
for route, (title, _icon, _text) in SECTIONS.items():
    app.add_page(section_page(route), route=route, title=f"{title} | Billing Center",
                 on_load=SessionState.require_sign_in)
# Payments and seat orders (issue 3).
app.add_page(payment_methods_page, route="/payment-methods", title="Payment methods | Billing Center",
             on_load=WalletState.load)
app.add_page(billing_accounts_page, route="/billing-accounts", title="Billing accounts | Billing Center",
             on_load=BillingAccountsState.load)
app.add_page(seat_order_page, route="/order", title="Order seats | Billing Center", on_load=SeatOrderState.load)
app.add_page(contract_billing_page, route="/contracts/[number]/billing", title="Billing details | Billing Center",
             on_load=ContractBillingState.load)
app.add_page(support_page, route="/support", title="Change requests | Billing Center", on_load=SupportState.load)
# Issue 4: access, admins, audit log, demo mailbox.
app.add_page(access_page, route="/access", title="Access billing | Billing Center", on_load=AccessState.open_page)
app.add_page(activate_page, route="/activate", title="Activate billing access | Billing Center",
             on_load=ActivateState.open_page)
app.add_page(admins_page, route="/admins", title="Admins | Billing Center", on_load=AdminsState.load)
app.add_page(audit_page, route="/audit", title="Audit log | Billing Center", on_load=AuditState.load)
app.add_page(mailbox_page, route="/mailbox", title="Demo mailbox | Billing Center", on_load=MailboxState.load)
