"""Outgoing e-mail: stored in the outbox, sent over real SMTP after the transaction commits."""

import pytest
from sqlmodel import select

from billing_center.domain.errors import ValidationFailed
from billing_center.models import OutgoingEmail
from billing_center.services import mail


def test_with_smtp_the_message_goes_out_after_commit(session, smtp_server, flexis):
    row = mail.send_email(session=session, to="Someone@Example.com", subject="Hello there",
                          body="First line\nhttp://localhost:3000/x", template="test", organisation_id=flexis.id)
    assert row.status == "queued"
    assert smtp_server.messages == []  # nothing leaves before the transaction commits
    session.commit()
    received = smtp_server.to("someone@example.com")
    assert len(received) == 1
    assert received[0].subject == "Hello there"
    assert "First line" in received[0].body
    assert received[0].message["X-Billing-Center-Template"] == "test"
    session.expire_all()
    stored = session.get(OutgoingEmail, row.id)
    assert stored.status == "sent" and stored.sent_at is not None


def test_a_rolled_back_use_case_sends_nothing(session, smtp_server):
    nested = session.begin_nested()
    mail.send_email(session=session, to="rollback@example.com", subject="Never", body="x", template="test")
    nested.rollback()
    session.rollback()
    session.commit()
    assert smtp_server.to("rollback@example.com", wait=0.3) == []


def test_without_smtp_the_message_stays_in_the_outbox(session, no_smtp):
    mail.send_email(session=session, to="outbox@example.com", subject="Stays here", body="Body", template="test")
    session.commit()
    rows = mail.outbox(session=session, to="outbox@example.com")
    assert [(r.subject, r.status) for r in rows] == [("Stays here", "queued")]


def test_an_unreachable_smtp_server_marks_the_message_failed(session, monkeypatch):
    from billing_center.settings import get_settings
    from tests.support import free_port

    monkeypatch.setattr(get_settings(), "smtp_host", "127.0.0.1")
    monkeypatch.setattr(get_settings(), "smtp_port", free_port())  # nothing listens there
    row = mail.send_email(session=session, to="down@example.com", subject="S", body="B", template="test")
    session.commit()  # the use case still succeeds
    session.expire_all()
    stored = session.get(OutgoingEmail, row.id)
    assert stored.status == "failed" and "SMTP unavailable" in stored.error


@pytest.mark.parametrize("address", ["", "no-at-sign", "a@b", "two@@example.com", "x@example.com\nBcc: y@z.com",
                                     "a b@example.com", "x@-bad.com"])
def test_bad_addresses_are_refused(session, address):
    with pytest.raises(ValidationFailed):
        mail.send_email(session=session, to=address, subject="S", body="B", template="test")
    assert session.exec(select(OutgoingEmail).where(OutgoingEmail.subject == "S")).all() == []


def test_subject_cannot_inject_headers(session, smtp_server):
    mail.send_email(session=session, to="hdr@example.com", subject="Hi\r\nBcc: evil@example.com", body="B",
                    template="test")
    session.commit()
    [received] = smtp_server.to("hdr@example.com")
    assert received.recipients == ["hdr@example.com"] and received.message["Bcc"] is None
