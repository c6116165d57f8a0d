"""A page of one record its address names (an invoice, a contract): a section's state mixes this in
beside its ``detail`` view row and fills it with :meth:`RecordPage._show_record`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import reflex as rx

from billing_center.domain.errors import Forbidden, NotFound


class RecordPage(rx.State, mixin=True):
    found: bool = False
    loaded: bool = False

    def _show_record(self, read: Callable[[], Any], view: Callable[[Any], Any], missing: Any) -> None:
        """``detail`` becomes ``view`` of the record ``read`` returns; a missing record and another
        organisation's read alike (NotFound or Forbidden): ``missing``, and ``found`` is False."""
        try:
            record = read()
        except (NotFound, Forbidden):
            self.found, self.detail = False, missing
        else:
            self.found, self.detail = True, view(record)
        self.loaded = True
