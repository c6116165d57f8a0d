"""The download routes over HTTP: authenticated by the session cookie, and another organisation's
number answers 404 exactly like a number that does not exist (R-SEC-1)."""

from __future__ import annotations

import csv
import io
import zipfile

from fastapi.testclient import TestClient
from sqlmodel import select

from billing_center import i18n
from billing_center.db import session_scope
from billing_center.models import Person
from billing_center.services import audit_log, auth


def _signed_in(client: TestClient, email: str, password: str) -> TestClient:
    with session_scope() as session:
        token = auth.sign_in(session=session, email=email, password=password).token
    client.cookies.clear()
    client.cookies.set("bc_session", token)
    return client


def _flexis(client):
    return _signed_in(client, "aleroy@flexis.com", "flexis-demo")


def _contoso(client):
    return _signed_in(client, "admin@contoso.com", "contoso-demo")


def test_signed_out_downloads_are_refused(client):
    client.cookies.clear()
    for path in ("/api/invoices/INV1238.pdf", "/api/orders/FL123133-2/order-form.pdf", "/api/invoices/export.csv",
                 "/api/invoices/export.zip?numbers=INV1238", "/api/credit-notes/CN1.pdf"):
        assert client.get(path).status_code == 401, path


def test_flexis_downloads_its_documents(client):
    c = _flexis(client)
    response = c.get("/api/invoices/INV1238.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"] == 'attachment; filename="INV1238.pdf"'
    assert response.headers["cache-control"] == "private, no-store"
    form = c.get("/api/orders/FL124480-1/order-form.pdf")
    assert form.status_code == 200 and form.content.startswith(b"%PDF")
    exported = c.get("/api/invoices/export.csv?period=custom&from=2021-01-01&to=2021-12-31")
    assert exported.status_code == 200
    lines = exported.content.decode("utf-8-sig").strip().splitlines()
    assert lines[0].startswith("Invoice number,Status") and len(lines) == 3  # INV1237 and INV1238
    archive = c.get("/api/invoices/export.zip?numbers=INV1237,INV1238")
    with zipfile.ZipFile(io.BytesIO(archive.content)) as z:
        assert sorted(z.namelist()) == ["INV1237.pdf", "INV1238.pdf"]
    everything = c.get("/api/invoices/export.zip?all=1&period=custom&from=2021-01-01&to=2021-12-31")
    with zipfile.ZipFile(io.BytesIO(everything.content)) as z:
        assert sorted(z.namelist()) == ["INV1237.pdf", "INV1238.pdf"]
    # Issue 12: the Peppol UBL of an invoice, and the ZIP with the XML beside each PDF.
    ubl = c.get("/api/invoices/INV1238.xml")
    assert ubl.status_code == 200 and ubl.headers["content-type"].startswith("application/xml")
    assert ubl.headers["content-disposition"] == 'attachment; filename="INV1238.xml"'
    assert b"<cbc:ID>INV1238</cbc:ID>" in ubl.content
    with_xml = c.get("/api/invoices/export.zip?numbers=INV1238&xml=1")
    with zipfile.ZipFile(io.BytesIO(with_xml.content)) as z:
        assert sorted(z.namelist()) == ["INV1238.pdf", "INV1238.xml"]


def test_another_organisations_numbers_answer_exactly_like_missing_ones(client):
    c = _contoso(client)
    pairs = [
        ("/api/invoices/INV1238.pdf", "/api/invoices/INV99999.pdf"),
        ("/api/orders/FL123133-2/order-form.pdf", "/api/orders/XX0000-1/order-form.pdf"),
        ("/api/invoices/export.zip?numbers=INV1238", "/api/invoices/export.zip?numbers=INV99999"),
        ("/api/invoices/INV1238.xml", "/api/invoices/INV99999.xml"),
        ("/api/credit-notes/CN0001.xml", "/api/credit-notes/CN99999.xml"),
    ]
    for other, missing in pairs:
        a, b = c.get(other), c.get(missing)
        assert a.status_code == b.status_code == 404
        assert a.content == b.content
    csv_text = c.get("/api/invoices/export.csv?period=custom&from=2000-01-01&to=2100-01-01").text
    assert "FL123133" not in csv_text and "CT500100" in csv_text


def test_bad_filter_parameters_get_a_clear_400(client):
    c = _flexis(client)
    response = c.get("/api/invoices/export.csv?period=custom&from=2024-05-01&to=2024-04-01")
    assert response.status_code == 400
    assert response.json()["detail"] == {"field": "to", "message": "The end date cannot be before the start date."}


def test_a_prepared_export_is_only_for_its_owner(client):
    from billing_center.documents.exports import store_export
    from billing_center.documents.files import File

    c = _flexis(client)
    with session_scope() as session:
        actor = auth.resolve(session=session, token=c.cookies.get("bc_session"))
    token = store_export(actor=actor, file=File("invoices.zip", b"PK-demo", "application/zip"))
    assert c.get(f"/api/exports/{token}").content == b"PK-demo"
    c = _contoso(client)
    assert c.get(f"/api/exports/{token}").status_code == 404
    assert c.get("/api/exports/..%2F..%2Fetc%2Fpasswd").status_code == 404


def _set_language(email: str, language: str | None) -> None:
    with session_scope() as session:
        person = session.exec(select(Person).where(Person.email == email)).one()
        person.language = language
        session.add(person)


def test_csv_exports_speak_the_readers_language(client):
    """Issue 11: someone at Contoso without a console language of their own gets the organisation's
    French in the headers (and the audit log's action names); the columns stay where they are."""
    _set_language("admin@contoso.com", None)
    try:
        c = _contoso(client)
        invoices = c.get("/api/invoices/export.csv?period=custom&from=2000-01-01&to=2100-01-01")
        audit = c.get("/api/audit.csv")
    finally:
        _set_language("admin@contoso.com", "en")
    header = invoices.content.decode("utf-8-sig").splitlines()[0]
    assert header.startswith("Numéro de facture,Statut,Date d’émission,Date d’échéance,Mode de paiement,")
    rows = list(csv.reader(io.StringIO(audit.text)))
    assert rows[0] == ["Quand (UTC)", "Qui", "Action", "Code de l’action", "Cible", "Détail", "Adresse IP"]
    with i18n.using("fr"):
        exported = i18n.gettext("Audit log exported")
    assert exported != "Audit log exported"
    assert any(row[2:4] == [exported, "audit_exported"] for row in rows[1:])
    english = list(csv.reader(io.StringIO(_contoso(client).get("/api/audit.csv").text)))
    assert english[0] == audit_log.CSV_HEADER
