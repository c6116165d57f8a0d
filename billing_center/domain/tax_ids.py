"""VAT ids and Peppol endpoint ids, checked with python-stdnum (issue 12).

A VAT id is stored compact and upper case with its country prefix (``BE0123456749``). The VAT ids of
the countries the console bills (Belgium, the Netherlands, France, Germany) are checked digit by digit;
a Belgian enterprise number (KBO/BCE, Peppol scheme 0208) is the Belgian VAT id without ``BE``.

Peppol endpoints are ``scheme:id`` pairs with an EAS code (the Peppol code list); the ones an
organisation of these countries uses are below. When an organisation has not set one, its endpoint
follows from its VAT id (:func:`default_endpoint`).
"""

from __future__ import annotations

from dataclasses import dataclass

from stdnum.be import vat as be_vat
from stdnum.de import vat as de_vat
from stdnum.exceptions import ValidationError
from stdnum.fr import tva as fr_vat
from stdnum.nl import vat as nl_vat

from billing_center.domain.errors import ValidationFailed

VAT_CHECKS = {"BE": be_vat, "NL": nl_vat, "FR": fr_vat, "DE": de_vat}
VAT_COUNTRIES = tuple(VAT_CHECKS)

# EAS codes (Peppol "Electronic Address Scheme"): the Belgian enterprise number and the VAT ids.
BE_ENTERPRISE = "0208"
VAT_SCHEMES = {"BE": "9925", "NL": "9944", "FR": "9957", "DE": "9930"}
ENDPOINT_SCHEMES = {
    BE_ENTERPRISE: "Belgian enterprise number (0208)",
    "9925": "Belgian VAT number (9925)",
    "9944": "Dutch VAT number (9944)",
    "9957": "French VAT number (9957)",
    "9930": "German VAT number (9930)",
    "0106": "Dutch KvK number (0106)",
    "0009": "French SIRET (0009)",
}
_VAT_SCHEME_COUNTRY = {scheme: country for country, scheme in VAT_SCHEMES.items()}


def _compact(value: str | None) -> str:
    return "".join(ch for ch in (value or "") if ch.isalnum()).upper()


def normalise_vat_id(value: str | None, *, field: str = "vat_id") -> str | None:
    """``None`` for an empty value; the compact VAT id when its check digits are right; otherwise
    ValidationFailed naming ``field``."""
    compact = _compact(value)
    if not compact:
        return None
    country = compact[:2]
    check = VAT_CHECKS.get(country)
    if check is None:
        raise ValidationFailed(field, "Enter a VAT id starting with BE, NL, FR or DE, such as BE0123456749.")
    try:
        return country + check.validate(compact)  # stdnum's compact form has no country prefix
    except ValidationError:
        raise ValidationFailed(field, "{value} is not a valid {country} VAT id: check the digits.",
                               value=value.strip(), country=country) from None


def enterprise_number(value: str | None, *, field: str = "peppol_id") -> str:
    """A Belgian enterprise number (``0123456749``; ``BE``, dots and spaces are ignored)."""
    compact = _compact(value).removeprefix("BE")
    try:
        return be_vat.validate(compact)
    except ValidationError:
        raise ValidationFailed(field, "Enter a Belgian enterprise number of 10 digits, such as 0123.456.749.") from None


@dataclass(frozen=True)
class Endpoint:
    scheme: str
    identifier: str

    def __str__(self) -> str:
        return f"{self.scheme}:{self.identifier}"


def check_endpoint(scheme: str | None, identifier: str | None) -> Endpoint | None:
    """A Peppol endpoint as the billing details page sends it; None when both are empty."""
    scheme = (scheme or "").strip()
    identifier = (identifier or "").strip()
    if not scheme and not identifier:
        return None
    if scheme not in ENDPOINT_SCHEMES:
        raise ValidationFailed("peppol_scheme", "Choose the scheme of the Peppol endpoint.")
    if not identifier:
        raise ValidationFailed("peppol_id", "Enter the Peppol endpoint id.")
    if scheme == BE_ENTERPRISE:
        return Endpoint(scheme, enterprise_number(identifier))
    if scheme in _VAT_SCHEME_COUNTRY:
        country = _VAT_SCHEME_COUNTRY[scheme]
        compact = _compact(identifier)
        if not compact.startswith(country):
            compact = country + compact
        return Endpoint(scheme, normalise_vat_id(compact, field="peppol_id"))
    compact = _compact(identifier)
    if not compact.isdigit() or not 8 <= len(compact) <= 14:
        raise ValidationFailed("peppol_id", "Enter the registration number (8 to 14 digits).")
    return Endpoint(scheme, compact)


def default_endpoint(country: str, vat_id: str | None) -> Endpoint | None:
    """The endpoint an organisation is reached at when it has set none: a Belgian one at its
    enterprise number (0208), others at their VAT id."""
    compact = _compact(vat_id)
    if not compact:
        return None
    if country == "BE" and compact.startswith("BE"):
        return Endpoint(BE_ENTERPRISE, compact[2:])
    scheme = VAT_SCHEMES.get(compact[:2])
    return Endpoint(scheme, compact) if scheme else None
