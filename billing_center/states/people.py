"""People: the members directory (search and pages on the server), add a member, import a CSV file
(checked first: bad rows by line number; then imported in one transaction with a progress bar),
remove a member (their licences are released)."""

from __future__ import annotations

import dataclasses
from typing import ClassVar
from urllib.parse import urlencode

import reflex as rx
from sqlmodel import Session

from billing_center.components.forms import form_text
from billing_center.domain.enums import Role
from billing_center.domain.errors import ValidationFailed
from billing_center.i18n import _, ngettext
from billing_center.labels import role_label
from billing_center.services import members
from billing_center.services.actors import Actor
from billing_center.services.member_csv import MAX_BYTES
from billing_center.states.paging import KeysetPages
from billing_center.states.rows import blank
from billing_center.states.session import FieldErrors, SessionState, event_id, signed_in

UPLOAD_ID = "members_csv"
SHOWN_PROBLEMS = 50


@dataclasses.dataclass
class MemberRow:
    id: str
    name: str
    email: str
    role: str
    team: str
    licences: int
    can_remove: bool


@dataclasses.dataclass
class ProblemRow:
    line: str
    reason: str


@dataclasses.dataclass
class ImportCheck:
    """What importing the chosen file would do: its rows, the people it adds, and its bad rows."""

    rows: int
    new: int
    existing: int
    problem_count: int
    problems: list[ProblemRow]  # the first SHOWN_PROBLEMS


def import_check(report: members.ImportReport) -> ImportCheck:
    return ImportCheck(rows=report.rows, new=report.new, existing=report.existing, problem_count=len(report.problems),
                       problems=[ProblemRow(str(p.line), p.reason) for p in report.problems[:SHOWN_PROBLEMS]])


def member_row(m: members.MemberRow) -> MemberRow:
    return MemberRow(id=str(m.id), name=m.name, email=m.email, role=role_label(Role(m.role)), team=m.team or "-",
                     licences=m.licences, can_remove=not m.is_you)


class PeopleState(KeysetPages, FieldErrors, SessionState):
    allowed: bool = True
    locked_message: str = ""
    query: str = ""
    leave_resets: ClassVar[tuple[str, ...]] = ("query",)
    rows: list[MemberRow] = []
    total: int = 0
    loaded: bool = False

    file_name: str = ""
    checked: bool = False
    report: ImportCheck = blank(ImportCheck)
    importing: bool = False
    import_done: int = 0
    import_total: int = 0
    _csv: bytes = b""

    # ``errors`` keys: name and email (the add form), file (the CSV import), action (any other refusal)
    field_errors: ClassVar[dict[str, str]] = {"name": "name", "email": "email", "file": "file", "*": "action"}

    def _fetch(self, actor: Actor, db: Session, cursor: str) -> None:
        page = members.list_members(session=db, actor=actor, query=self.query, cursor=cursor or None)
        self.rows, self.total = [member_row(m) for m in page.rows], page.total
        self._page_shown(page.next_cursor)

    @rx.event
    @signed_in(page=True)
    def load(self, actor: Actor, db: Session):
        self.query = str(self.router.url.query_parameters.get("q", "") or "")[:100]
        self._clear_errors("name", "email", "action")
        self._clear_import()
        self.locked_message = self._refusal(lambda: self._first_page(actor, db))
        self.allowed, self.loaded = not self.locked_message, True
        if not self.allowed:
            self.rows = []

    @rx.event
    @signed_in(read_only=True)
    def search(self, actor: Actor, db: Session, form_data: dict):
        self.query = form_text(form_data, "q").strip()[:100]
        return self._first_page_at(actor, db, "/people" + (f"?{urlencode({'q': self.query})}" if self.query else ""))

    @rx.event
    @signed_in
    def add(self, actor: Actor, db: Session, form_data: dict):
        self._clear_errors("name", "email", "action")
        person = members.add_member(session=db, actor=actor, name=form_text(form_data, "member_name"),
                                    email=form_text(form_data, "member_email"), ip=self._client_ip())
        self._first_page(actor, db)
        return [rx.set_value("member_name", ""), rx.set_value("member_email", ""),
                rx.toast.success(_("{name} ({email}) was added.").format(
                    name=person.full_name, email=person.email))]

    @rx.event
    @signed_in
    def remove(self, actor: Actor, db: Session, person_id: str):
        removal = members.remove_member(session=db, actor=actor, person_id=event_id(person_id, "member"),
                                        ip=self._client_ip())
        self._fetch(actor, db, self._current_cursor())
        return rx.toast.success(ngettext("{email} was removed; {count} licence released.",
                                         "{email} was removed; {count} licences released.", removal.released).format(
            email=removal.email, count=removal.released))

    # --- CSV import -----------------------------------------------------------------------------
    def _clear_import(self) -> None:
        self._clear_errors("file")
        self.file_name, self.checked, self.report = "", False, blank(ImportCheck)
        self.import_done = self.import_total = 0
        self._csv, self.importing = b"", False

    @rx.event
    @signed_in
    def check_file(self, actor: Actor, db: Session, files: list[rx.UploadFile]):
        """Read the chosen file and show what importing it would do; nothing changes yet."""
        self._clear_import()
        if not files:
            raise ValidationFailed("file", "Choose a CSV file first.")
        data = files[0].file.read(MAX_BYTES + 1)
        self.file_name = files[0].name or "members.csv"
        report = members.preview_import(session=db, actor=actor, data=data)
        self._csv, self.checked = data, True
        self.report = import_check(report)

    @rx.event
    @signed_in(read_only=True)
    def file_rejected(self):
        self._show_error("file", _("Choose one CSV file (.csv)."))

    @rx.event
    @signed_in(read_only=True)
    def cancel_import(self):
        self._clear_import()

    @rx.event
    @signed_in
    def run_import(self, actor: Actor, db: Session):
        """Import the checked file in one transaction, showing the progress between chunks."""
        if not self._csv or self.importing:
            return
        self.importing = True
        yield
        report = None
        try:
            for step in members.import_in_steps(session=db, actor=actor, data=self._csv, ip=self._client_ip()):
                self.import_done, self.import_total = step.done, step.total
                report = step.report
                yield
        finally:
            self.importing = False
        self._clear_import()
        self._first_page(actor, db)
        if report is not None:
            done = ngettext("{count} person added, {existing} were already members.",
                            "{count} people added, {existing} were already members.", report.new).format(
                count=report.new, existing=report.existing)
            if report.problems:
                done += " " + ngettext("{count} bad row was left out.", "{count} bad rows were left out.",
                                       len(report.problems)).format(count=len(report.problems))
            yield rx.toast.success(done)
