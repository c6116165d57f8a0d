"""The app: rx.App and its pages, nothing else."""

import reflex as rx

from billing_center.api.routes import api
from billing_center.pages.access import access_page
from billing_center.pages.activate import activate_page
from billing_center.pages.admins import admins_page
from billing_center.pages.audit import audit_page
from billing_center.pages.mailbox import mailbox_page
from billing_center.pages.overview import overview_page
from billing_center.pages.sections import SECTIONS, section_page
from billing_center.pages.sign_in import sign_in_page
from billing_center.states.access import AccessState
from billing_center.states.activate import ActivateState
from billing_center.states.admins import AdminsState
from billing_center.states.audit import AuditState
from billing_center.states.mailbox import MailboxState
from billing_center.states.overview import OverviewState
from billing_center.states.session import SessionState
from billing_center.states.sign_in import SignInState

app = rx.App(
    api_transformer=api,
)
app.add_page(sign_in_page, route="/sign-in", title="Sign in | Billing Center", on_load=SignInState.open_page)
app.add_page(overview_page, route="/", title="Overview | Billing Center", on_load=OverviewState.load)
for route, (title, _icon, _text) in SECTIONS.items():
    app.add_page(section_page(route), route=route, title=f"{title} | Billing Center",
                 on_load=SessionState.require_sign_in)
# Issue 4: access, admins, audit log, demo mailbox.
app.add_page(access_page, route="/access", title="Access billing | Billing Center", on_load=AccessState.open_page)
app.add_page(activate_page, route="/activate", title="Activate billing access | Billing Center",
             on_load=ActivateState.open_page)
app.add_page(admins_page, route="/admins", title="Admins | Billing Center", on_load=AdminsState.load)
app.add_page(audit_page, route="/audit", title="Audit log | Billing Center", on_load=AuditState.load)
app.add_page(mailbox_page, route="/mailbox", title="Demo mailbox | Billing Center", on_load=MailboxState.load)
