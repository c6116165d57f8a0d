"""Issue 11: the words of documents (PDF, CSV headers) come from the gettext catalogs, never from a
table of our own per language; they follow the document's locale."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from billing_center.documents import labels

DOCUMENTS = Path(__file__).resolve().parents[2] / "billing_center" / "documents"
LANGUAGE_KEYS = {"en", "nl", "fr"}


def _per_language_dicts(tree: ast.AST) -> list[int]:
    """Line numbers of dict literals (or ``dict(...)`` calls) keyed by two or more of our languages."""
    found = []
    for node in ast.walk(tree):
        keys: set[str] = set()
        if isinstance(node, ast.Dict):
            keys = {k.value for k in node.keys if isinstance(k, ast.Constant) and isinstance(k.value, str)}
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "dict":
            keys = {kw.arg for kw in node.keywords if kw.arg}
        if len({k.lower() for k in keys} & LANGUAGE_KEYS) >= 2:
            found.append(node.lineno)
    return found


def test_the_scan_finds_a_hand_made_table():
    assert _per_language_dicts(ast.parse('X = {"k": {"en": "Invoice", "nl": "Factuur", "fr": "Facture"}}')) == [1]
    assert _per_language_dicts(ast.parse('X = dict(nl="Factuur", fr="Facture")')) == [1]
    assert _per_language_dicts(ast.parse('X = {"en": "Invoice"}')) == []


@pytest.mark.parametrize("path", sorted(DOCUMENTS.rglob("*.py")), ids=lambda p: str(p.relative_to(DOCUMENTS)))
def test_no_module_of_documents_holds_a_per_language_table(path):
    offenders = _per_language_dicts(ast.parse(path.read_text(), filename=str(path)))
    assert not offenders, f"{path.name}:{offenders}: mark English msgids (labels.t / N_) and translate them " \
                          "in the catalogs (make catalogs) instead"


@pytest.mark.parametrize("locale, invoice, due_date, void", [
    ("nl", "Factuur", "Vervaldatum", "Vervallen"),
    ("nl_BE", "Factuur", "Vervaldatum", "Vervallen"),  # a regional locale prints its language
    ("fr", "Facture", "Date d'échéance", "Annulée"),
    ("fr-BE", "Facture", "Date d'échéance", "Annulée"),
    ("en", "Invoice", "Due date", "Void"),
    ("de", "Invoice", "Due date", "Void"),  # not one of ours: English
    (None, "Invoice", "Due date", "Void"),
])
def test_document_words_follow_the_documents_locale(locale, invoice, due_date, void):
    assert labels.t("Invoice", locale) == invoice
    assert labels.pt(labels.DOCUMENT, "Due date", locale) == due_date
    assert labels.status_stamp("void", locale) == void


def test_document_words_leave_the_console_language_alone():
    from billing_center import i18n

    with i18n.using("nl"):
        assert labels.t("Invoice", "fr") == "Facture"
        assert i18n.current() == "nl" and i18n.gettext("Invoice") == "Factuur"


def test_the_document_context_keeps_the_documents_wording_beside_the_consoles():
    from billing_center import i18n

    with i18n.using("fr"):
        console = i18n.gettext("Due date")
    assert labels.pt(labels.DOCUMENT, "Due date", "fr") == "Date d'échéance" != console
    assert labels.pt(labels.DOCUMENT, "Order number", "nl") == "Ordernummer"
    assert labels.pt(labels.DOCUMENT, "PO number", "fr") == "Numéro de bon d'achat"
    assert labels.reverse_charge_text("nl_BE").startswith("Btw verlegd: btw te voldoen door de afnemer")
    assert labels.order_type_text("buy", "nl") == "Aankoop" and labels.order_type_text("other", "nl") == "other"


def test_the_audit_csv_header_words_are_the_services():
    """api/audit.py marks the service's English CSV header for the catalogs: the same words, in order."""
    from billing_center.api import audit
    from billing_center.services import audit_log

    assert audit.HEADER == audit_log.CSV_HEADER
    assert audit_log.CSV_HEADER[audit.ACTION] == "Action"


def _contexts_not_written_out(tree: ast.AST) -> list[int]:
    """Lines of ``pt(...)`` / ``pgettext(...)`` calls whose context is not a string literal."""
    def name(call: ast.Call) -> str:
        return getattr(call.func, "id", getattr(call.func, "attr", ""))

    return [node.lineno for node in ast.walk(tree)
            if isinstance(node, ast.Call) and name(node) in ("pt", "pgettext") and node.args
            and not (isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str))]


def test_the_context_scan_finds_a_named_context():
    assert _contexts_not_written_out(ast.parse('pt(DOCUMENT, "Void", locale)')) == [1]
    assert _contexts_not_written_out(ast.parse('labels.pt("document", "Void", locale)')) == []


PACKAGE = DOCUMENTS.parent


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_every_message_context_is_written_out(path):
    """pybabel extracts a msgctxt only from a literal: ``pt(DOCUMENT, "Void")`` would leave the catalogs
    without the entry, and the document would print the console's word (``make catalogs`` drops it).
    The wrappers (``i18n.pgettext``, ``labels.pt``) pass their own ``context`` parameter on."""
    tree = ast.parse(path.read_text(), filename=str(path))
    passed_on = {n.lineno for n in ast.walk(tree) if isinstance(n, ast.Call) and n.args
                 and isinstance(n.args[0], ast.Name) and n.args[0].id == "context"}
    offenders = [line for line in _contexts_not_written_out(tree) if line not in passed_on]
    assert not offenders, f"{path.name}:{offenders}: write the context as a string literal"
