"""The transactions list's filter (R-INV-2): read from and written to the URL, so a filtered list is
bookmarkable. The last 3 months by default, the last 6 months, or a custom range; a status; a
contract; a sort order. Parsing only: the query that applies a filter is in ``transactions``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from billing_center.domain import clock
from billing_center.domain.errors import ValidationFailed

PERIODS = ("3m", "6m", "custom")
STATUSES = ("paid", "unpaid", "overdue", "void")
SORTS = {
    "issue_desc": ("issue_date", True),
    "issue_asc": ("issue_date", False),
    "due_desc": ("due_date", True),
    "due_asc": ("due_date", False),
    "total_desc": ("total_minor", True),
    "total_asc": ("total_minor", False),
}


@dataclass(frozen=True)
class InvoiceFilter:
    period: str = "3m"
    date_from: date | None = None
    date_to: date | None = None
    status: str = ""
    contract: str = ""
    sort: str = "issue_desc"

    def range(self, today: date | None = None) -> tuple[date | None, date | None]:
        today = today or clock.today()
        if self.period == "6m":
            return clock.add_months(today, -6), None
        if self.period == "custom":
            return self.date_from, self.date_to
        return clock.add_months(today, -3), None

    def query(self) -> dict[str, str]:
        """The URL query parameters that reproduce this filter (bookmarkable)."""
        params = {"period": self.period}
        if self.period == "custom":
            if self.date_from:
                params["from"] = self.date_from.isoformat()
            if self.date_to:
                params["to"] = self.date_to.isoformat()
        if self.status:
            params["status"] = self.status
        if self.contract:
            params["contract"] = self.contract
        if self.sort != "issue_desc":
            params["sort"] = self.sort
        return params


def _parse_day(text: str, name: str) -> date | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationFailed(name, "Enter a date as YYYY-MM-DD.") from None


def parse_filter(params: dict[str, str]) -> InvoiceFilter:
    """Read a filter from URL query parameters. Bad values raise ValidationFailed with the field."""
    period = (params.get("period") or "3m").strip()
    if period not in PERIODS:
        raise ValidationFailed("period", "Choose last 3 months, last 6 months or a custom range.")
    date_from = _parse_day(params.get("from", ""), "from")
    date_to = _parse_day(params.get("to", ""), "to")
    if period == "custom":
        if date_from is None or date_to is None:
            raise ValidationFailed("from" if date_from is None else "to", "A custom range needs both dates.")
        if date_to < date_from:
            raise ValidationFailed("to", "The end date cannot be before the start date.")
        if date_from.year < 1990 or date_to.year > 2200:
            raise ValidationFailed("from", "Choose dates between 1990 and 2200.")
    status = (params.get("status") or "").strip().lower()
    if status and status not in STATUSES:
        raise ValidationFailed("status", "Choose paid, unpaid, overdue or void.")
    sort = (params.get("sort") or "issue_desc").strip()
    if sort not in SORTS:
        raise ValidationFailed("sort", "Unknown sort order.")
    contract = (params.get("contract") or "").strip()[:32]
    return InvoiceFilter(period=period, date_from=date_from if period == "custom" else None,
                         date_to=date_to if period == "custom" else None, status=status, contract=contract,
                         sort=sort)
