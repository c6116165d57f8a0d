"""Sign-in, sessions and sign-out (R-SEC-1), on SQLite and PostgreSQL."""

from datetime import timedelta

import pytest
import time_machine
from sqlmodel import func, select

from billing_center.db import session_scope
from billing_center.domain import clock
from billing_center.domain.errors import NotAuthenticated, RateLimited, ValidationFailed
from billing_center.models import AccessAttempt, AuditEvent, SessionTicket, UserSession
from billing_center.services import auth
from billing_center.settings import get_settings
from tests.support import at_once

EMAIL, PASSWORD = "aleroy@flexis.com", "flexis-demo"


def test_sign_in_creates_a_hashed_server_side_session(session):
    signed = auth.sign_in(session=session, email=EMAIL, password=PASSWORD, ip="10.0.0.1")
    assert signed.actor.email == EMAIL and signed.actor.role == "billing_admin"
    rows = session.exec(select(UserSession).where(UserSession.person_id == signed.actor.person_id)).all()
    assert len(rows) == 1
    assert rows[0].token_hash == auth.token_digest(signed.token) != signed.token
    assert auth.resolve(session=session, token=signed.token) == signed.actor


def test_email_is_matched_without_case_or_spaces(session):
    assert auth.sign_in(session=session, email="  ALeroy@Flexis.com ", password=PASSWORD).actor.email == EMAIL


def test_wrong_password_says_so_and_creates_no_session(session):
    before = session.exec(select(func.count()).select_from(UserSession)).one()
    with pytest.raises(NotAuthenticated) as err:
        auth.sign_in(session=session, email=EMAIL, password="wrong", ip="10.0.0.2")
    assert "do not match" in err.value.message
    assert session.exec(select(func.count()).select_from(UserSession)).one() == before
    failed = session.exec(select(AuditEvent).where(AuditEvent.action == "sign_in_failed")).all()
    assert any(e.actor_email == EMAIL for e in failed)


def test_unknown_email_gets_the_same_message(session):
    with pytest.raises(NotAuthenticated) as err:
        auth.sign_in(session=session, email="nobody@flexis.com", password="x")
    assert err.value.message == auth.WRONG_CREDENTIALS


@pytest.mark.parametrize(("email", "password", "field"), [("", "x", "email"), ("not-an-email", "x", "email"),
                                                            (EMAIL, "", "password")])
def test_missing_fields_are_named(session, email, password, field):
    with pytest.raises(ValidationFailed) as err:
        auth.sign_in(session=session, email=email, password=password)
    assert err.value.field == field


def test_repeated_failures_are_slowed_down_per_account(session):
    limit = get_settings().sign_in_max_failures
    for i in range(limit):
        with pytest.raises(NotAuthenticated):
            auth.sign_in(session=session, email=EMAIL, password=f"guess-{i}", ip=f"10.1.0.{i}")
    # Even the right password is refused while the account is throttled.
    with pytest.raises(RateLimited):
        auth.sign_in(session=session, email=EMAIL, password=PASSWORD, ip="10.1.1.1")
    # Once the window has passed, the account can sign in again.
    later = clock.now() + timedelta(minutes=get_settings().sign_in_window_minutes + 1)
    with time_machine.travel(later, tick=False):
        assert auth.sign_in(session=session, email=EMAIL, password=PASSWORD).actor.email == EMAIL


def test_repeated_failures_from_one_address_are_slowed_down(session):
    limit = get_settings().sign_in_max_failures * 4
    for i in range(limit):
        session.add(AccessAttempt(kind="sign_in", email=f"guess{i}@flexis.com", ip="10.9.9.9", succeeded=False))
    session.flush()
    with pytest.raises(RateLimited):
        auth.sign_in(session=session, email=EMAIL, password=PASSWORD, ip="10.9.9.9")
    assert auth.sign_in(session=session, email=EMAIL, password=PASSWORD, ip="10.9.9.10")


def test_each_sign_in_gets_a_new_token(session):
    first = auth.sign_in(session=session, email=EMAIL, password=PASSWORD)
    second = auth.sign_in(session=session, email=EMAIL, password=PASSWORD)
    assert first.token != second.token


def test_sign_out_invalidates_the_token(session):
    signed = auth.sign_in(session=session, email=EMAIL, password=PASSWORD)
    auth.sign_out(session=session, token=signed.token)
    with pytest.raises(NotAuthenticated):
        auth.resolve(session=session, token=signed.token)


def test_idle_session_expires(session):
    signed = auth.sign_in(session=session, email=EMAIL, password=PASSWORD)
    idle = timedelta(minutes=get_settings().session_idle_minutes)
    with time_machine.travel(clock.now() + idle - timedelta(minutes=1), tick=False):
        auth.resolve(session=session, token=signed.token)  # activity slides the idle window
    with time_machine.travel(clock.now() + 2 * idle - timedelta(minutes=2), tick=False):
        auth.resolve(session=session, token=signed.token)
    with time_machine.travel(clock.now() + 4 * idle, tick=False), pytest.raises(NotAuthenticated):
        auth.resolve(session=session, token=signed.token)


def test_absolute_expiry_ends_even_an_active_session(session):
    signed = auth.sign_in(session=session, email=EMAIL, password=PASSWORD)
    settings = get_settings()
    step = timedelta(minutes=settings.session_idle_minutes - 1)
    moment = clock.now()
    end = moment + timedelta(minutes=settings.session_absolute_minutes)
    while moment + step < end:
        moment += step
        with time_machine.travel(moment, tick=False):
            auth.resolve(session=session, token=signed.token)
    with time_machine.travel(end + timedelta(seconds=1), tick=False), pytest.raises(NotAuthenticated):
        auth.resolve(session=session, token=signed.token)


@pytest.mark.parametrize("token", [None, "", "forged-token"])
def test_no_or_forged_token_is_not_signed_in(session, token):
    with pytest.raises(NotAuthenticated):
        auth.resolve(session=session, token=token)


def test_passwords_are_argon2_hashes():
    hashed = auth.hash_password("s3cret")
    assert hashed.startswith("$argon2id$") and "s3cret" not in hashed
    assert auth.verify_password(hashed, "s3cret") and not auth.verify_password(hashed, "other")


# --- issue 15: the console's sign-in becomes a cookie through a single-use ticket -------------------

def _sessions_of(session, person_id: int) -> int:
    return session.exec(select(func.count()).select_from(UserSession).where(UserSession.person_id == person_id)).one()


def test_a_sign_in_on_the_console_gives_a_ticket_not_a_session(session):
    before = session.exec(select(func.count()).select_from(UserSession)).one()
    ticketed = auth.sign_in_ticket(session=session, email=EMAIL, password=PASSWORD, ip="10.0.0.1")
    assert ticketed.actor.email == EMAIL and len(ticketed.ticket) >= 40
    assert session.exec(select(func.count()).select_from(UserSession)).one() == before
    row = session.exec(select(SessionTicket).where(SessionTicket.person_id == ticketed.actor.person_id)).one()
    assert row.ticket_hash == auth.token_digest(ticketed.ticket) != ticketed.ticket  # stored as a hash only
    assert (row.expires_at - row.created_at).total_seconds() == get_settings().session_ticket_seconds
    # The ticket is nothing but a ticket: it opens no session.
    with pytest.raises(NotAuthenticated):
        auth.resolve(session=session, token=ticketed.ticket)


def test_a_ticket_becomes_a_session_of_its_person_once(session):
    ticketed = auth.sign_in_ticket(session=session, email=EMAIL, password=PASSWORD)
    before = _sessions_of(session, ticketed.actor.person_id)
    signed = auth.exchange_ticket(session=session, ticket=ticketed.ticket, ip="10.0.0.1", user_agent="Chromium")
    assert signed.actor == ticketed.actor and signed.token != ticketed.ticket
    assert auth.resolve(session=session, token=signed.token) == ticketed.actor
    assert auth.resolve_digest(session=session, digest=auth.token_digest(signed.token)) == ticketed.actor
    assert _sessions_of(session, ticketed.actor.person_id) == before + 1
    with pytest.raises(NotAuthenticated):
        auth.exchange_ticket(session=session, ticket=ticketed.ticket)  # used
    assert _sessions_of(session, ticketed.actor.person_id) == before + 1


def test_an_expired_ticket_opens_nothing(session):
    ticketed = auth.sign_in_ticket(session=session, email=EMAIL, password=PASSWORD)
    before = _sessions_of(session, ticketed.actor.person_id)
    later = clock.now() + timedelta(seconds=get_settings().session_ticket_seconds + 1)
    with time_machine.travel(later, tick=False), pytest.raises(NotAuthenticated) as err:
        auth.exchange_ticket(session=session, ticket=ticketed.ticket)
    assert "expired" in err.value.message
    assert _sessions_of(session, ticketed.actor.person_id) == before


@pytest.mark.parametrize("ticket", [None, "", "forged-ticket", "x" * 43])
def test_no_or_forged_ticket_opens_nothing(session, ticket):
    before = session.exec(select(func.count()).select_from(UserSession)).one()
    with pytest.raises(NotAuthenticated):
        auth.exchange_ticket(session=session, ticket=ticket)
    assert session.exec(select(func.count()).select_from(UserSession)).one() == before


def test_a_session_token_is_never_a_ticket(session):
    signed = auth.sign_in(session=session, email=EMAIL, password=PASSWORD)
    with pytest.raises(NotAuthenticated):
        auth.exchange_ticket(session=session, ticket=signed.token)


def test_a_wrong_password_gives_no_ticket(session):
    before = session.exec(select(func.count()).select_from(SessionTicket)).one()
    with pytest.raises(NotAuthenticated):
        auth.sign_in_ticket(session=session, email=EMAIL, password="wrong")
    assert session.exec(select(func.count()).select_from(SessionTicket)).one() == before


def test_signing_out_by_digest_ends_the_session(session):
    signed = auth.sign_in(session=session, email=EMAIL, password=PASSWORD)
    auth.sign_out_digest(session=session, digest=auth.token_digest(signed.token), ip="10.0.0.3")
    with pytest.raises(NotAuthenticated):
        auth.resolve(session=session, token=signed.token)
    assert session.exec(select(AuditEvent).where(AuditEvent.action == "sign_out", AuditEvent.ip == "10.0.0.3")).first()
    auth.sign_out_digest(session=session, digest=None)  # nothing to end: nothing happens


def test_a_digest_is_not_a_token(session):
    """The handshake digest Reflex stores cannot be replayed as a cookie: HTTP hashes what it gets."""
    signed = auth.sign_in(session=session, email=EMAIL, password=PASSWORD)
    with pytest.raises(NotAuthenticated):
        auth.resolve(session=session, token=auth.token_digest(signed.token))


def test_two_simultaneous_exchanges_of_one_ticket_make_one_session(own_engine):
    with session_scope(own_engine) as db:
        ticketed = auth.sign_in_ticket(session=db, email=EMAIL, password=PASSWORD)

    def exchange():
        with session_scope(own_engine) as db:
            return auth.exchange_ticket(session=db, ticket=ticketed.ticket)

    results, raised = at_once(exchange)
    assert (len(results), [type(exc) for exc in raised]) == (1, [NotAuthenticated])
    with session_scope(own_engine) as db:
        assert _sessions_of(db, ticketed.actor.person_id) == 1
