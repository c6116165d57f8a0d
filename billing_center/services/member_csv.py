"""Reading a members CSV file (issue 9): header ``name,email``, UTF-8 with or without a BOM, fields
separated by ``,`` or ``;``. Every bad row is reported by its line number with the reason; the good
rows come back normalised (one space between words, lower-case address). Pure: no database."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from billing_center.domain.errors import ValidationFailed
from billing_center.services.mail import is_email_address

MAX_BYTES = 5_000_000
MAX_ROWS = 50_000


@dataclass(frozen=True)
class CsvRow:
    """A usable row of the file, normalised: one space between the name's words, a lower-case address."""

    line: int
    name: str
    email: str


@dataclass(frozen=True)
class RowProblem:
    line: int
    reason: str


@dataclass
class ParsedCsv:
    rows: list[CsvRow] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.rows) + len(self.problems)


def _text(data: bytes) -> str:
    if not data:
        raise ValidationFailed("file", "The file is empty. It needs the header name,email and a row per person.")
    if len(data) > MAX_BYTES:
        raise ValidationFailed("file", "The file is larger than {count} MB; split it in parts.",
                               count=MAX_BYTES // 1_000_000)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationFailed("file", "The file is not UTF-8 text. Save it as CSV UTF-8 and try again.") from None


def _columns(header: list[str]) -> tuple[int, int]:
    names = [h.strip().lower() for h in header]
    if sorted(names) != ["email", "name"]:
        raise ValidationFailed("file", "The first line must be the header name,email (or name;email).")
    return names.index("name"), names.index("email")


def parse_members_csv(data: bytes) -> ParsedCsv:
    """The rows of a members file, or ValidationFailed("file", ...) when the file itself is unusable."""
    text = _text(data)
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader, None)
        if not header:
            raise ValidationFailed("file", "The file is empty. It needs the header name,email and a row per person.")
        name_at, email_at = _columns(header)
        parsed, seen = ParsedCsv(), {}
        for record in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in record):
                continue
            if parsed.count >= MAX_ROWS:
                raise ValidationFailed("file", "At most {count} people per file; split it in parts.",
                                       count=MAX_ROWS)
            problem = _problem(record, name_at, email_at, seen)
            if problem:
                parsed.problems.append(RowProblem(line, problem))
                continue
            row = CsvRow(line, " ".join(record[name_at].split()), record[email_at].strip().lower())
            seen[row.email] = line
            parsed.rows.append(row)
    except csv.Error as exc:
        raise ValidationFailed("file", "The file is not a readable CSV file (line {line}: {reason}).",
                               line=reader.line_num, reason=str(exc)) from None
    return parsed


def _problem(record: list[str], name_at: int, email_at: int, seen: dict[str, int]) -> str | None:
    if len(record) != 2:
        return f"Expected 2 fields (name and e-mail), found {len(record)}."
    name, email = " ".join(record[name_at].split()), record[email_at].strip().lower()
    if not name:
        return "The name is empty."
    if len(name) > 200:
        return "The name is longer than 200 characters."
    if not is_email_address(email):
        return f"{email or 'The e-mail address'} is not an e-mail address." if email else "The e-mail address is empty."
    if email in seen:
        return f"{email} is also on line {seen[email]}."
    return None
