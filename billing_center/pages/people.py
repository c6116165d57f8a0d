"""People: the members directory, adding a member, importing a CSV file, removing a member."""

from __future__ import annotations

import reflex as rx

from billing_center.components.forms import error_of, form_card, labelled_input, search_form, submit_button
from billing_center.components.i18n import t
from billing_center.components.layout import console_page
from billing_center.components.ui import (
    data_table,
    field_error,
    loading,
    numeric_cell,
    page_notices,
    page_section,
    pager,
    remove_dialog,
    section_card,
    table_row,
)
from billing_center.i18n import N_
from billing_center.states.people import UPLOAD_ID, PeopleState

S = PeopleState


def _member_row(row) -> rx.Component:
    return table_row(
        rx.table.row_header_cell(row.name), row.email, row.role, row.team, numeric_cell(row.licences.to_string()),
        rx.cond(
            row.can_remove,
            remove_dialog(
                row.email,
                title=N_("Remove this member?"),
                description=rx.text(row.name, " (", row.email, t(") leaves the directory and loses "),
                                    row.licences.to_string(), t(" licence(s), which become available at once.")),
                on_confirm=S.remove(row.id),
            ),
        ),
    )


def _add_form() -> rx.Component:
    return form_card(
        N_("Add a member"),
        rx.hstack(
            labelled_input(N_("Name"), "member_name", error_of(S, "name"), autocomplete="off"),
            labelled_input(N_("E-mail address"), "member_email", error_of(S, "email"), kind="email",
                autocomplete="off"),
            width="100%",
            spacing="3",
            align="start",
        ),
        submit_button(rx.icon("user-plus", size=16), t("Add member")),
        align="start",
        on_submit=S.add,
    )


def _problem_row(row) -> rx.Component:
    return table_row(rx.table.row_header_cell(row.line), row.reason)


def _preview() -> rx.Component:
    """The checked file's report and its Import button, in the import card's column."""
    return rx.fragment(
        rx.text(S.file_name, ": ", S.report.rows.to_string(), t(" rows. "), S.report.new.to_string(),
                t(" new people, "), S.report.existing.to_string(), t(" already members, "),
                S.report.problem_count.to_string(), t(" bad rows (left out)."), size="2", role="status"),
        rx.cond(S.report.problem_count > 0,
                data_table([N_("Line"), N_("Why it is left out")], S.report.problems, _problem_row,
                           caption=N_("Bad rows of the file"), empty_text=N_("No bad rows."))),
        rx.cond(S.report.problem_count > S.report.problems.length(),
                rx.text(t("Only the first "), S.report.problems.length().to_string(), t(" bad rows are listed."),
                        size="1", color_scheme="gray")),
        rx.cond(
            S.importing,
            rx.vstack(
                rx.hstack(rx.spinner(size="2"), rx.text(t("Importing "), S.import_done.to_string(), t(" of "),
                                                        S.import_total.to_string(), "…", size="2"), align="center"),
                rx.progress(value=rx.cond(S.import_total > 0, S.import_done * 100 / S.import_total, 0), max=100,
                            width="100%", aria_label=t("Import progress")),
                width="100%",
            ),
            rx.hstack(
                rx.button(rx.icon("upload", size=16), t("Import ") + S.report.new.to_string() + t(" people"),
                          on_click=S.run_import, disabled=S.report.new == 0),
                rx.button(t("Cancel"), variant="soft", color_scheme="gray", on_click=S.cancel_import),
                spacing="3",
            ),
        ),
    )


def _import_card() -> rx.Component:
    return section_card(
        N_("Import from a CSV file"),
        rx.vstack(
            rx.text(t("CSV file"), size="2", weight="medium"),
            rx.upload.root(
                rx.hstack(rx.button(rx.icon("file-up", size=16), t("Choose CSV file"), variant="soft", type="button"),
                          rx.foreach(rx.selected_files(UPLOAD_ID), lambda f: rx.text(f, size="2")),
                          align="center", spacing="3"),
                id=UPLOAD_ID,
                on_drop_rejected=S.file_rejected,
                accept={"text/csv": [".csv"], "text/plain": [".txt"]},
                max_files=1,
                multiple=False,
                no_drag=False,
                border=f"1px dashed {rx.color('gray', 7)}",
                padding="12px",
                border_radius="8px",
                width="100%",
            ),
            field_error(error_of(S, "file")),
            spacing="1",
            width="100%",
        ),
        rx.button(rx.icon("list-checks", size=16), t("Check file"),
                  on_click=S.check_file(rx.upload_files(upload_id=UPLOAD_ID))),
        rx.cond(S.checked, _preview()),
        # The members CSV is an import format (services/member_csv.py): its header stays the machine's
        # "name,email" in every language; only this explanation is translated.
        description=N_("The first line is the header name,email (or name;email); UTF-8, with or without a BOM. "
                       "Check the file first: bad rows are listed by line number and left out; people already in "
                       "the directory are not added twice."),
        align="start",
    )


def _directory() -> rx.Component:
    return page_section(
        N_("Members"),
        search_form(N_("Search members"), S.query, on_submit=S.search),
        data_table([N_("Name"), N_("E-mail"), N_("Role"), N_("Team"), N_("Licences"), N_("Actions")], S.rows,
                   _member_row, caption=N_("Members of the organisation"),
                   empty_text=N_("Nobody matches. Add a member or import a file."),
                   numeric=(N_("Licences"),)),
        pager(t("Page ") + S.page_no.to_string() + " · " + S.total.to_string() + t(" members"), S.previous_page,
              S.next_page, S.page_no > 1, S.has_next),
    )


def people_page() -> rx.Component:
    return console_page(
        N_("People"),
        page_notices(S.locked_message, error_of(S, "action")),
        rx.cond(
            S.allowed,
            loading(
                S.loaded,
                rx.vstack(_add_form(), _import_card(), _directory(), spacing="5", width="100%"),
                size="3",
            ),
        ),
        on_leave=S.leave,
    )
