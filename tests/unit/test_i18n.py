"""Which language a person gets, and translation at the edge (issue 11)."""

from __future__ import annotations

import pytest

from billing_center import i18n
from billing_center.domain.errors import NotFound, ValidationFailed


@pytest.mark.parametrize(("header", "expected"), [
    ("fr-BE,fr;q=0.9,en;q=0.8", "fr"),
    ("de-DE,de;q=0.9,nl;q=0.5,en;q=0.4", "nl"),
    ("en-US;q=0.3, nl-BE;q=0.8", "nl"),
    ("de, es", None),
    ("", None),
    ("fr;q=0, en;q=0.1", "en"),
    ("nl;q=abc, fr", "fr"),
])
def test_accept_language_is_negotiated_with_its_weights(header, expected):
    assert i18n.negotiate(header) == expected


def test_profile_then_organisation_then_browser_then_english():
    assert i18n.choose(profile="fr", organisation="nl", accept_language="en") == "fr"
    assert i18n.choose(profile=None, organisation="nl_BE", accept_language="fr") == "nl"
    assert i18n.choose(profile="", organisation="de", accept_language="fr-BE") == "fr"
    assert i18n.choose() == "en"


def test_a_message_follows_the_language_of_the_block_and_the_block_ends_cleanly():
    with i18n.using("nl"):
        dutch = i18n.gettext("Transactions")
        with i18n.using("fr"):
            french = i18n.gettext("Transactions")
        assert i18n.current() == "nl"
    assert i18n.current() == "en"
    assert (dutch, french, i18n.gettext("Transactions")) == ("Transacties", "Transactions", "Transactions")


def test_plurals_follow_the_language():
    def overdue(n: int) -> str:
        return i18n.ngettext("{count} invoice is past its due date. ", "{count} invoices are past their due date. ",
                             n).format(count=n).strip()

    with i18n.using("nl"):
        assert (overdue(1), overdue(3)) == ("1 factuur is over de vervaldatum.", "3 facturen zijn over de vervaldatum.")
    with i18n.using("fr"):  # French counts 0 and 1 as singular
        assert [overdue(n) for n in (0, 1, 2)] == ["0 facture a dépassé son échéance.", "1 facture a dépassé son "
                                                   "échéance.", "2 factures ont dépassé leur échéance."]
    assert overdue(1) == "1 invoice is past its due date."


def test_service_errors_are_translated_at_the_edge_with_their_values():
    too_short = ValidationFailed("password", "Choose a password of at least {count} characters.", count=12)
    assert too_short.message == "Choose a password of at least 12 characters."
    with i18n.using("fr"):
        assert i18n.translate_error(too_short) == "Choisissez un mot de passe d’au moins 12 caractères."
        assert i18n.translate_error(NotFound("contract")) == "Introuvable : contrat."
    with i18n.using("nl"):
        assert i18n.translate_error(NotFound("contract")) == "Niet gevonden: contract."
    assert i18n.translate_error(NotFound("contract")) == "No such contract."
