"""The usage ingestion API over HTTP (billing_center/api/usage.py) and its keys (services/usage_keys.py)."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from billing_center.db import session_scope
from billing_center.domain import clock
from billing_center.domain.errors import NotFound, ValidationFailed
from billing_center.models import Organisation, UsageApiKey
from billing_center.services import usage, usage_keys
from tests.factories import actor_for


# --- keys (each test on SQLite and PostgreSQL) ------------------------------------------------------
def test_a_key_is_shown_once_and_stored_as_its_digest_only(session, flexis_admin):
    new = usage_keys.create_key(session=session, actor=flexis_admin, name="  Learning   platform ")
    stored = session.get(UsageApiKey, new.row.id)
    assert new.secret.startswith("bcu_") and new.row.name == "Learning platform"
    assert stored.key_hash == usage_keys.digest(new.secret) and new.secret not in stored.model_dump_json()
    assert [k.name for k in usage_keys.list_keys(session=session, actor=flexis_admin)] == ["Learning platform"]
    assert not hasattr(usage_keys.list_keys(session=session, actor=flexis_admin)[0], "secret")
    assert usage_keys.organisation_of_key(session, new.secret) == flexis_admin.organisation_id


@pytest.mark.parametrize("name", ["", "   ", "x" * 81])
def test_a_key_needs_a_name(session, flexis_admin, name):
    with pytest.raises(ValidationFailed):
        usage_keys.create_key(session=session, actor=flexis_admin, name=name)


def test_two_active_keys_cannot_share_a_name(session, flexis_admin):
    usage_keys.create_key(session=session, actor=flexis_admin, name="LMS")
    with pytest.raises(ValidationFailed):
        usage_keys.create_key(session=session, actor=flexis_admin, name="lms")


def test_a_revoked_key_opens_nothing_and_another_organisations_key_is_not_found(session, flexis_admin,
                                                                                 contoso_admin):
    new = usage_keys.create_key(session=session, actor=flexis_admin, name="LMS")
    with pytest.raises(NotFound):
        usage_keys.revoke_key(session=session, actor=contoso_admin, key_id=new.row.id)
    with pytest.raises(NotFound):
        usage_keys.revoke_key(session=session, actor=flexis_admin, key_id=10**9)
    assert usage_keys.organisation_of_key(session, new.secret) == flexis_admin.organisation_id
    usage_keys.revoke_key(session=session, actor=flexis_admin, key_id=new.row.id)
    assert usage_keys.organisation_of_key(session, new.secret) is None
    assert usage_keys.organisation_of_key(session, "bcu_guess") is None


# --- over HTTP ------------------------------------------------------------------------------------
def _key(email: str = "aleroy@flexis.com") -> str:
    with session_scope() as session:
        return usage_keys.create_key(session=session, actor=actor_for(session, email),
                                     name=f"Key {uuid.uuid4().hex[:16]}").secret  # a name no other key has


def _billed(email: str = "aleroy@flexis.com") -> int:
    with session_scope() as session:
        return usage.usage_summary(session=session, actor=actor_for(session, email)).billed_users


def _send(client: TestClient, key: str, body, **kwargs) -> httpx.Response:
    content = body if isinstance(body, bytes | str) else json.dumps(body)
    return client.post("/api/usage/events", content=content, headers={"Authorization": f"Bearer {key}"}, **kwargs)


def _event(n: str, person: str = "learner0007@learn.flexis.com", kind: str = "course") -> dict:
    return {"event_id": f"api-{n}", "person": person, "kind": kind, "occurred_at": clock.now().isoformat()}


def test_a_batch_counts_each_event_once_and_rejects_bad_ones_by_index(client):
    key = _key()
    before = _billed()
    answer = _send(client, key, {"events": [_event("a"), _event("b", kind="lunch"), _event("c", "nobody@x.org"),
                                            _event("d", "learner0008@learn.flexis.com")]})
    assert answer.status_code == 200
    body = answer.json()
    assert (body["accepted"], body["duplicates"]) == (2, 0)
    assert [r["index"] for r in body["rejected"]] == [1, 2]
    again = _send(client, key, {"events": [_event("a"), _event("d", "learner0008@learn.flexis.com")]}).json()
    assert (again["accepted"], again["duplicates"]) == (0, 2)
    assert _billed() - before == 2  # in the demo, learners are active in the period's first three months only
    with session_scope() as session:
        org = session.exec(select(Organisation).where(Organisation.slug == "flexis")).one()
        plan = usage.mau_plan(session, org.id)
        month = usage.month_of(clock.now(), usage.zone(org))
        people = {p.email for p in usage.report_people(
            session=session, actor=actor_for(session, "aleroy@flexis.com"),
            scope=usage.ReportScope(plan.id, [month], 0), limit=10_000)}
    assert {"learner0007@learn.flexis.com", "learner0008@learn.flexis.com"} <= people


@pytest.mark.parametrize(("body", "status"), [
    (b"not json", 400), (b"[1, 2]", 400), (json.dumps({"events": "many"}), 400),
    (json.dumps({"events": [{"event_id": "x"}] * 1001}), 400), (b"x" * (10 * 1024 * 1024), 413),
])
def test_malformed_batches_are_refused_and_change_nothing(client, body, status):
    before = _billed()
    assert _send(client, _key(), body).status_code == status
    assert _billed() == before


def test_no_key_a_wrong_key_or_a_revoked_key_is_refused(client):
    assert client.post("/api/usage/events", json={"events": []}).status_code == 401
    assert _send(client, "bcu_not-a-key", {"events": []}).status_code == 401
    key = _key()
    with session_scope() as session:
        admin = actor_for(session, "aleroy@flexis.com")
        row = session.exec(select(UsageApiKey).where(UsageApiKey.key_hash == usage_keys.digest(key))).one()
        usage_keys.revoke_key(session=session, actor=admin, key_id=row.id)
    assert _send(client, key, {"events": [_event("revoked")]}).status_code == 401


def test_another_organisations_key_never_counts_for_this_one(client):
    before = _billed()
    answer = _send(client, _key("admin@contoso.com"), {"events": [_event("contoso-1")]}).json()
    assert answer["accepted"] == 0 and answer["rejected"][0]["reason"] == "the organisation has no MAU plan"
    assert _billed() == before


def test_future_events_are_refused(client):
    late = _event("future")
    late["occurred_at"] = (clock.now() + timedelta(hours=25)).isoformat()
    answer = _send(client, _key(), {"events": [late]}).json()
    assert answer["accepted"] == 0 and "24 hours" in answer["rejected"][0]["reason"]


def test_the_api_is_described_with_an_example(client):
    spec = client.get("/api/openapi.json").json()
    operation = spec["paths"]["/api/usage/events"]["post"]
    assert operation["requestBody"]["content"]["application/json"]["example"]["events"]
    assert "Europe/Brussels" in operation["description"]


def _last_used(key: str):
    with session_scope() as session:
        return session.exec(select(UsageApiKey.last_used_at).where(
            UsageApiKey.key_hash == usage_keys.digest(key))).one()


def test_a_batch_notes_when_its_key_was_last_used_at_most_once_a_minute(client, monkeypatch):
    key = _key()
    assert _last_used(key) is None
    start = clock.now()
    monkeypatch.setattr(clock, "now", lambda: start)
    _send(client, key, {"events": [_event(f"used-{uuid.uuid4().hex}")]})
    first = _last_used(key)
    assert first is not None and abs(first - start) < timedelta(seconds=1)
    monkeypatch.setattr(clock, "now", lambda: start + timedelta(seconds=30))
    _send(client, key, {"events": []})
    assert _last_used(key) == first  # not a write per batch
    monkeypatch.setattr(clock, "now", lambda: start + timedelta(minutes=2))
    _send(client, key, {"events": []})
    assert _last_used(key) - first == timedelta(minutes=2)


def test_a_person_is_named_by_member_id_or_e_mail_in_any_case(client):
    with session_scope() as session:
        org = session.exec(select(Organisation).where(Organisation.slug == "flexis")).one()
        learner = actor_for(session, "learner0009@learn.flexis.com")
        contoso = actor_for(session, "admin@contoso.com")
    run = uuid.uuid4().hex
    answer = _send(client, _key(), {"events": [
        _event(f"{run}-id", person=learner.person_id), _event(f"{run}-text-id", person=str(learner.person_id)),
        _event(f"{run}-case", person="  LEARNER0009@Learn.Flexis.com "),
        _event(f"{run}-other-org", person=contoso.person_id), _event(f"{run}-other-email", person="admin@contoso.com"),
    ]}).json()
    assert org.id == learner.organisation_id
    assert answer["accepted"] == 3 and [r["index"] for r in answer["rejected"]] == [3, 4]
