"""The helpers a section's load is written with (issue 17): ``SessionState._refusal`` (a page's reads for
a person its use cases may refuse) and ``RecordPage`` (a page of one record its address names)."""

from __future__ import annotations

import pytest
import reflex as rx

from billing_center import i18n
from billing_center.domain.errors import Forbidden, NotFound
from billing_center.states.record_page import RecordPage
from billing_center.states.session import SessionState


class RecordPageProbe(RecordPage, SessionState):
    detail: str = ""


@pytest.fixture
def probe() -> RecordPageProbe:
    root = rx.State(_reflex_internal_init=True)
    return root.get_substate(RecordPageProbe.get_full_name().split(".")[1:])


def fails(exc: Exception):
    def read():
        raise exc

    return read


def test_a_refusal_is_empty_when_the_reads_ran(probe):
    ran = []
    assert probe._refusal(lambda: ran.append("read")) == ""
    assert ran == ["read"]


def test_a_refusal_is_the_forbidden_message_in_the_console_language(probe):
    with i18n.using("en"):
        assert probe._refusal(fails(Forbidden("Only billing admins see this."))) == "Only billing admins see this."
    with i18n.using("nl"):
        assert probe._refusal(fails(Forbidden())) == i18n.translate_error(Forbidden())


def test_a_refusal_lets_any_other_error_through(probe):
    with pytest.raises(NotFound):
        probe._refusal(fails(NotFound("invoice")))


def test_a_record_page_shows_the_view_of_the_record(probe):
    probe._show_record(lambda: 7, lambda number: f"record {number}", "missing")
    assert (probe.found, probe.detail, probe.loaded) == (True, "record 7", True)


@pytest.mark.parametrize("refusal", [NotFound("invoice"), Forbidden()], ids=["missing", "another organisation's"])
def test_a_record_page_shows_a_missing_record_and_another_organisations_alike(probe, refusal):
    probe._show_record(lambda: 7, lambda number: f"record {number}", "missing")
    probe._show_record(fails(refusal), lambda number: f"record {number}", "missing")
    assert (probe.found, probe.detail, probe.loaded) == (False, "missing", True)
