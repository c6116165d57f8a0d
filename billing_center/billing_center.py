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
# The console's pages: the component, its route, its title in the browser tab (before " | Billing Center")
# and its load event.
PAGES = [
    (sign_in_page, "/sign-in", "Sign in", SignInState.open_page),
    (overview_page, "/", "Overview", OverviewState.load),
    (contracts_page, "/contracts", "Contracts and orders", ContractsState.load),
    (contract_detail_page, "/contracts/[number]", "Contract", ContractDetailState.load),
    (transactions_page, "/transactions", "Transactions", TransactionsState.load),
    (invoice_page, "/invoices/[number]", "Invoice", InvoiceState.load),
    # Subscriptions and their life (issue 8).
    (subscriptions_page, "/subscriptions", "Subscriptions", SubscriptionsState.load),
    (subscription_page, "/subscriptions/[id]", "Subscription", SubscriptionState.load),
    # Payments and seat orders (R-PAY-1..3, R-ORD-1..5).
    (payment_methods_page, "/payment-methods", "Payment methods", WalletState.load),
    (billing_accounts_page, "/billing-accounts", "Billing accounts", BillingAccountsState.load),
    (seat_order_page, "/order", "Order seats", [OrderHistoryState.load, SeatOrderState.load]),
    (contract_billing_page, "/contracts/[number]/billing", "Billing details", ContractBillingState.load),
    (support_page, "/support", "Change requests", SupportState.load),
    # Issue 4: access, admins, audit log, demo mailbox.
    (access_page, "/access", "Access billing", AccessState.open_page),
    (activate_page, "/activate", "Activate billing access", ActivateState.open_page),
    (admins_page, "/admins", "Admins", AdminsState.load),
    (audit_page, "/audit", "Audit log", AuditState.load),
    (mailbox_page, "/mailbox", "Demo mailbox", MailboxState.load),
    # Issue 12: the organisation's e-invoicing details.
    (billing_details_page, "/billing-details", "Billing details", BillingDetailsState.load),
    # Issue 10: usage and the MAU plan (R-MAU-1..3).
    (usage_page, "/usage", "Usage", UsageState.load),
    # Issue 9: licences and people (R-LIC-2, R-SS-1).
    (licences_page, "/licences", "Licences", LicencesState.load),
    (licence_holders_page, "/licences/[product]", "Licence holders", LicenceHoldersState.load),
    (people_page, "/people", "People", PeopleState.load),
]
for page, route, title, on_load in PAGES:
    app.add_page(page, route=route, title=f"{title} | Billing Center", on_load=on_load)
