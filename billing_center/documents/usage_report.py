"""The detailed usage report (R-MAU-3): a CSV of the monthly uniques and of every active person's months,
and a PDF with the chart and the table, prepared in the background for the Usage page.

The CSV is written to its file a chunk of people at a time, each chunk read in a short transaction of
its own, so a report of 100,000 people is never held whole in memory; progress is reported after each
chunk. Both files are kept for the person who prepared them (``exports``, ``/api/exports/<token>``).

Both are in the language of the person who prepares them (the console's, :func:`files.reader_language`
when the caller gives none): the CSV's header rows and the PDF's words are catalog msgids (issue 11);
the CSV's columns keep their order and its values stay machine-readable (``2026-03``, plain counts).
"""

from __future__ import annotations

import asyncio
import csv
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from babel.dates import format_date
from babel.numbers import format_decimal
from fpdf import FPDF

from billing_center import i18n
from billing_center.db import session_scope
from billing_center.documents.exports import PreparedExport, Progress, Transaction, new_export_file, store_export
from billing_center.documents.files import File, csv_header, reader_language
from billing_center.documents.labels import language, t
from billing_center.i18n import N_
from billing_center.models import Organisation
from billing_center.services import usage
from billing_center.services.actors import Actor

CHUNK = 2000
CSV_TYPE, PDF_TYPE = "text/csv; charset=utf-8", "application/pdf"
T = TypeVar("T")


@dataclass(frozen=True)
class UsageReport:
    csv: PreparedExport
    pdf: PreparedExport
    people: int


def report_name(year: int, months: list[date]) -> str:
    first, last = months[0], months[-1]
    return f"usage-{year}-{first:%m}" + (f"-{last:%m}" if last != first else "")


MONTH_COLUMNS = [N_("Month"), N_("Unique active users")]
PERSON_COLUMNS = [N_("Person"), N_("E-mail"), N_("Months active"), N_("Number of months")]


def write_csv_head(writer, monthly: list[tuple[date, int]], lang: str | None = None) -> None:
    """The monthly uniques, a blank line, then the header of the people's rows (headers in ``lang``)."""
    writer.writerow(csv_header(MONTH_COLUMNS, lang))
    writer.writerows([[f"{m:%Y-%m}", users] for m, users in monthly])
    writer.writerow([])
    writer.writerow(csv_header(PERSON_COLUMNS, lang))


def person_row(person: usage.ReportPerson) -> list:
    return [person.name, person.email, " ".join(f"{m:%Y-%m}" for m in person.months), len(person.months)]


def _latin1(text: str) -> str:
    """The core fonts are Latin-1: French numbers and dates use the narrow no-break space, French words
    the typographic apostrophe."""
    text = text.replace("\u202f", "\u00a0").replace("\u2019", "'")
    return text.encode("latin-1", "replace").decode("latin-1")


def pdf_report(*, organisation: str, title: str, monthly: list[tuple[date, int]], people: int,
               lang: str | None = None) -> bytes:
    """A one-page PDF: a bar chart of the monthly uniques and the same figures as a table, in ``lang``."""
    loc = language(lang)

    def number(value: int) -> str:
        return _latin1(format_decimal(value, locale=loc))

    with i18n.using(loc):
        subtitle = i18n.ngettext("{organisation} - unique active users per month; {count} person active in "
                                 "these months.",
                                 "{organisation} - unique active users per month; {count} people active in "
                                 "these months.", people).format(organisation=organisation, count=number(people))
    doc = FPDF(orientation="P", unit="mm", format="A4")
    doc.set_title(title)
    doc.set_lang(loc)
    doc.add_page()
    doc.set_font("Helvetica", "B", 16)
    doc.cell(0, 10, _latin1(title), new_x="LMARGIN", new_y="NEXT")
    doc.set_font("Helvetica", "", 10)
    doc.cell(0, 6, _latin1(subtitle), new_x="LMARGIN", new_y="NEXT")
    top, height, left, width = doc.get_y() + 6, 70, 25.0, 165.0
    peak = max((u for _, u in monthly), default=0) or 1
    slot = width / max(1, len(monthly))
    doc.set_draw_color(120, 120, 120)
    doc.line(left, top + height, left + width, top + height)
    doc.set_font("Helvetica", "", 7)
    for i, (month, users) in enumerate(monthly):
        bar = height * users / peak
        x = left + i * slot + slot * 0.15
        doc.set_fill_color(62, 99, 221)
        if bar:
            doc.rect(x, top + height - bar, slot * 0.7, bar, style="F")
        doc.set_xy(x - 2, top + height - bar - 4)
        doc.cell(slot * 0.7 + 4, 4, number(users), align="C")
        doc.set_xy(x - 2, top + height + 1)
        doc.cell(slot * 0.7 + 4, 4, _latin1(format_date(month, "MMM yy", locale=loc)), align="C")
    doc.set_xy(doc.l_margin, top + height + 12)
    doc.set_font("Helvetica", "B", 10)
    month_label, users_label = csv_header(MONTH_COLUMNS, loc)
    doc.cell(60, 7, _latin1(month_label), border="B")
    doc.cell(50, 7, _latin1(users_label), border="B", align="R", new_x="LMARGIN", new_y="NEXT")
    doc.set_font("Helvetica", "", 10)
    for month, users in monthly:
        doc.cell(60, 6, _latin1(format_date(month, "LLLL y", locale=loc)))
        doc.cell(50, 6, number(users), align="R", new_x="LMARGIN", new_y="NEXT")
    doc.set_font("Helvetica", "B", 10)
    doc.cell(60, 7, _latin1(t("Total", loc)), border="T")
    doc.cell(50, 7, number(sum(u for _, u in monthly)), border="T", align="R")
    return bytes(doc.output())


async def prepare_usage_report(*, actor: Actor, year: int, months: list[int], progress: Progress,
                               chunk_size: int = CHUNK, transaction: Transaction = session_scope,
                               lang: str | None = None) -> UsageReport:
    """Check the choice (ValidationFailed otherwise), then write the CSV a chunk of people at a time,
    ``await progress(done, total)`` after each, and render the PDF; both in ``lang`` (default: the
    reader's language, :func:`reader_language`)."""

    def in_transaction(work: Callable[..., T], **kwargs) -> T:
        with transaction() as db:
            return work(session=db, actor=actor, **kwargs)

    def head(session, actor):
        scope = usage.report_scope(session=session, actor=actor, year=year, months=months)
        org = session.get(Organisation, actor.organisation_id).name
        reader = lang or reader_language(session, actor)
        return scope, usage.report_months(session=session, actor=actor, scope=scope), org, reader

    scope, monthly, organisation, lang = await asyncio.to_thread(in_transaction, head)
    await progress(0, scope.people)
    name = report_name(year, scope.months)
    csv_token, path = new_export_file(actor=actor, filename=f"{name}.csv", media_type=CSV_TYPE)
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out, lineterminator="\r\n")
        write_csv_head(writer, monthly, lang)
        done, after = 0, 0
        while True:
            chunk = await asyncio.to_thread(in_transaction, usage.report_people, scope=scope, after=after,
                                            limit=chunk_size)
            if not chunk:
                break
            writer.writerows(person_row(p) for p in chunk)
            done, after = done + len(chunk), chunk[-1].person_id
            await progress(done, scope.people)
    with i18n.using(lang):
        title = i18n.gettext("Usage report {period}").format(period=name.removeprefix("usage-"))
    content = await asyncio.to_thread(pdf_report, organisation=organisation, title=title, monthly=monthly,
                                      people=scope.people, lang=lang)
    pdf_token = store_export(actor=actor, file=File(f"{name}.pdf", content, PDF_TYPE))
    return UsageReport(PreparedExport(csv_token, f"{name}.csv", done), PreparedExport(pdf_token, f"{name}.pdf", 1),
                       done)
