"""The app: rx.App and its pages, nothing else."""

import reflex as rx

from billing_center import scheduler, slow_loads
from billing_center.api.routes import api, secure
from billing_center.components.i18n import catalog_script
from billing_center.pages.access import access_page
from billing_center.pages.activate import activate_page
from billing_center.pages.admins import admins_page
from billing_center.pages.audit import audit_page
from billing_center.pages.billing_accounts import billing_accounts_page
from billing_center.pages.billing_details import billing_details_page
from billing_center.pages.contract_billing import contract_billing_page
from billing_center.pages.contracts import contract_detail_page, contracts_page
from billing_center.pages.invoice import invoice_page
from billing_center.pages.licences import licence_holders_page, licences_page
from billing_center.pages.mailbox import mailbox_page
from billing_center.pages.overview import overview_page
from billing_center.pages.payment_methods import payment_methods_page
from billing_center.pages.people import people_page
from billing_center.pages.seat_order import seat_order_page
from billing_center.pages.sign_in import sign_in_page
from billing_center.pages.subscriptions import subscription_page, subscriptions_page
from billing_center.pages.support import support_page
from billing_center.pages.transactions import transactions_page
from billing_center.pages.usage import usage_page
from billing_center.states.access import AccessState
from billing_center.states.activate import ActivateState
from billing_center.states.admins import AdminsState
from billing_center.states.audit import AuditState
from billing_center.states.billing_accounts import BillingAccountsState
from billing_center.states.billing_details import BillingDetailsState
from billing_center.states.contract_billing import ContractBillingState
from billing_center.states.contracts import ContractDetailState, ContractsState
from billing_center.states.invoice import InvoiceState
from billing_center.states.licences import LicenceHoldersState, LicencesState
from billing_center.states.mailbox import MailboxState
from billing_center.states.order_history import OrderHistoryState
from billing_center.states.overview import OverviewState
from billing_center.states.people import PeopleState
from billing_center.states.seat_order import SeatOrderState
from billing_center.states.sign_in import SignInState
from billing_center.states.subscriptions import SubscriptionsState, SubscriptionState
from billing_center.states.support import SupportState
from billing_center.states.transactions import TransactionsState
from billing_center.states.usage import UsageState
from billing_center.states.wallet import WalletState

app = rx.App(
    api_transformer=[api, secure],
    head_components=[catalog_script()],  # the translations, before the pages' modules run
)
app.register_lifespan_task(scheduler.run_forever)
slow_loads.install(app)  # a test hook, off unless SLOW_PAGE_LOAD_MS is set
app.add_page(sign_in_page, route="/sign-in", title="Sign in | Billing Center", on_load=SignInState.open_page)
app.add_page(overview_page, route="/", title="Overview | Billing Center", on_load=OverviewState.load)
app.add_page(contracts_page, route="/contracts", title="Contracts and orders | Billing Center",
             on_load=ContractsState.load)
app.add_page(contract_detail_page, route="/contracts/[number]", title="Contract | Billing Center",
             on_load=ContractDetailState.load)
app.add_page(transactions_page, route="/transactions", title="Transactions | Billing Center",
             on_load=TransactionsState.load)
app.add_page(invoice_page, route="/invoices/[number]", title="Invoice | Billing Center", on_load=InvoiceState.load)
# Subscriptions and their life (issue 8).
app.add_page(subscriptions_page, route="/subscriptions", title="Subscriptions | Billing Center",
             on_load=SubscriptionsState.load)
app.add_page(subscription_page, route="/subscriptions/[id]", title="Subscription | Billing Center",
             on_load=SubscriptionState.load)
# Payments and seat orders (R-PAY-1..3, R-ORD-1..5).
app.add_page(payment_methods_page, route="/payment-methods", title="Payment methods | Billing Center",
             on_load=WalletState.load)
app.add_page(billing_accounts_page, route="/billing-accounts", title="Billing accounts | Billing Center",
             on_load=BillingAccountsState.load)
app.add_page(seat_order_page, route="/order", title="Order seats | Billing Center",
             on_load=[OrderHistoryState.load, SeatOrderState.load])
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
# Issue 12: the organisation's e-invoicing details.
app.add_page(billing_details_page, route="/billing-details", title="Billing details | Billing Center",
             on_load=BillingDetailsState.load)
# Issue 10: usage and the MAU plan (R-MAU-1..3).
app.add_page(usage_page, route="/usage", title="Usage | Billing Center", on_load=UsageState.load)
# Issue 9: licences and people (R-LIC-2, R-SS-1).
app.add_page(licences_page, route="/licences", title="Licences | Billing Center", on_load=LicencesState.load)
app.add_page(licence_holders_page, route="/licences/[product]", title="Licence holders | Billing Center",
             on_load=LicenceHoldersState.load)
app.add_page(people_page, route="/people", title="People | Billing Center", on_load=PeopleState.load)
