"""The organisation's billing details (issue 12): VAT id and Peppol endpoint, where e-invoices go."""

from __future__ import annotations

import reflex as rx

from billing_center.components.form_fields import SELECT_STYLE, labelled
from billing_center.components.forms import error_of, form_card, labelled_input, submit_button
from billing_center.components.i18n import t
from billing_center.components.layout import console_page
from billing_center.components.ui import error_notice, loading, values_card
from billing_center.i18n import N_
from billing_center.states.billing_details import BillingDetailsState as S


def _summary() -> rx.Component:
    return values_card(
        (N_("Organisation"), S.detail.name),
        (N_("Address"), S.detail.address),
        (N_("VAT id in use"), rx.cond(S.detail.vat_id != "", S.detail.vat_id, "—")),
        (N_("Peppol endpoint in use"), rx.cond(
            S.detail.endpoint != "",
            rx.text(S.detail.endpoint, rx.cond(S.detail.endpoint_derived,
                                               rx.text.span(t(" (from the VAT id)"), color_scheme="gray"))),
            t("— (e-invoices go by e-mail)"))),
        columns=rx.breakpoints(initial="1", md="4"),
    )


def _form() -> rx.Component:
    return form_card(
        N_("E-invoicing details"),
        rx.text(t("Invoices and credit notes are sent as Factur-X PDFs and Peppol BIS Billing 3.0 UBL. "
                "Belgian organisations are reached at their enterprise number (scheme 0208)."),
                size="2", color_scheme="gray"),
        labelled_input(N_("VAT id"), "vat_id", error_of(S, "vat_id"), default_value=S.detail.vat_id,
                       hint=N_("With the country code: BE0123456749, NL859123455B01, FR40303265045, "
                            "DE136695976.")),
        labelled(
            N_("Peppol endpoint scheme"),
            rx.el.select(rx.el.option(t("From the VAT id"), value=""),
                         rx.foreach(S.schemes, lambda o: rx.el.option(o.label, value=o.value)),
                         id="peppol_scheme", name="peppol_scheme", default_value=S.detail.peppol_scheme,
                         style=SELECT_STYLE),
            error_of(S, "peppol_scheme"),
        ),
        labelled_input(N_("Peppol endpoint id"), "peppol_id", error_of(S, "peppol_id"),
                       default_value=S.detail.peppol_id,
                       hint=N_("Leave both empty to be reached at the VAT id "
                               "(the enterprise number in Belgium).")),
        error_notice(error_of(S, "action")),
        submit_button(t("Save billing details")),
        max_width="560px",
        on_submit=S.save,
    )


def billing_details_page() -> rx.Component:
    return console_page(
        N_("Billing details"),
        loading(
            S.loaded,
            rx.fragment(
                _summary(),
                rx.cond(S.can_edit, _form(),
                        rx.text(t("Only billing admins change the billing details."), size="2", color_scheme="gray")),
            ),
        ),
    )
