"""Previous / next over a list paginated on the server with a keyset: a section's state mixes this in
and fills its rows in ``_fetch``; the state keeps the cursor of each page visited, never the list.
``_fetch`` only reads: turning a page is a read-only event (``signed_in(read_only=True)``). A search,
filter or sort changed on the page shows its first page in the same event (``_first_page_at``)."""

from __future__ import annotations

from typing import ClassVar

import reflex as rx
from sqlmodel import Session

from billing_center.services.actors import Actor
from billing_center.states.session import signed_in
from billing_center.strict_csp import address_bar


class KeysetPages(rx.State, mixin=True):
    page_no: int = 1
    has_next: bool = False
    _cursors: list[str] = []  # cursor of each visited page ("" = the first)
    _next: str = ""
    # The vars (a search, a sort) set back to their defaults as the page is left: see ``leave``.
    leave_resets: ClassVar[tuple[str, ...]] = ()

    def _fetch(self, actor: Actor, db: Session, cursor: str) -> None:
        """Show the page after ``cursor`` and call ``_page_shown`` with the next page's cursor."""
        raise NotImplementedError

    def _page_shown(self, next_cursor: str | None) -> None:
        self._next, self.has_next = next_cursor or "", next_cursor is not None

    def _first_page(self, actor: Actor, db: Session) -> None:
        self._cursors, self.page_no = [""], 1
        self._fetch(actor, db, "")

    def _first_page_at(self, actor: Actor, db: Session, url: str):
        """The list as the page's fields now ask (a search, a filter, a sort), bookmarkable at ``url``: its
        first page in this event, and the address bar follows without a route change (no second
        round trip, no load). Before this visit's load has run (the page is not hydrated yet), go to
        ``url`` instead: the load reads it, as it does for a bookmark."""
        if not self.is_hydrated:
            return rx.redirect(url)
        self._first_page(actor, db)
        return address_bar(url)

    def _current_cursor(self) -> str:
        return self._cursors[-1] if self._cursors else ""

    @rx.event
    def leave(self):
        """The page is left (``console_page(on_leave=...)``): the tab's next visit starts from the defaults
        of ``leave_resets``, not from this visit's search. Not the person's input: no ``@signed_in``, so it
        never counts as a field set before a page's load (``SessionState._reset_vars``)."""
        self._reset_vars(*self.leave_resets)

    @rx.event
    @signed_in(read_only=True)
    def next_page(self, actor: Actor, db: Session):
        if not self._next:
            return
        cursor = self._next
        self._fetch(actor, db, cursor)
        self._cursors = [*self._cursors, cursor]
        self.page_no = len(self._cursors)

    @rx.event
    @signed_in(read_only=True)
    def previous_page(self, actor: Actor, db: Session):
        if len(self._cursors) <= 1:
            return
        self._cursors = self._cursors[:-1]
        self._fetch(actor, db, self._cursors[-1])
        self.page_no = len(self._cursors)
