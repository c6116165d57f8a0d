"""The members directory and its CSV import (issue 9): billing_center/services/members.py, member_csv.py."""

from __future__ import annotations

import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from billing_center.domain.errors import NotFound, ValidationFailed
from billing_center.models import LicenceAssignment, Person, UserSession
from billing_center.services import licences, members
from billing_center.services.member_csv import parse_members_csv
from tests import factories


def _count(session: Session, org) -> int:
    return session.exec(select(func.count()).select_from(Person).where(Person.organisation_id == org.id,
                                                                       Person.removed_at.is_(None))).one()


def test_add_member_validates_and_refuses_duplicates(session, org, org_admin, flexis_admin):
    person = members.add_member(session=session, actor=org_admin, name="  Nora   Janssens ", email="Nora@Org.Example")
    assert (person.full_name, person.email) == ("Nora Janssens", "nora@org.example")
    for name, email, field in (("", "x@org.example", "name"), ("Nora", "not-an-address", "email"),
                               ("Nora", "", "email"), ("N" * 201, "n@org.example", "name"),
                               ("Nora again", "nora@org.example", "email"),
                               ("Alex", flexis_admin.email, "email")):  # another organisation's address
        before = _count(session, org)
        with pytest.raises(ValidationFailed) as refused:
            members.add_member(session=session, actor=org_admin, name=name, email=email)
        assert refused.value.field == field
        assert _count(session, org) == before


def test_list_members_pages_by_name_with_licences_held(session, org, org_admin):
    product_id = factories.subscription(session, org, quantity=3).product_id
    people = [factories.person(session, org, full_name=f"Member {n:02d}") for n in range(6)]
    licences.assign_licences(session=session, actor=org_admin, product_id=product_id, person_ids=[people[0].id])
    first = members.list_members(session=session, actor=org_admin, query="member", limit=4)
    assert [r.name for r in first.rows] == ["Member 00", "Member 01", "Member 02", "Member 03"]
    assert first.total == 6 and first.rows[0].licences == 1 and first.rows[1].licences == 0
    second = members.list_members(session=session, actor=org_admin, query="member", cursor=first.next_cursor, limit=4)
    assert [r.name for r in second.rows] == ["Member 04", "Member 05"] and second.next_cursor is None


def test_remove_member_releases_licences_and_ends_sessions(session, org, org_admin, flexis_admin):
    product_id = factories.subscription(session, org, quantity=3).product_id
    person = factories.person(session, org, password_hash="x")
    licences.assign_licences(session=session, actor=org_admin, product_id=product_id, person_ids=[person.id])
    from datetime import timedelta

    from billing_center.domain import clock
    session.add(UserSession(person_id=person.id, token_hash="f" * 64, expires_at=clock.now() + timedelta(hours=1)))
    session.flush()
    removal = members.remove_member(session=session, actor=org_admin, person_id=person.id)
    assert (removal.email, removal.released) == (person.email, 1)
    assert session.exec(select(UserSession).where(UserSession.person_id == person.id)).first() is None
    assert session.exec(select(LicenceAssignment).where(LicenceAssignment.person_id == person.id)).one().revoked_at
    assert person.email not in [r.email for r in members.list_members(session=session, actor=org_admin).rows]
    with pytest.raises(NotFound):  # twice
        members.remove_member(session=session, actor=org_admin, person_id=person.id)
    with pytest.raises(NotFound):  # another organisation's member is the same as a missing one
        members.remove_member(session=session, actor=org_admin, person_id=flexis_admin.person_id)
    with pytest.raises(ValidationFailed):
        members.remove_member(session=session, actor=org_admin, person_id=org_admin.person_id)
    # A removed member can be added again.
    assert members.add_member(session=session, actor=org_admin, name="Back", email=person.email).id == person.id


# --- CSV ---------------------------------------------------------------------------------------------
def test_csv_reads_bom_semicolons_and_reports_bad_rows_by_line():
    data = ("\ufeffEmail;Name\r\n"
            "ann@x.example;Ann Smit\r\n"
            "\r\n"
            "not-an-address;Bad Mail\r\n"
            ";No Mail\r\n"
            "bob@x.example;\r\n"
            "ANN@x.example;Ann Twice\r\n"
            "carl@x.example;Carl;extra\r\n"
            "dirk@x.example;\"Dirk; Jr\"\r\n").encode()
    parsed = parse_members_csv(data)
    assert [(r.line, r.name, r.email) for r in parsed.rows] == [(2, "Ann Smit", "ann@x.example"),
                                                              (9, "Dirk; Jr", "dirk@x.example")]
    reasons = {p.line: p.reason for p in parsed.problems}
    assert sorted(reasons) == [4, 5, 6, 7, 8]
    assert "not an e-mail address" in reasons[4] and "empty" in reasons[5] and "name is empty" in reasons[6]
    assert "line 2" in reasons[7] and "found 3" in reasons[8]


@pytest.mark.parametrize(("data", "message"), [
    (b"", "empty"),
    (b"first,last\nA,B\n", "header"),
    ("name,email\nJos\xe9,j@x.example\n".encode("latin-1"), "UTF-8"),
])
def test_an_unusable_file_is_refused_whole(data, message):
    with pytest.raises(ValidationFailed, match=message) as refused:
        parse_members_csv(data)
    assert refused.value.field == "file"


def test_import_adds_good_rows_reports_bad_ones_and_never_twice(session, org, org_admin, flexis_admin):
    factories.person(session, org, email=f"known@{org.slug}.example", full_name="Known Person")
    data = (f"name,email\nNew One,new1@{org.slug}.example\nNew Two,new2@{org.slug}.example\n"
            f"Known Person,known@{org.slug}.example\nBroken,broken\nOther Org,{flexis_admin.email}\n").encode()
    before = _count(session, org)
    preview = members.preview_import(session=session, actor=org_admin, data=data)
    assert (preview.rows, preview.new, preview.existing) == (5, 2, 1)
    assert [p.line for p in preview.problems] == [5, 6]
    assert _count(session, org) == before  # a preview changes nothing
    done = members.import_members(session=session, actor=org_admin, data=data)
    assert (done.new, done.existing, len(done.problems)) == (2, 1, 2)
    assert _count(session, org) == before + 2
    again = members.import_members(session=session, actor=org_admin, data=data)
    assert (again.new, again.existing) == (0, 3)
    assert _count(session, org) == before + 2


def test_import_of_ten_thousand_rows(session, org, org_admin):
    lines = ["name;email"] + [f"Person {n:05d};p{n:05d}@{org.slug}.example" for n in range(10_000)]
    lines[5000] = "Bad Row;bad"
    data = "\n".join(lines).encode()
    progress: list[int] = []
    report = members.import_members(session=session, actor=org_admin, data=data,
                                    progress=lambda done, total: progress.append(done))
    assert (report.new, [p.line for p in report.problems]) == (9_999, [5001])
    assert progress[-1] == 9_999
    assert members.list_members(session=session, actor=org_admin, query="person 0999").total == 10


def test_an_import_that_fails_midway_writes_nothing(own_engine, monkeypatch):
    """The whole import is one transaction: a failure after the first chunk leaves no one added."""
    from billing_center.db import session_scope

    with session_scope(own_engine) as db:
        org = factories.organisation(db)
        admin = factories.actor(db, org, role="billing_admin")
    data = ("name,email\n" + "\n".join(f"P {n},p{n}@{org.slug}.example" for n in range(2500))).encode()

    def boom(done, total):
        if done > members.INSERT_CHUNK:
            raise RuntimeError("the database went away")

    with pytest.raises(RuntimeError), session_scope(own_engine) as db:
        members.import_members(session=db, actor=admin, data=data, progress=boom)
    with session_scope(own_engine) as db:
        assert _count(db, org) == 1  # only the admin
