"""The one way a section's handler is written (states/session.py): ``@signed_in`` and ``@public``.

A probe state is built the way Reflex builds one (from the root state) and its handlers are called as
Reflex calls them. The decorator's transaction runs on the test database; the actor comes from a
stand-in for the session cookie, so these tests are about the decorator, not about signing in.
"""

from __future__ import annotations

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import ClassVar

import pytest
import reflex as rx
from reflex_base.constants import CompileVars
from reflex_base.event import Event
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, select

from billing_center import db as db_module
from billing_center.domain import clock
from billing_center.domain.enums import Role
from billing_center.domain.errors import Conflict, NotFound, ValidationFailed
from billing_center.models import AuditEvent, Person, UserSession
from billing_center.services import audit, auth
from billing_center.services.actors import Actor
from billing_center.settings import Settings
from billing_center.slow_loads import SlowPageLoads, is_page_load
from billing_center.states import session as session_module
from billing_center.states.session import FieldErrors, SessionState, field_setter, public, signed_in
from billing_center.strict_csp import install_toasts

install_toasts()  # as in every backend worker: the StrictCsp plugin installs them when rxconfig loads

PROBE = "decorator_probe"
GOOD_TOKEN = "probe-token"


class ProbeState(SessionState):
    amount: str = ""
    amount_error: str = ""
    action_error: str = ""
    seen: str = ""
    probe_token: str = ""  # stands in for the session the handshake cookie names
    steps: list[str] = []

    field_errors: ClassVar[dict[str, str]] = {"amount": "amount_error", "*": "action_error"}
    actor_of_token: ClassVar[Actor | None] = None

    def _resolve(self, db: Session) -> Actor | None:
        return self.actor_of_token if self.probe_token == GOOD_TOKEN else None

    def _write_probe(self, actor: Actor, db: Session) -> None:
        audit.record(session=db, action=PROBE, actor=actor, target_type="probe", target_id=self.amount)

    @rx.event
    @signed_in
    def save(self, actor: Actor, db: Session, amount: str):
        """Writes, then refuses what is not a number: the write must not stay."""
        self.amount = amount
        self._write_probe(actor, db)
        if not amount.isdigit():
            raise ValidationFailed("amount", "Enter a number.")
        return rx.toast.success("Saved.")

    @rx.event
    @signed_in
    def refuse(self, actor: Actor, db: Session):
        self._write_probe(actor, db)
        raise Conflict("Someone else changed it first.")

    @rx.event
    @signed_in(errors={"*": ""})
    def refuse_as_toast(self, actor: Actor):
        raise NotFound("probe")

    @rx.event
    @signed_in(page=True)
    def load(self, actor: Actor):
        self.seen = actor.email

    @rx.event
    @signed_in
    def steps_of(self, actor: Actor, db: Session, count: int):
        self.steps = []
        for n in range(count):
            self.steps = [*self.steps, f"step {n}"]
            yield
        if count > 2:
            raise ValidationFailed("amount", "At most two steps.")

    @rx.event(background=True)
    @signed_in
    async def in_background(self, actor: Actor, value: str):
        async with self:
            self.seen = f"{actor.email} {value}"
        if value == "bad":
            raise ValidationFailed("amount", "Not that one.")

    @rx.event
    @public
    def visit(self, actor: Actor | None, db: Session):
        self.seen = actor.email if actor else "a visitor"

    @rx.event
    @public(page=True)
    def open_form(self):
        """A load event that resets the page's form, as most do."""
        self.amount = self.amount_error = ""
        self.steps = ["loaded"]

    @rx.event
    @signed_in(read_only=True)
    def read(self, actor: Actor, db: Session):
        self.seen = db.get(Person, actor.person_id).email

    @rx.event
    @signed_in(read_only=True)
    def read_but_write(self, actor: Actor, db: Session):
        self._write_probe(actor, db)
        db.flush()


class RealSessionProbe(SessionState):
    """A probe whose actor comes from a real session row (the digest the handshake cookie would name)."""

    seen: str = ""
    digest: ClassVar[str | None] = None

    def _session_digest(self) -> str | None:
        return self.digest

    @rx.event
    @signed_in(read_only=True)
    def read(self, actor: Actor):
        self.seen = actor.email


class OtherPageProbe(SessionState):
    """Another section's state: its page's load must not see the fields ProbeState's events noted."""

    opened: bool = False

    @rx.event
    @public(page=True)
    def open_other(self):
        self.opened = True


class ErrorsProbe(FieldErrors, SessionState):
    """A section whose messages sit in one ``errors`` var, by key."""

    amount: str = ""
    note: str = ""
    probe_token: str = ""

    field_errors: ClassVar[dict[str, str]] = {"amount": "amount", "*": "form"}

    def _resolve(self, db: Session) -> Actor | None:
        return ProbeState.actor_of_token if self.probe_token == GOOD_TOKEN else None

    @rx.event
    @signed_in
    def save(self, amount: str):
        self._clear_errors()
        self.amount = amount
        if not amount.isdigit():
            raise ValidationFailed("amount", "Enter a number.")

    @rx.event
    @signed_in
    def refuse(self):
        raise Conflict("Someone else changed it first.")

    set_amount = field_setter("amount", clears=("amount",))
    set_note = field_setter("note")

    @rx.event
    @public(page=True)
    def open_form(self):
        self.amount = self.note = ""
        self._clear_errors()


@pytest.fixture
def errors_probe(probe) -> ErrorsProbe:
    state = probe.parent_state.get_substate(ErrorsProbe.get_full_name().split(".")[2:])
    state.probe_token = GOOD_TOKEN
    return state


@pytest.fixture
def probe(engine, monkeypatch) -> ProbeState:
    """A fresh probe state whose handlers run their transactions on the test database."""
    monkeypatch.setattr(session_module, "session_scope", lambda: db_module.session_scope(engine))
    with Session(engine) as db:
        person = db.exec(select(Person).where(Person.role == Role.BILLING_ADMIN)).first()
        ProbeState.actor_of_token = Actor(person_id=person.id, organisation_id=person.organisation_id,
                                          email=person.email, full_name=person.full_name, role=person.role)
    root = rx.State(_reflex_internal_init=True)
    state = root.get_substate(ProbeState.get_full_name().split(".")[1:])
    state.probe_token = GOOD_TOKEN
    yield state
    with Session(engine) as db:
        for event in db.exec(select(AuditEvent).where(AuditEvent.action == PROBE)).all():
            db.delete(event)
        db.commit()


@pytest.fixture
def real_probe(engine, monkeypatch) -> RealSessionProbe:
    """A state whose session is a real one of the demo's billing admin, signed in just now."""
    monkeypatch.setattr(session_module, "session_scope", lambda: db_module.session_scope(engine))
    with db_module.session_scope(engine) as db:
        admin = db.exec(select(Person).where(Person.email == "aleroy@flexis.com")).one()
        ticket = auth.issue_ticket(session=db, actor=auth.actor_of(admin))
    with db_module.session_scope(engine) as db:
        RealSessionProbe.digest = auth.token_digest(auth.exchange_ticket(session=db, ticket=ticket.ticket).token)
    root = rx.State(_reflex_internal_init=True)
    yield root.get_substate(RealSessionProbe.get_full_name().split(".")[1:])
    with db_module.session_scope(engine) as db:
        auth.sign_out_digest(session=db, digest=RealSessionProbe.digest)


def session_row(engine) -> UserSession:
    with Session(engine) as db:
        return db.exec(select(UserSession).where(UserSession.token_hash == RealSessionProbe.digest)).one()


def set_last_seen(engine, seconds_ago: int) -> datetime:
    when = clock.now() - timedelta(seconds=seconds_ago)
    with db_module.session_scope(engine) as db:
        row = db.exec(select(UserSession).where(UserSession.token_hash == RealSessionProbe.digest)).one()
        row.last_seen_at = when
        db.add(row)
    return session_row(engine).last_seen_at


def run_async(coroutine):
    """Run a coroutine to its end in a thread of its own: the browser tests leave an event loop running
    in the main thread of the worker that runs them."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def probes_written(engine) -> list[str]:
    with Session(engine) as db:
        return list(db.exec(select(AuditEvent.target_id).where(AuditEvent.action == PROBE)).all())


def run(handler, state, *args):
    """Call a handler as Reflex does: the undecorated-looking function with the event's arguments."""
    return handler.fn(state, *args)


def event_args(spec) -> dict[str, object]:
    return {name._js_expr: getattr(value, "_var_value", None) or value._js_expr for name, value in spec.args}


def is_redirect_to_sign_in(spec) -> bool:
    return spec.handler.fn.__qualname__ == "_redirect" and event_args(spec)["path"] == "/sign-in"


def is_toast(spec, kind: str, message: str) -> bool:
    """The toast as the console sends it: data for the ``_toast`` event (the strict CSP plugin)."""
    [event] = Event.from_event_type(spec)
    return (event.name, event.payload.get("level"), event.payload.get("message")) == ("_toast", kind, message)


def test_without_a_session_a_handler_redirects_to_sign_in_and_does_nothing(probe, engine):
    probe.probe_token = ""
    assert is_redirect_to_sign_in(run(ProbeState.save, probe, "12"))
    assert probe.amount == "" and probes_written(engine) == []
    assert probe.signed_in is False


def test_the_handler_gets_the_actor_and_one_transaction_committed_when_it_returns(probe, engine):
    result = run(ProbeState.save, probe, "12")
    assert is_toast(result, "success", "Saved.")
    assert probes_written(engine) == ["12"]
    ProbeState.save.fn(probe, amount="13")  # the event's arguments by name, as well as by position
    assert sorted(probes_written(engine)) == ["12", "13"]


def test_a_refused_field_lands_in_its_var_and_nothing_is_written(probe, engine):
    assert run(ProbeState.save, probe, "twelve") is None
    assert probe.amount_error == "Enter a number."
    assert probe.action_error == ""
    assert probes_written(engine) == []


def test_an_error_without_a_field_lands_in_the_default_var_and_rolls_back(probe, engine):
    assert run(ProbeState.refuse, probe) is None
    assert probe.action_error == "Someone else changed it first."
    assert probes_written(engine) == []


def test_an_error_with_no_var_to_show_it_becomes_an_error_toast(probe):
    result = run(ProbeState.refuse_as_toast, probe)
    assert is_toast(result, "error", "No such probe.")
    assert probe.action_error == ""


def test_page_handlers_fill_the_console_header(probe):
    run(ProbeState.load, probe)
    assert probe.seen == ProbeState.actor_of_token.email
    assert probe.signed_in and probe.is_billing_admin and probe.organisation_name


def test_the_header_follows_the_actor_from_page_to_page(probe, engine):
    run(ProbeState.load, probe)
    first = (probe.person_email, probe.organisation_name)
    with Session(engine) as db:
        other = db.exec(select(Person).where(Person.email == "admin@contoso.com")).one()
        other_actor = auth.actor_of(other)
    ProbeState.actor_of_token = other_actor
    run(ProbeState.load, probe)
    assert (probe.person_email, probe.organisation_name) == ("admin@contoso.com", "Contoso") != first
    probe.signed_in = False  # signed out in between: the header is filled again
    probe.organisation_name = ""
    run(ProbeState.load, probe)
    assert probe.organisation_name == "Contoso"


def test_reflex_sees_only_the_event_arguments():
    assert list(ProbeState.save.fn.__signature__.parameters) == ["self", "amount"]
    assert "actor" not in ProbeState.save.fn.__annotations__ and "db" not in ProbeState.save.fn.__annotations__


def test_a_generator_handler_yields_its_steps_and_its_error(probe):
    assert list(run(ProbeState.steps_of, probe, 2)) == [None, None]
    assert probe.steps == ["step 0", "step 1"]
    assert list(run(ProbeState.steps_of, probe, 3)) == [None, None, None, None]
    assert probe.amount_error == "At most two steps."


def test_a_generator_handler_without_a_session_only_redirects(probe):
    probe.probe_token = ""
    (only,) = list(run(ProbeState.steps_of, probe, 2))
    assert is_redirect_to_sign_in(only) and probe.steps == []


def test_a_background_handler_gets_the_actor_and_its_errors_are_shown(probe):
    assert run_async(run(ProbeState.in_background, probe, "ok")) is None
    assert probe.seen == f"{ProbeState.actor_of_token.email} ok"
    run_async(run(ProbeState.in_background, probe, "bad"))
    assert probe.amount_error == "Not that one."
    probe.probe_token = ""
    assert is_redirect_to_sign_in(run_async(run(ProbeState.in_background, probe, "ok")))


def test_a_background_handler_cannot_ask_for_a_transaction():
    async def handler(self, actor: Actor, db: Session):
        return None

    with pytest.raises(TypeError, match="opens its own transactions"):
        signed_in(handler)


def test_a_public_handler_runs_for_a_visitor_and_knows_a_signed_in_person(probe):
    probe.probe_token = ""
    assert run(ProbeState.visit, probe) is None
    assert probe.seen == "a visitor"
    probe.probe_token = GOOD_TOKEN
    run(ProbeState.visit, probe)
    assert probe.seen == ProbeState.actor_of_token.email


def test_a_load_keeps_what_the_person_set_before_it_ran(probe):
    """Issue 14: Reflex runs the load event after the person's first events (the page is not hydrated
    yet); the load resets the page, but not the fields those events set, nor their errors."""
    probe.is_hydrated = False
    run(ProbeState.save, probe, "twelve")
    run(ProbeState.open_form, probe)
    assert (probe.amount, probe.amount_error) == ("twelve", "Enter a number.")
    assert probe.steps == ["loaded"]  # what the person did not touch is loaded as usual
    probe.is_hydrated = True
    run(ProbeState.open_form, probe)  # the next visit's load starts afresh
    assert (probe.amount, probe.amount_error) == ("", "")


def test_what_one_section_noted_before_its_load_stays_out_of_another_sections_load(probe):
    """The fields noted live on the shared SessionState: another page's load (the mailbox's early
    event, then the activation link) must neither read them as its own nor drop them."""
    probe.is_hydrated = False
    run(ProbeState.save, probe, "twelve")
    other = probe.parent_state.get_substate(OtherPageProbe.get_full_name().split(".")[2:])
    run(OtherPageProbe.open_other, other)
    assert other.opened
    run(ProbeState.open_form, probe)
    assert probe.amount == "twelve"


def test_after_the_load_a_load_resets_what_the_person_set(probe):
    probe.is_hydrated = True
    run(ProbeState.save, probe, "12")
    probe.is_hydrated = False  # the next page opens: on_load_internal marks it not hydrated
    run(ProbeState.open_form, probe)
    assert probe.amount == ""


def test_the_slowed_load_test_hook_delays_only_the_load_event():
    hook = SlowPageLoads(200)
    started = time.monotonic()
    assert run_async(hook.preprocess(None, None, Event(name="state.probe.save"))) is None
    plain = time.monotonic() - started
    started = time.monotonic()
    assert run_async(hook.preprocess(None, None, Event(name=CompileVars.ON_LOAD_INTERNAL))) is None
    assert time.monotonic() - started >= 0.2 > plain


def test_the_slowed_load_test_hook_knows_the_load_as_the_browser_sends_it():
    """A client-side navigation sends the load under the root state's name; the hook used to miss it,
    so only document loads were slowed and the e2e runs never saw a late load."""
    assert is_page_load(f"reflex___state____state.{CompileVars.ON_LOAD_INTERNAL}")
    assert is_page_load(CompileVars.ON_LOAD_INTERNAL)
    assert not is_page_load("reflex___state____state.billing_center___states___access____access_state.submit")
    assert not is_page_load(f"{CompileVars.ON_LOAD_INTERNAL}_later")


def test_the_slowed_load_test_hook_is_refused_in_production(monkeypatch):
    monkeypatch.setenv("SLOW_PAGE_LOAD_MS", "500")
    monkeypatch.setenv("PUBLIC_URL", "https://billing.example.com")
    with pytest.raises(ValueError, match="test hook"):
        Settings()
    monkeypatch.setenv("PUBLIC_URL", "http://localhost:3000")
    assert Settings().slow_page_load_ms == 500
    monkeypatch.delenv("SLOW_PAGE_LOAD_MS")
    assert Settings().slow_page_load_ms == 0  # off by default
def test_a_read_only_handler_gets_the_actor_and_reads(probe):
    assert run(ProbeState.read, probe) is None
    assert probe.seen == ProbeState.actor_of_token.email


def test_a_read_only_handler_runs_while_another_connection_holds_the_write_lock(probe, engine):
    """On SQLite a read takes no write lock (WAL): it does not wait for a writer's transaction."""
    with engine.connect() as writer:
        writer.begin()  # BEGIN IMMEDIATE on SQLite (db.py): the write lock, held until the end of the block
        writer.exec_driver_sql("UPDATE organisation SET name = name WHERE id = -1")
        with ThreadPoolExecutor(1) as pool:
            done = pool.submit(run, ProbeState.read, probe)
            assert done.result(timeout=20) is None
        writer.rollback()
    assert probe.seen == ProbeState.actor_of_token.email


def test_a_read_only_handler_that_writes_fails_and_writes_nothing(probe, engine):
    probe.amount = "read-only"
    with pytest.raises(DBAPIError):
        run(ProbeState.read_but_write, probe)
    assert probes_written(engine) == []
    assert run(ProbeState.save, probe, "14") is not None  # the pooled connection writes again afterwards
    assert probes_written(engine) == ["14"]


def test_read_only_comes_before_the_first_query(engine):
    with db_module.session_scope(engine) as db:
        db.exec(select(Person.id)).first()
        with pytest.raises(RuntimeError):
            db_module.read_only(db)


def test_a_read_only_event_slides_the_idle_expiry_when_due_in_a_short_write_of_its_own(real_probe, engine):
    recent = set_last_seen(engine, 5)
    run(RealSessionProbe.read, real_probe)
    assert real_probe.seen == "aleroy@flexis.com"
    assert session_row(engine).last_seen_at == recent  # not due: nothing written
    old = set_last_seen(engine, 60)
    run(RealSessionProbe.read, real_probe)
    assert session_row(engine).last_seen_at > old


def test_a_read_only_event_of_an_idle_expired_session_goes_to_sign_in(real_probe, engine):
    set_last_seen(engine, 60 * 60 * 24)
    assert is_redirect_to_sign_in(run(RealSessionProbe.read, real_probe))
    assert real_probe.seen == ""


def test_field_errors_go_to_their_key_and_a_submit_empties_them(errors_probe):
    run(ErrorsProbe.save, errors_probe, "twelve")
    assert errors_probe.errors == {"amount": "Enter a number."}
    run(ErrorsProbe.refuse, errors_probe)
    assert errors_probe.errors == {"amount": "Enter a number.", "form": "Someone else changed it first."}
    run(ErrorsProbe.save, errors_probe, "12")
    assert errors_probe.errors == {}


def test_a_field_setter_sets_its_field_and_empties_only_the_keys_it_names(errors_probe):
    assert ErrorsProbe.set_note.fn.__name__ == "set_note"
    run(ErrorsProbe.save, errors_probe, "twelve")
    run(ErrorsProbe.set_note, errors_probe, "hello")
    assert (errors_probe.note, errors_probe.errors) == ("hello", {"amount": "Enter a number."})
    run(ErrorsProbe.set_amount, errors_probe, "13")
    assert (errors_probe.amount, errors_probe.errors) == ("13", {})


def test_a_load_keeps_the_messages_set_before_it_ran_key_by_key(errors_probe):
    """Issue 14 with one ``errors`` var: the load keeps the keys the person's early events set or emptied,
    and empties the others (a previous visit's message)."""
    errors_probe.is_hydrated = True
    run(ErrorsProbe.refuse, errors_probe)  # the previous visit's message
    run(ErrorsProbe.save, errors_probe, "twelve")
    run(ErrorsProbe.refuse, errors_probe)
    assert set(errors_probe.errors) == {"amount", "form"}
    errors_probe.is_hydrated = False
    run(ErrorsProbe.set_amount, errors_probe, "13")  # typed before the load: empties "amount"
    run(ErrorsProbe.open_form, errors_probe)
    assert (errors_probe.amount, errors_probe.errors) == ("13", {})
    errors_probe.is_hydrated = True
    run(ErrorsProbe.refuse, errors_probe)
    errors_probe.is_hydrated = False
    run(ErrorsProbe.save, errors_probe, "x")  # a submit before the load: its message stays
    run(ErrorsProbe.open_form, errors_probe)
    assert (errors_probe.amount, errors_probe.errors) == ("x", {"amount": "Enter a number."})
