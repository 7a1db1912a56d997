"""The agency a contact center answers for, as plain data: what a profile file holds, how it is
checked, and the placeholders texts use for it.

Texts that name the agency (phone-line prompts, the assistant's answers, messages, pages) do
not carry its name, numbers or web address: they say ``{agency_phone}`` or ``{agency_web}``,
filled in when the text is spoken, shown or sent (:func:`agency_fill`). So one install can be
given to another agency by loading another profile, and no text has to change.

Nothing here reads the database: ``selectors.agency_profile`` gives the active profile.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from contactcenter.core.errors import InvalidInput

DATA_DIR = Path(__file__).resolve().parent / "data"
# The profile an install starts with (and falls back to while none is stored).
DEFAULT_PROFILE_FILE = DATA_DIR / "uscis.yaml"
LANGUAGES = ("en", "es")
# One number per phone line, named as the phone line's flows are.
PHONE_LINES = ("main", "tty", "international", "intercountry-adoption", "premium-processing")
SLUG = re.compile(r"^[a-z][a-z0-9-]{0,39}$")
_LABEL = r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?"
DOMAIN = re.compile(rf"^(?=.{{3,100}}$){_LABEL}(?:\.{_LABEL})+$")
# A number as people dial it in the country: digits with dashes, spaces, dots or brackets,
# an optional leading +.
PHONE = re.compile(r"^\+?[0-9][0-9 ().-]{5,22}[0-9]$")
HTTP_URL = re.compile(r"^https?://[^\s/?#]+(?:/[^\s]*)?$")
MAX_TEXT = 200


@dataclass(frozen=True, slots=True)
class MailingAddress:
    label: Mapping[str, str]  # by language
    lines: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Agency:
    slug: str
    name: Mapping[str, str]
    short_name: Mapping[str, str]
    domain: str
    website_url: str
    phones: Mapping[str, str]  # by phone line
    hours: Mapping[str, str]
    mailing_addresses: tuple[MailingAddress, ...] = ()
    logo_url: str = ""
    official_banner: bool = False
    public_base_url: str = ""  # empty: the PUBLIC_BASE_URL setting
    _values: dict[str, dict[str, str]] = field(default_factory=dict, compare=False, repr=False)

    def phone(self, line: str) -> str:
        return self.phones.get(line) or self.phones["main"]

    def values(self, language: str) -> dict[str, str]:
        """What each placeholder stands for in ``language`` (English when unknown)."""
        language = language if language in LANGUAGES else "en"
        kept = self._values.get(language)
        if kept is None:
            kept = _placeholder_values(self, language)
            self._values[language] = kept
        return kept

    def as_dict(self) -> dict[str, Any]:
        """The profile as a profile file holds it."""
        return {
            "slug": self.slug,
            "name": dict(self.name),
            "short_name": dict(self.short_name),
            "domain": self.domain,
            "website_url": self.website_url,
            "phones": dict(self.phones),
            "hours": dict(self.hours),
            "mailing_addresses": [
                {"label": dict(a.label), "lines": list(a.lines)} for a in self.mailing_addresses
            ],
            "logo_url": self.logo_url,
            "official_banner": self.official_banner,
            "public_base_url": self.public_base_url,
        }


def tel(number: str) -> str:
    """A number as a ``tel:`` link wants it: ``800-555-0100`` is ``+18005550100`` (ten digits
    are a North American number); one written with ``+`` keeps its own country code."""
    digits = re.sub(r"\D", "", number)
    if number.strip().startswith("+"):
        return f"+{digits}"
    if len(digits) == 10:
        return f"+1{digits}"
    return f"+{digits}"


def _line_key(line: str) -> str:
    return line.replace("-", "_")


def _placeholder_values(agency: Agency, language: str) -> dict[str, str]:
    values = {
        "agency_name": agency.name[language],
        "agency_short_name": agency.short_name[language],
        "agency_web": agency.domain,
        "agency_url": agency.website_url,
        "agency_hours": agency.hours[language],
        # The lines everyone needs, by their short names.
        "agency_phone": agency.phone("main"),
        "agency_phone_tel": tel(agency.phone("main")),
        "agency_tty": agency.phone("tty"),
        "agency_tty_tel": tel(agency.phone("tty")),
    }
    for line in PHONE_LINES:
        values[f"agency_phone_{_line_key(line)}"] = agency.phone(line)
        values[f"agency_phone_{_line_key(line)}_tel"] = tel(agency.phone(line))
    return values


# Every placeholder a text may use for the agency.
PLACEHOLDERS = frozenset(
    [
        "agency_name", "agency_short_name", "agency_web", "agency_url", "agency_hours",
        "agency_phone", "agency_phone_tel", "agency_tty", "agency_tty_tel",
        *(f"agency_phone_{_line_key(line)}" for line in PHONE_LINES),
        *(f"agency_phone_{_line_key(line)}_tel" for line in PHONE_LINES),
    ]
)  # fmt: skip
_PLACEHOLDER = re.compile(r"\{(agency_[a-z_]+)\}")


def agency_fill(text: str, agency: Agency, language: str) -> str:
    """``text`` with each agency placeholder replaced; every other brace is left alone (a
    phone prompt's ``{position}`` is filled by the phone line itself)."""
    if "{agency_" not in text:
        return text
    values = agency.values(language)
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def without_placeholders(text: str) -> str:
    """``text`` with its agency placeholders left out (what a search index should see)."""
    return _PLACEHOLDER.sub(" ", text) if "{agency_" in text else text


def unknown_placeholders(text: str) -> set[str]:
    """Agency placeholders in ``text`` that no profile fills (a typing mistake in a file)."""
    return {name for name in _PLACEHOLDER.findall(text) if name not in PLACEHOLDERS}


# --- Reading a profile file -----------------------------------------------------------------

_FIELDS = {
    "slug", "name", "short_name", "domain", "website_url", "phones", "hours",
    "mailing_addresses", "logo_url", "official_banner", "public_base_url",
}  # fmt: skip


def _text(value: Any, where: str, *, required: bool = True, limit: int = MAX_TEXT) -> str:
    if value is None:
        if required:
            raise InvalidInput(f"{where}: must be given.")
        return ""
    if not isinstance(value, str):
        raise InvalidInput(f"{where}: give text.")
    value = value.strip()
    if required and not value:
        raise InvalidInput(f"{where}: must not be empty.")
    if len(value) > limit:
        raise InvalidInput(f"{where}: at most {limit} characters.")
    if any(ord(c) < 32 for c in value):
        raise InvalidInput(f"{where}: has a control character.")
    return value


def _by_language(value: Any, where: str) -> dict[str, str]:
    if not isinstance(value, Mapping):
        raise InvalidInput(f"{where}: give English and Spanish ({{en: ..., es: ...}}).")
    extra = set(value) - set(LANGUAGES)
    if extra:
        raise InvalidInput(f"{where}: unknown languages {sorted(extra)}.")
    return {language: _text(value.get(language), f"{where}.{language}") for language in LANGUAGES}


def _url(value: Any, where: str, *, required: bool) -> str:
    url = _text(value, where, required=required)
    if url and not HTTP_URL.match(url):
        raise InvalidInput(f"{where}: give an address starting with https:// or http://.")
    return url.rstrip("/")


def agency_parse(data: Any, *, where: str = "profile") -> Agency:
    """A profile from a mapping (a profile file, or a stored row). Raises ``InvalidInput``
    naming the field at fault; nothing half-read is returned."""
    if not isinstance(data, Mapping):
        raise InvalidInput(f"{where}: a profile is a mapping of fields.")
    unknown = set(data) - _FIELDS
    if unknown:
        raise InvalidInput(f"{where}: unknown fields {sorted(unknown)}.")
    slug = _text(data.get("slug"), f"{where}.slug", limit=40)
    if not SLUG.match(slug):
        raise InvalidInput(f"{where}.slug: lower-case letters, digits and dashes.")
    domain = _text(data.get("domain"), f"{where}.domain", limit=100).lower()
    if not DOMAIN.match(domain):
        raise InvalidInput(f"{where}.domain: give a web address such as agency.example.gov.")
    phones_raw = data.get("phones")
    if not isinstance(phones_raw, Mapping):
        raise InvalidInput(f"{where}.phones: give a number for each line.")
    extra_lines = set(phones_raw) - set(PHONE_LINES)
    if extra_lines:
        raise InvalidInput(
            f"{where}.phones: unknown lines {sorted(extra_lines)} "
            f"(lines: {', '.join(PHONE_LINES)})."
        )
    phones: dict[str, str] = {}
    for line in PHONE_LINES:
        number = _text(phones_raw.get(line), f"{where}.phones.{line}", required=line == "main")
        if number and not PHONE.match(number):
            raise InvalidInput(f"{where}.phones.{line}: not a phone number.")
        if number:
            phones[line] = number
    addresses_raw = data.get("mailing_addresses") or []
    if not isinstance(addresses_raw, list):
        raise InvalidInput(f"{where}.mailing_addresses: give a list.")
    addresses = []
    for i, raw in enumerate(addresses_raw):
        at = f"{where}.mailing_addresses[{i}]"
        if not isinstance(raw, Mapping) or set(raw) - {"label", "lines"}:
            raise InvalidInput(f"{at}: give a label and lines.")
        lines = raw.get("lines")
        if not isinstance(lines, list) or not lines or len(lines) > 8:
            raise InvalidInput(f"{at}.lines: give one to eight lines.")
        addresses.append(
            MailingAddress(
                label=_by_language(raw.get("label"), f"{at}.label"),
                lines=tuple(_text(line, f"{at}.lines") for line in lines),
            )
        )
    banner = data.get("official_banner", False)
    if not isinstance(banner, bool):
        raise InvalidInput(f"{where}.official_banner: true or false.")
    logo = _text(data.get("logo_url"), f"{where}.logo_url", required=False)
    if logo and not (logo.startswith("/") or HTTP_URL.match(logo)):
        raise InvalidInput(f"{where}.logo_url: a web address or a path on this site.")
    return Agency(
        slug=slug,
        name=_by_language(data.get("name"), f"{where}.name"),
        short_name=_by_language(data.get("short_name"), f"{where}.short_name"),
        domain=domain,
        website_url=_url(data.get("website_url"), f"{where}.website_url", required=False)
        or f"https://{domain}",
        phones=phones,
        hours=_by_language(data.get("hours"), f"{where}.hours"),
        mailing_addresses=tuple(addresses),
        logo_url=logo,
        official_banner=banner,
        public_base_url=_url(
            data.get("public_base_url"), f"{where}.public_base_url", required=False
        ),
    )


def agency_file_read(path: Path) -> Agency:
    """A profile file, checked. Raises ``InvalidInput`` (an unreadable or malformed file
    included)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise InvalidInput(f"cannot read {path}: {error.strerror}.") from error
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise InvalidInput(f"{path.name}: not YAML ({error}).") from error
    return agency_parse(data, where=Path(path).name)
