"""The agency's numbers and web address live in its profile only.

Any other file of the code (Python, templates, flows, knowledge, messages, catalogues,
scripts) that spells one out would keep naming the shipped agency after another profile is
loaded; it must say ``{agency_phone}``, ``{agency_web}`` ... instead.
"""

from __future__ import annotations

import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "contactcenter"
# The profile files are where an agency's numbers belong.
ALLOWED = {
    PACKAGE / "agency" / "data" / "uscis.yaml",
    PACKAGE / "agency" / "data" / "family-benefits.yaml",
}
SKIPPED_DIRS = {"__pycache__", "vendor", "node_modules"}
SUFFIXES = {".py", ".html", ".txt", ".yaml", ".yml", ".po", ".js", ".json", ".css", ".md", ".svg"}
# The shipped agency's public numbers (as written or dialled) and web address; and a USCIS
# e-mail or web address of any kind.
AGENCY_NUMBERS_AND_DOMAINS = re.compile(
    r"375[-. ]?5283|767[-. ]?1833|620[-. ]?3418|424[-. ]?8374|315[-. ]?5718|248[-. ]?5025"
    r"|\buscis\.gov\b|@uscis\b",
    re.IGNORECASE,
)


def code_files():
    for path in sorted(PACKAGE.rglob("*")):
        skipped = SKIPPED_DIRS & set(path.relative_to(PACKAGE).parts)
        if path.suffix in SUFFIXES and path.is_file() and not skipped:
            yield path


def test_the_scan_sees_the_code_and_finds_the_profile():
    files = list(code_files())
    assert PACKAGE / "ivr" / "flows" / "main.yaml" in files
    assert PACKAGE / "chat" / "templates" / "chat" / "widget.html" in files
    found = AGENCY_NUMBERS_AND_DOMAINS.findall(
        (PACKAGE / "agency" / "data" / "uscis.yaml").read_text(encoding="utf-8")
    )
    assert {"375-5283", "767-1833", "uscis.gov"} <= set(found)


def test_no_agency_number_or_web_address_outside_the_profile_files():
    found = []
    for path in code_files():
        if path in ALLOWED:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if AGENCY_NUMBERS_AND_DOMAINS.search(line):
                found.append(f"{path.relative_to(PACKAGE)}:{number}: {line.strip()}")
    assert found == [], "use the agency profile's placeholders:\n" + "\n".join(found)
