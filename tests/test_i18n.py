"""The Spanish catalogue: complete, not fuzzy, placeholders intact, compiled, and covering every
string the code and templates mark for translation."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import polib
import pytest
from django.utils import translation

PACKAGE = Path(__file__).resolve().parent.parent / "contactcenter"
PO_PATH = PACKAGE / "locale" / "es" / "LC_MESSAGES" / "django.po"
# Apps may keep their own catalogue beside their code (``<app>/locale/es/...``); Django merges
# them with the project's, and every check below holds for each.
PO_PATHS = [PO_PATH, *sorted(PACKAGE.glob("*/locale/es/LC_MESSAGES/django.po"))]
GETTEXT_NAMES = {"_", "gettext", "gettext_lazy", "gettext_noop"}
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|\{(\w+)\}")


@pytest.fixture(scope="module", params=PO_PATHS, ids=lambda path: str(path.relative_to(PACKAGE)))
def catalogue(request) -> polib.POFile:
    return polib.pofile(str(request.param))


def all_msgids() -> set[str]:
    return {
        entry.msgid for path in PO_PATHS for entry in polib.pofile(str(path)) if not entry.obsolete
    }


def live_entries(catalogue: polib.POFile) -> list[polib.POEntry]:
    return [entry for entry in catalogue if not entry.obsolete]


def test_catalogue_is_spanish_and_its_header_is_not_fuzzy(catalogue):
    assert catalogue.metadata["Language"] == "es"
    assert "nplurals=" in catalogue.metadata["Plural-Forms"]
    assert not catalogue.metadata_is_fuzzy


def test_every_entry_is_translated_and_none_is_fuzzy(catalogue):
    entries = live_entries(catalogue)
    assert entries
    fuzzy = [entry.msgid for entry in entries if "fuzzy" in entry.flags]
    empty = [
        entry.msgid
        for entry in entries
        if (entry.msgid_plural and not all(entry.msgstr_plural.values()))
        or (not entry.msgid_plural and not entry.msgstr.strip())
    ]
    assert fuzzy == [], f"fuzzy entries: {fuzzy}"
    assert empty == [], f"untranslated entries: {empty}"


def test_plural_entries_have_every_spanish_form(catalogue):
    """As many forms as the header's nplurals (a missing one falls back to English), and none
    left as the English text."""
    forms = int(re.search(r"nplurals=(\d+)", catalogue.metadata["Plural-Forms"]).group(1))
    wrong = [
        entry.msgid
        for entry in live_entries(catalogue)
        if entry.msgid_plural
        and (
            sorted(entry.msgstr_plural) != list(range(forms))
            or {entry.msgid, entry.msgid_plural} & set(entry.msgstr_plural.values())
        )
    ]
    assert wrong == [], f"plural entries missing a form or left in English: {wrong}"


def test_translations_keep_every_placeholder(catalogue):
    def names(text: str) -> set[str]:
        return {a or b for a, b in PLACEHOLDER.findall(text)}

    broken = [
        entry.msgid
        for entry in live_entries(catalogue)
        if not entry.msgid_plural and names(entry.msgid) != names(entry.msgstr)
    ]
    assert broken == []


def test_compiled_catalogue_matches_the_source(catalogue):
    mo_path = Path(catalogue.fpath).with_suffix(".mo")
    assert mo_path.exists(), "run `make messages` to compile the catalogue"
    # Keyed by context and text: one English word may need two Spanish ones ("Answered" for
    # a call and for a report's column).
    compiled = {(entry.msgctxt, entry.msgid): entry.msgstr for entry in polib.mofile(str(mo_path))}
    stale = [
        entry.msgid
        for entry in live_entries(catalogue)
        if not entry.msgid_plural and compiled.get((entry.msgctxt, entry.msgid)) != entry.msgstr
    ]
    assert stale == [], "the .mo is older than the .po: run `make messages`"


def test_django_serves_the_spanish_catalogue():
    with translation.override("es"):
        assert translation.gettext("Case status") == "Estado del caso"
        assert translation.gettext("When can I ask about my case?") == (
            "¿Cuándo puedo preguntar por mi caso?"
        )
    with translation.override("en"):
        assert translation.gettext("Case status") == "Case status"


def python_strings() -> set[str]:
    found: set[str] = set()
    for path in PACKAGE.rglob("*.py"):
        if "migrations" in path.parts or "static" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in GETTEXT_NAMES
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                found.add(node.args[0].value)
    return found


TRANSLATE_TAG = re.compile(r"""\{%\s*(?:translate|trans)\s+(["'])(.+?)\1""", re.S)
BLOCK_TAG = re.compile(
    r"\{%\s*blocktrans(?:late)?(?P<options>[^%]*)%\}(?P<body>.*?)\{%\s*endblocktrans(?:late)?\s*%\}",
    re.S,
)
VARIABLE = re.compile(r"\{\{\s*(\w+)\s*\}\}")


def template_strings() -> set[str]:
    found: set[str] = set()
    for path in PACKAGE.rglob("templates/**/*.html"):
        text = path.read_text()
        found.update(match.group(2) for match in TRANSLATE_TAG.finditer(text))
        for match in BLOCK_TAG.finditer(text):
            if "plural" in match.group("body"):
                continue
            body = VARIABLE.sub(r"%(\1)s", match.group("body").replace("%", "%%"))
            if "trimmed" in match.group("options"):
                body = " ".join(body.split())
            found.add(body)
    return found


def test_project_catalogue_is_substantial():
    assert len(live_entries(polib.pofile(str(PO_PATH)))) > 50


def test_catalogues_cover_every_marked_string():
    """Fails when someone marks a new string without running makemessages and translating it
    (see the README: the catalogue workflow)."""
    known = all_msgids()
    strings = python_strings() | template_strings()
    assert len(strings) > 50
    missing = sorted(strings - known)
    assert missing == [], f"strings missing from the Spanish catalogue: {missing}"
