"""The nl and fr catalogs are complete and current (issue 11): every message the code marks is in
them, translated, not fuzzy, with the same placeholders; nothing stale stays behind.
Fix a failure with ``make catalogs`` and translate what it adds (see billing_center/i18n.py)."""

from __future__ import annotations

import json
import re
import string
from functools import cache, lru_cache
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from billing_center import i18n

ROOT = Path(__file__).resolve().parents[2]
TRANSLATED = [lang for lang in i18n.LANGUAGES if lang != i18n.SOURCE]


@lru_cache(maxsize=1)
def code_messages() -> dict[str, str]:
    """msgid -> where it is, for every message marked in billing_center/ (as ``make catalogs`` finds them)."""
    keywords = {name: spec for name, spec in i18n.KEYWORDS.items()}
    found: dict[str, str] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(ROOT / "billing_center"), method_map=[("**.py", "python")],
        keywords=keywords,
    ):
        for msgid in message if isinstance(message, tuple) else (message,):
            if msgid:
                found.setdefault(msgid, f"billing_center/{filename}:{lineno}")
    return found


@cache
def catalog(lang: str):
    with (i18n.LOCALES / lang / "LC_MESSAGES" / "messages.po").open("rb") as source:
        return read_po(source, locale=lang)


def _ids(message) -> tuple[str, ...]:
    return message.id if isinstance(message.id, tuple) else (message.id,)


def placeholders(text: str) -> set[str]:
    return {name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name is not None}


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_message_of_the_code_is_in_the_catalog(lang):
    have = {msgid for message in catalog(lang) if message.id for msgid in _ids(message)}
    missing = {msgid: where for msgid, where in code_messages().items() if msgid not in have}
    assert not missing, f"{lang}: run `make catalogs` and translate: {sorted(missing.items())[:20]}"


@pytest.mark.parametrize("lang", TRANSLATED)
def test_the_catalog_holds_nothing_the_code_no_longer_says(lang):
    stale = sorted(msgid for message in catalog(lang) if message.id for msgid in _ids(message)
                   if msgid not in code_messages())
    assert not stale, f"{lang}: stale entries, run `make catalogs`: {stale[:20]}"


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_entry_is_translated_and_not_fuzzy(lang):
    untranslated = [message.id for message in catalog(lang) if message.id and (
        message.fuzzy or not all(isinstance(message.string, tuple) and message.string or [message.string])
        or any(not form.strip() for form in (message.string if isinstance(message.string, tuple)
                                             else (message.string,))))]
    assert not untranslated, f"{lang}: untranslated or fuzzy: {untranslated[:20]}"


@pytest.mark.parametrize("lang", TRANSLATED)
def test_placeholders_match_between_languages(lang):
    wrong = []
    for message in catalog(lang):
        if not message.id:
            continue
        expected = set().union(*(placeholders(msgid) for msgid in _ids(message)))
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        # A plural form may leave a value out ("1 invitation" names the person), never invent one.
        used = [placeholders(form) for form in forms if form]
        if used and (any(not names <= expected for names in used) or set().union(*used) != expected):
            wrong.append((message.id, forms))
    assert not wrong, f"{lang}: placeholders differ: {wrong[:10]}"


def test_plural_entries_have_every_form_of_the_language():
    for lang in TRANSLATED:
        cat = catalog(lang)
        for message in cat:
            if message.pluralizable:
                assert len(message.string) == cat.num_plurals, (lang, message.id)


def test_the_browser_script_holds_every_translation_and_nothing_executable():
    script = i18n.browser_script()
    # The translations as JSON data, then the one fixed line that guesses the language before the server
    # has said (i18n.GUESS_JS): nothing in a translation can become code.
    assert script.startswith("globalThis.BC_CATALOGS={") and script.endswith("};\n" + i18n.GUESS_JS)
    data = i18n.browser_catalogs()
    prefix = "globalThis.BC_CATALOGS="
    assert json.loads(script[len(prefix):-len(";\n" + i18n.GUESS_JS)]) == data
    for lang in TRANSLATED:
        # msgctxt entries (document words, ``pgettext``) are the server's: the pages never look them up.
        singular = [m for m in catalog(lang) if m.id and isinstance(m.id, str) and not m.context]
        assert len(data[lang]) == len(singular)
    assert re.fullmatch(r"i18n/catalogs\.[0-9a-f]{12}\.js", i18n.browser_script_name())


def test_no_message_of_the_code_is_an_f_string_passed_to_a_translation_function():
    """``_(f"...")`` can never match a catalog entry: use a template and ``.format``."""
    offenders = []
    pattern = re.compile(r"\b(?:_|t|ngettext|gettext|N_)\(\s*f[\"']")
    for path in (ROOT / "billing_center").rglob("*.py"):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if pattern.search(line):
                offenders.append(f"{path.relative_to(ROOT)}:{number}")
    assert not offenders
