"""Service request types as data: the YAML file, its validation, its load, the active types
each process keeps for a minute, and the details each type may carry.

A bad file changes nothing and the error names the type and the key at fault. Loading twice
writes nothing the second time. Types missing from the file are kept (requests refer to them)
but marked inactive so nobody can submit them any more.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from contactcenter.core.errors import ErrorCode, InvalidInput
from contactcenter.core.text_input import ControlCharacters, control_characters_refuse
from contactcenter.inquiries.models import Channel
from contactcenter.offices.selectors import zip_code_parse
from contactcenter.servicerequests.models import (
    ExpediteCriterion,
    PriorityRule,
    Routing,
    Rule,
    ServiceRequestType,
    Submitter,
)

logger = logging.getLogger(__name__)

TYPES_FILE = Path(__file__).resolve().parent / "data" / "service_request_types.yaml"


class TypeDataError(InvalidInput):
    """The types file is malformed; nothing was written."""

    code = ErrorCode.INVALID_DATA_FILE


# --- Active types, kept per process ------------------------------------------------------------

_TYPES_CACHE: dict[str, tuple[float, dict[str, ServiceRequestType]]] = {}
_TYPES_TTL_SECONDS = 60.0


def service_request_types_cache_reset() -> None:
    _TYPES_CACHE.clear()


def service_request_type_get(code: str) -> ServiceRequestType:
    """An active type by code. Types are reference data read on every creation, so each
    process keeps them for a minute (like the live-help calendar): a type changed in the admin
    or by a load reaches every process within that time."""
    cached = _TYPES_CACHE.get("types")
    if cached is None or time.monotonic() - cached[0] >= _TYPES_TTL_SECONDS:
        types = {t.code: t for t in ServiceRequestType.objects.filter(active=True)}
        cached = (time.monotonic(), types)
        _TYPES_CACHE["types"] = cached
    request_type = cached[1].get(code)
    if request_type is None:
        raise InvalidInput(_("That is not a kind of service request we take."))
    return request_type


# --- Details -----------------------------------------------------------------------------------

DOCUMENTS = ("notice", "card", "travel_document", "work_permit", "other")
ACCOMMODATIONS = (
    "sign_language_interpreter",
    "wheelchair_access",
    "hearing_assistance",
    "visual_assistance",
    "other",
)
APPOINTMENT_KINDS = ("interview", "oath")
_STATE = re.compile(r"^[A-Z]{2}$")


def _text(max_length: int, min_length: int = 1) -> Callable[[str], str]:
    def clean(value: str) -> str:
        if len(value) < min_length:
            raise InvalidInput(_("Write at least %(count)d characters.") % {"count": min_length})
        if len(value) > max_length:
            raise InvalidInput(_("Write at most %(count)d characters.") % {"count": max_length})
        return value

    return clean


def _choice(choices: tuple[str, ...]) -> Callable[[str], str]:
    def clean(value: str) -> str:
        if value not in choices:
            raise InvalidInput(_("Choose one of: %(choices)s.") % {"choices": ", ".join(choices)})
        return value

    return clean


def _date(value: str) -> str:
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(_("Give a date as YYYY-MM-DD.")) from None
    if day > timezone.localdate() + dt.timedelta(days=366):
        raise InvalidInput(_("That date is too far in the future."))
    return day.isoformat()


def _state(value: str) -> str:
    value = value.upper()
    if not _STATE.match(value):
        raise InvalidInput(_("Give the two-letter state or territory code, for example NE."))
    return value


DETAILS: dict[str, Callable[[str], str]] = {
    "description": _text(2000),
    "document": _choice(DOCUMENTS),
    "mailed_on": _date,
    "street": _text(200, 3),
    "city": _text(80, 2),
    "state": _state,
    "zip_code": zip_code_parse,
    "moved_on": _date,
    "accommodation": _choice(ACCOMMODATIONS),
    "criterion": _choice(tuple(ExpediteCriterion.values)),
    "explanation": _text(4000, 30),
    "appointment_kind": _choice(APPOINTMENT_KINDS),
    "appointment_on": _date,
}


# How each detail is asked for: a line of text, a longer text, one of a list, or a date.
DATE_DETAILS = frozenset({"mailed_on", "moved_on", "appointment_on"})
LONG_TEXT_DETAILS = frozenset({"description", "explanation"})
CHOICE_DETAILS: dict[str, tuple[str, ...]] = {
    "document": DOCUMENTS,
    "accommodation": ACCOMMODATIONS,
    "criterion": tuple(ExpediteCriterion.values),
    "appointment_kind": APPOINTMENT_KINDS,
}


@dataclass(frozen=True, slots=True)
class DetailText:
    """What people read for one detail, in English and Spanish (the file's ``details:``)."""

    label_en: str
    label_es: str
    hint_en: str = ""
    hint_es: str = ""
    choices: dict[str, tuple[str, str]] = field(default_factory=dict)  # value -> (en, es)

    def label(self, language: str) -> str:
        return self.label_es if language == "es" else self.label_en

    def hint(self, language: str) -> str:
        return self.hint_es if language == "es" else self.hint_en

    def choice(self, value: str, language: str) -> str:
        """A chosen value's words; an unknown value (an old request) shows as it was stored."""
        texts = self.choices.get(value)
        if texts is None:
            return value
        return texts[1] if language == "es" else texts[0]


_DETAIL_TEXTS: dict[str, dict[str, DetailText]] = {}


def detail_texts() -> dict[str, DetailText]:
    """Every known detail's texts, from the shipped file, read and checked once per process
    (the texts change only with a release; the types themselves live in the database)."""
    texts = _DETAIL_TEXTS.get("texts")
    if texts is None:
        texts = _detail_texts_parse(_document_read(TYPES_FILE).get("details"), required=True)
        _DETAIL_TEXTS["texts"] = texts
    return texts


def detail_label(name: str, language: str) -> str:
    text = detail_texts().get(name)
    return text.label(language) if text is not None else name


def details_readable(details: Mapping[str, object], language: str) -> list[tuple[str, str]]:
    """A request's details as (label, value) in ``language``, in the order of the known
    details: chosen values in words, dates as the locale writes them."""
    from django.utils.formats import date_format

    texts = detail_texts()
    order = {name: index for index, name in enumerate(DETAILS)}
    rows = []
    for name in sorted(details, key=lambda key: (order.get(key, len(order)), key)):
        value = str(details[name])
        text = texts.get(name)
        if text is None:
            rows.append((name, value))
            continue
        if name in CHOICE_DETAILS:
            value = text.choice(value, language)
        elif name in DATE_DETAILS:
            with contextlib.suppress(ValueError):  # an old request's text shows as stored
                value = date_format(dt.date.fromisoformat(value), "DATE_FORMAT")
        rows.append((text.label(language), value))
    return rows


def details_clean(*, request_type: ServiceRequestType, details: Mapping[str, object]) -> dict:
    """The type's details, each checked; raises InvalidInput naming the first detail at fault."""
    allowed = set(request_type.required_details) | set(request_type.optional_details)
    unknown = sorted(set(details) - allowed)
    if unknown:
        raise InvalidInput(
            _("This request does not take: %(names)s.") % {"names": ", ".join(unknown)},
            extra={"field": unknown[0]},
        )
    # Errors name the detail by its label in the language of the moment (the person's, when
    # the service speaks to them), never by its key.
    language = "es" if (translation.get_language() or "").startswith("es") else "en"
    cleaned: dict[str, str] = {}
    for name in [*request_type.required_details, *request_type.optional_details]:
        raw = details.get(name)
        label = detail_label(name, language)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            if name in request_type.required_details:
                raise InvalidInput(
                    _("This request needs: %(name)s.") % {"name": label}, extra={"field": name}
                )
            continue
        if not isinstance(raw, str):
            raise InvalidInput(_("%(name)s must be text.") % {"name": label}, extra={"field": name})
        try:
            control_characters_refuse(raw, multiline=True)
        except InvalidInput as error:
            raise ControlCharacters(f"{label}: {error.message}", extra={"field": name}) from None
        try:
            cleaned[name] = DETAILS[name](raw.strip())
        except InvalidInput as error:
            raise InvalidInput(f"{label}: {error.message}", extra={"field": name}) from None
    return cleaned


# --- The file --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TypeDefinition:
    code: str
    title_en: str
    title_es: str
    submitters: list[str]
    channels: list[str]
    description_en: str = ""
    description_es: str = ""
    required_details: list[str] = field(default_factory=list)
    optional_details: list[str] = field(default_factory=list)
    response_business_days: int = 15
    priority_rule: str = PriorityRule.NORMAL
    routing: str = Routing.HOLDING_OFFICE
    rule: str = Rule.NONE
    active: bool = True


_KEYS = frozenset(TypeDefinition.__dataclass_fields__)
_CODE = re.compile(r"^[a-z0-9][a-z0-9-]{1,39}$")


def _list_of(raw: object, allowed: frozenset[str], *, where: str, key: str) -> list[str]:
    if raw is None:
        return []
    if not isinstance(raw, list) or not all(isinstance(item, str) for item in raw):
        raise TypeDataError(f"{where}: {key} must be a list of names.")
    wrong = sorted(set(raw) - allowed)
    if wrong:
        raise TypeDataError(f"{where}: {key} has unknown values {', '.join(wrong)}.")
    return list(dict.fromkeys(raw))


def _parse(raw: object, *, index: int, defaults: Mapping[str, Any]) -> TypeDefinition:
    if not isinstance(raw, dict):
        raise TypeDataError(f"types[{index}]: each type must be a mapping.")
    where = f"type {raw.get('code') or f'#{index + 1}'}"
    merged = {**defaults, **raw}
    unknown = sorted(set(merged) - _KEYS)
    if unknown:
        raise TypeDataError(f"{where}: unknown keys {', '.join(unknown)}.")
    texts = {}
    for key in ("code", "title_en", "title_es"):
        value = str(merged.get(key) or "").strip()
        if not value:
            raise TypeDataError(f"{where}: {key} is required.")
        texts[key] = value
    for key in ("description_en", "description_es"):
        value = merged.get(key) or ""
        if not isinstance(value, str) or len(value.strip()) > 200 or "\n" in value.strip():
            raise TypeDataError(f"{where}: {key} must be one line of at most 200 characters.")
        texts[key] = value.strip()
    if bool(texts["description_en"]) != bool(texts["description_es"]):
        raise TypeDataError(f"{where}: give description_en and description_es, or neither.")
    if not _CODE.match(texts["code"]):
        raise TypeDataError(f"{where}: code must be lower case letters, digits and dashes.")
    details = frozenset(DETAILS)
    required = _list_of(
        merged.get("required_details"), details, where=where, key="required_details"
    )
    optional = _list_of(
        merged.get("optional_details"), details, where=where, key="optional_details"
    )
    if set(required) & set(optional):
        raise TypeDataError(f"{where}: a detail cannot be both required and optional.")
    days = merged.get("response_business_days", 15)
    if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= 90:
        raise TypeDataError(f"{where}: response_business_days must be a whole number, 1 to 90.")
    choices = {
        "priority_rule": PriorityRule.values,
        "routing": Routing.values,
        "rule": Rule.values,
    }
    picked = {}
    for key, allowed in choices.items():
        value = merged.get(key, TypeDefinition.__dataclass_fields__[key].default)
        if value not in allowed:
            raise TypeDataError(f"{where}: {key} must be one of {', '.join(allowed)}.")
        picked[key] = value
    if picked["rule"] == Rule.EXPEDITE and not {"criterion", "explanation"} <= set(required):
        raise TypeDataError(f"{where}: an expedite type must require criterion and explanation.")
    if picked["rule"] == Rule.CHANGE_OF_ADDRESS and not {"street", "city", "state", "zip_code"} <= (
        set(required)
    ):
        raise TypeDataError(f"{where}: a change of address must require the whole address.")
    submitters = _list_of(
        merged.get("submitters"), frozenset(Submitter.values), where=where, key="submitters"
    )
    channels = _list_of(
        merged.get("channels"), frozenset(Channel.values), where=where, key="channels"
    )
    if not submitters or not channels:
        raise TypeDataError(f"{where}: submitters and channels must not be empty.")
    return TypeDefinition(
        submitters=submitters,
        channels=channels,
        required_details=required,
        optional_details=optional,
        response_business_days=days,
        active=bool(merged.get("active", True)),
        **picked,
        **texts,
    )


def _document_read(path: Path) -> dict:
    try:
        document = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise TypeDataError(f"{Path(path).name} is not valid YAML: {error}") from None
    if not isinstance(document, dict):
        raise TypeDataError(f"{Path(path).name} needs a top-level list named types.")
    return document


def _one_line(raw: object, *, where: str, key: str, required: bool) -> str:
    if raw is None and not required:
        return ""
    if not isinstance(raw, str) or not raw.strip() or "\n" in raw.strip() or len(raw) > 300:
        raise TypeDataError(f"{where}: {key} must be one line of text, at most 300 characters.")
    return raw.strip()


_DETAIL_KEYS = frozenset({"label_en", "label_es", "hint_en", "hint_es", "choices"})


def _detail_texts_parse(raw: object, *, required: bool) -> dict[str, DetailText]:
    """The file's ``details:``: every known detail with both labels, hints in both languages
    or neither, and for a detail chosen from a list the words for exactly its values."""
    if not isinstance(raw, dict):
        raise TypeDataError("details must be a mapping of each detail to its texts.")
    unknown = sorted(set(raw) - set(DETAILS))
    if unknown:
        raise TypeDataError(f"details: unknown details {', '.join(map(str, unknown))}.")
    missing = [name for name in DETAILS if name not in raw]
    if missing:
        raise TypeDataError(f"details: texts missing for {', '.join(missing)}.")
    texts: dict[str, DetailText] = {}
    for name in DETAILS:
        entry, where = raw[name], f"detail {name}"
        if not isinstance(entry, dict):
            raise TypeDataError(f"{where}: give label_en and label_es.")
        wrong = sorted(set(entry) - _DETAIL_KEYS)
        if wrong:
            raise TypeDataError(f"{where}: unknown keys {', '.join(map(str, wrong))}.")
        labels = [
            _one_line(entry.get(key), where=where, key=key, required=True)
            for key in ("label_en", "label_es")
        ]
        hints = [
            _one_line(entry.get(key), where=where, key=key, required=False)
            for key in ("hint_en", "hint_es")
        ]
        if bool(hints[0]) != bool(hints[1]):
            raise TypeDataError(f"{where}: give hint_en and hint_es, or neither.")
        texts[name] = DetailText(
            label_en=labels[0],
            label_es=labels[1],
            hint_en=hints[0],
            hint_es=hints[1],
            choices=_choice_texts(name, entry, where),
        )
    return texts


def _choice_texts(name: str, entry: dict, where: str) -> dict[str, tuple[str, str]]:
    values = CHOICE_DETAILS.get(name)
    raw = entry.get("choices")
    if values is None:
        if raw is not None:
            raise TypeDataError(f"{where}: only a detail chosen from a list has choices.")
        return {}
    if not isinstance(raw, dict) or set(raw) != set(values):
        raise TypeDataError(f"{where}: choices must give words for exactly {', '.join(values)}.")
    choices = {}
    for value in values:
        words = raw[value]
        if not isinstance(words, dict) or set(words) != {"en", "es"}:
            raise TypeDataError(f"{where}: choice {value} needs en and es.")
        choices[value] = (
            _one_line(words["en"], where=where, key=f"{value}.en", required=True),
            _one_line(words["es"], where=where, key=f"{value}.es", required=True),
        )
    return choices


def type_definitions_read(*, path: Path = TYPES_FILE) -> list[TypeDefinition]:
    """Parse and validate the types file without touching the database."""
    document = _document_read(path)
    if not isinstance(document.get("types"), list):
        raise TypeDataError(f"{Path(path).name} needs a top-level list named types.")
    if document.get("details") is not None:
        _detail_texts_parse(document["details"], required=False)
    defaults = document.get("defaults") or {}
    if not isinstance(defaults, dict):
        raise TypeDataError("defaults must be a mapping.")
    definitions = [
        _parse(raw, index=index, defaults=defaults) for index, raw in enumerate(document["types"])
    ]
    codes = [d.code for d in definitions]
    duplicates = sorted({code for code in codes if codes.count(code) > 1})
    if duplicates:
        raise TypeDataError(f"type {duplicates[0]}: the code appears twice.")
    return definitions


@dataclass(slots=True)
class TypeLoadSummary:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    deactivated: list[str] = field(default_factory=list)
    unchanged: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.deactivated)


@transaction.atomic
def service_request_types_load(*, path: Path = TYPES_FILE) -> TypeLoadSummary:
    """Upsert every type in the file by code; deactivate types no longer listed."""
    definitions = type_definitions_read(path=path)
    summary = TypeLoadSummary()
    existing = {t.code: t for t in ServiceRequestType.objects.all()}
    for definition in definitions:
        values = asdict(definition)
        current = existing.get(definition.code)
        if current is None:
            ServiceRequestType.objects.create(**values)
            summary.created.append(definition.code)
            continue
        changed = [name for name, value in values.items() if getattr(current, name) != value]
        if changed:
            for name in changed:
                setattr(current, name, values[name])
            current.save(update_fields=[*changed, "updated_at"])
            summary.updated.append(definition.code)
        else:
            summary.unchanged += 1
    listed = {d.code for d in definitions}
    for code, stale in existing.items():
        if code not in listed and stale.active:
            stale.active = False
            stale.save(update_fields=["active", "updated_at"])
            summary.deactivated.append(code)
    # Now for this process's next read, and again once committed, after which every read in
    # this process sees the new rows.
    service_request_types_cache_reset()
    transaction.on_commit(service_request_types_cache_reset)
    logger.info(
        "servicerequests.types_loaded",
        extra={
            "types_created": len(summary.created),
            "types_updated": len(summary.updated),
            "types_deactivated": len(summary.deactivated),
        },
    )
    return summary
