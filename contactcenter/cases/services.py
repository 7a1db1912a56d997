"""Every write to cases, their applicants' records and posted processing times.

The importers call these functions row by row; so may any other adapter. Each one is keyword-
only, runs in one transaction (a savepoint when the caller already holds one, so a refused row
never spoils the rest of a batch) and writes nothing when nothing changed, which is what makes
re-running an import harmless.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum, StrEnum
from typing import Generic, TypeVar

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from contactcenter.cases.models import (
    Case,
    CaseStatusEvent,
    Confidentiality,
    FormCategory,
    FormType,
    ProcessingTime,
)
from contactcenter.cases.statuses import CaseStatus
from contactcenter.core.a_numbers import ANumber
from contactcenter.core.errors import InvalidInput
from contactcenter.core.receipt_numbers import ReceiptNumber
from contactcenter.offices.models import Office
from contactcenter.people.models import Person

logger = logging.getLogger(__name__)

ModelT = TypeVar("ModelT", bound=models.Model)

MONTHS_MIN_EXCLUSIVE = Decimal(0)
MONTHS_MAX = Decimal(120)
MONTHS_STEP = Decimal("0.1")

_STATUS_CODES = frozenset(CaseStatus.values)

# A specific statutory basis says more than "protected"; a bare "true" must not erase it.
SPECIFIC_BASES = frozenset({Confidentiality.VAWA, Confidentiality.T_VISA, Confidentiality.U_VISA})


class Keep(Enum):
    """Marks a field the caller has no value for: the stored value stays as it is.

    Distinct from an empty string, which means "this person no longer has one" (a stale email
    address or phone number must be cleared, or notices go to someone else).
    """

    KEEP = "keep"


KEEP = Keep.KEEP


class UpsertOutcome(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


@dataclass(frozen=True, slots=True)
class Upserted(Generic[ModelT]):
    obj: ModelT
    outcome: UpsertOutcome


@dataclass(frozen=True, slots=True)
class PersonDetails:
    """An applicant as another system of record describes them; ``KEEP`` leaves a field be."""

    given_name: str
    family_name: str
    a_number: ANumber | None = None  # None: not given (an A-Number is never taken away)
    date_of_birth: dt.date | Keep | None = KEEP
    street: str | Keep = KEEP
    city: str | Keep = KEEP
    state: str | Keep = KEEP
    zip_code: str | Keep = KEEP
    email: str | Keep = KEEP
    phone: str | Keep = KEEP  # E.164
    preferred_language: str | Keep = KEEP


@dataclass(frozen=True, slots=True)
class CaseRecord:
    """A case as another system of record describes it, already validated."""

    receipt_number: ReceiptNumber
    form: FormType
    category: FormCategory
    receipt_date: dt.date
    office: Office
    status: CaseStatus
    status_date: dt.date
    applicant: PersonDetails
    confidentiality: Confidentiality = Confidentiality.NONE


_PERSON_FIELDS = (
    "given_name",
    "family_name",
    "date_of_birth",
    "street",
    "city",
    "state",
    "zip_code",
    "email",
    "phone",
    "preferred_language",
)


def confidentiality_merge(*, current: str, incoming: str) -> str:
    """The confidentiality a case keeps when a record arrives with ``incoming``.

    Protection is never lowered by a record that merely lacks it (VAWA, T and U protection
    follows the person even when a later extract forgets to say so); a bare "protected" does
    not overwrite a specific basis; a specific basis replaces whatever was there.
    """
    if incoming == Confidentiality.NONE:
        return current
    if incoming == Confidentiality.PROTECTED and current in SPECIFIC_BASES:
        return current
    return incoming


def _status_apply(
    *,
    case: Case,
    status: str,
    status_date: dt.date,
    office: Office,
    in_history: Callable[[str, dt.date], bool],
) -> tuple[CaseStatusEvent | None, list[str]]:
    """Checks and in-memory changes shared by :func:`case_status_record` and the upserts.

    Returns the new history event (unsaved) and the case fields changed. A status already in
    the history on that date changes nothing; one dated before the current status joins the
    history without becoming current, so an older file re-run after a newer one cannot undo
    the newer status.
    """
    if status not in _STATUS_CODES:
        raise InvalidInput(_("That is not a known case status."))
    if status_date < case.receipt_date:
        raise InvalidInput(_("A status cannot be dated before the case was received."))
    if status_date > timezone.localdate():
        raise InvalidInput(_("A status cannot be dated in the future."))
    if case.pk is not None:
        if case.status == status and case.status_date == status_date:
            return None, []
        if in_history(status, status_date):
            return None, []
    event = CaseStatusEvent(case=case, status=status, status_date=status_date, office=office)
    if case.pk is not None and status_date < case.status_date:
        return event, []
    case.status = status
    case.status_date = status_date
    return event, ["status", "status_date"]


@transaction.atomic
def case_status_record(
    *, case: Case, status: str, status_date: dt.date, office: Office | None = None
) -> CaseStatusEvent | None:
    """Append ``status`` to the case's history and make it current, in one transaction.

    Preconditions: ``case`` is saved. Refuses (``InvalidInput``) an unknown status or a date
    before the receipt date or in the future. Returns None when that status was already
    recorded on that date. ``office`` is the office that recorded it (the case's by default).
    """

    def in_history(status: str, status_date: dt.date) -> bool:
        return case.status_history.filter(status=status, status_date=status_date).exists()

    event, changed = _status_apply(
        case=case,
        status=status,
        status_date=status_date,
        office=office or case.office,
        in_history=in_history,
    )
    if event is None:
        return None
    event.save()
    if changed:
        case.save(update_fields=[*changed, "updated_at"])
    logger.info("case.status_recorded", extra={"case_id": case.pk, "status": status})
    return event


def _person_apply(person: Person, details: PersonDetails) -> list[str]:
    changed = []
    for field in _PERSON_FIELDS:
        value = getattr(details, field)
        if value is KEEP:
            continue
        if getattr(person, field) != value:
            setattr(person, field, value)
            changed.append(field)
    if details.a_number is not None and person.a_number != details.a_number.value:
        person.a_number = details.a_number.value
        changed.append("a_number")
    return changed


def _person_match(
    *,
    details: PersonDetails,
    case: Case | None,
    by_a_number: Callable[[str], Person | None],
) -> Person | None:
    """By A-Number when given, else the case's existing applicant.

    An applicant known under a different A-Number is a different person: the record names
    someone else as the applicant, so it is not theirs to rename.
    """
    wanted = details.a_number.value if details.a_number else None
    if case is not None and wanted is not None and case.applicant.a_number == wanted:
        return case.applicant
    if wanted is not None:
        person = by_a_number(wanted)
        if person is not None:
            return person
    if case is not None and (wanted is None or case.applicant.a_number is None):
        return case.applicant
    return None


@transaction.atomic
def person_upsert(*, details: PersonDetails, case: Case | None = None) -> Upserted[Person]:
    """The applicant described by ``details``, matched by A-Number when given, else the
    applicant of ``case``, else created. Only fields that differ are written."""
    person = _person_match(
        details=details,
        case=case,
        by_a_number=lambda a_number: (
            Person.objects.select_for_update().filter(a_number=a_number).first()
        ),
    )
    if person is None:
        person = Person()
        _person_apply(person, details)
        person.save()
        return Upserted(person, UpsertOutcome.CREATED)
    changed = _person_apply(person, details)
    if not changed:
        return Upserted(person, UpsertOutcome.UNCHANGED)
    person.save(update_fields=[*changed, "updated_at"])
    return Upserted(person, UpsertOutcome.UPDATED)


def case_upsert(*, record: CaseRecord) -> Upserted[Case]:
    """Create or update the case with ``record.receipt_number`` and its applicant; see
    :func:`cases_upsert`."""
    return cases_upsert(records=[record])[0]


class _Batch:
    """What one call of :func:`cases_upsert` has read and is about to write.

    People are kept by primary key so that a person reached both as a case's applicant and by
    A-Number is one Python object: two copies would each save half the changes.
    """

    def __init__(self, records: Sequence[CaseRecord]) -> None:
        receipts = [record.receipt_number.value for record in records]
        if len(set(receipts)) != len(receipts):
            # A caller's mistake, not the public's: the importer rejects repeats per file.
            raise ValueError("each receipt number may appear once per batch")
        wanted = {r.applicant.a_number.value for r in records if r.applicant.a_number}
        people = Person.objects.select_for_update().filter(a_number__in=wanted)
        self.people: dict[int, Person] = {person.pk: person for person in people}
        self.cases: dict[str, Case] = {}
        stored = Case.objects.select_for_update().filter(receipt_number__in=receipts)
        for found in stored.select_related("applicant"):
            found.applicant = self.people.setdefault(found.applicant_id, found.applicant)
            self.cases[found.receipt_number] = found
        self.by_a_number = {p.a_number: p for p in self.people.values() if p.a_number}
        self.history: set[tuple[int, str, dt.date]] = set()
        # Only cases whose status differs need their history read.
        moved = [
            hit.pk
            for record in records
            if (hit := self.cases.get(record.receipt_number.value)) is not None
            and (hit.status, hit.status_date) != (record.status, record.status_date)
        ]
        if moved:
            events = CaseStatusEvent.objects.filter(case_id__in=moved)
            self.history = set(events.values_list("case_id", "status", "status_date"))
        self.new_people: list[Person] = []
        self.changed_people: dict[int, Person] = {}
        self.person_fields: set[str] = set()
        self.new_cases: list[Case] = []
        self.changed_cases: list[Case] = []
        self.case_fields: set[str] = set()
        self.events: list[CaseStatusEvent] = []

    def person(self, details: PersonDetails, case: Case | None) -> tuple[Person, bool]:
        """The matched or new applicant with ``details`` applied; True when that changed it."""
        person = _person_match(details=details, case=case, by_a_number=self.by_a_number.get)
        if person is None:
            person = Person()
            _person_apply(person, details)
            self.new_people.append(person)
            changed = True
        else:
            fields = _person_apply(person, details)
            changed = bool(fields)
            if fields and person.pk is not None:
                self.changed_people[person.pk] = person
                self.person_fields.update(fields)
        if person.a_number:
            self.by_a_number[person.a_number] = person
        return person, changed

    def case(self, record: CaseRecord) -> Upserted[Case]:
        case = self.cases.get(record.receipt_number.value)
        person, person_changed = self.person(record.applicant, case)
        if case is None:
            case = Case(
                receipt_number=record.receipt_number.value,
                form=record.form,
                category=record.category,
                receipt_date=record.receipt_date,
                office=record.office,
                applicant=person,
                confidentiality=record.confidentiality,
            )
            event, _fields = _status_apply(
                case=case,
                status=record.status,
                status_date=record.status_date,
                office=record.office,
                in_history=lambda status, day: False,
            )
            assert event is not None
            self.events.append(event)
            self.new_cases.append(case)
            # A later record of this batch for the same person finds it by A-Number, and
            # this case is not looked up again (receipt numbers are unique in a batch).
            return Upserted(case, UpsertOutcome.CREATED)

        changed = []
        wanted: dict[str, object] = {
            "form_id": record.form.pk,
            "category_id": record.category.pk,
            "receipt_date": record.receipt_date,
            "office_id": record.office.pk,
            "confidentiality": confidentiality_merge(
                current=case.confidentiality, incoming=record.confidentiality
            ),
        }
        for attname, value in wanted.items():
            if getattr(case, attname) != value:
                setattr(case, attname, value)
                changed.append(attname.removesuffix("_id"))
        if case.applicant is not person:
            case.applicant = person
            changed.append("applicant")
        case_pk = case.pk
        event, status_fields = _status_apply(
            case=case,
            status=record.status,
            status_date=record.status_date,
            office=record.office,
            in_history=lambda status, day: (case_pk, status, day) in self.history,
        )
        changed.extend(status_fields)
        if changed:
            self.changed_cases.append(case)
            self.case_fields.update(changed)
        if event is not None:
            self.events.append(event)
        if changed or event is not None or person_changed:
            return Upserted(case, UpsertOutcome.UPDATED)
        return Upserted(case, UpsertOutcome.UNCHANGED)

    def save(self) -> None:
        now = timezone.now()
        # bulk_update does not run auto_now; stamp only the rows that really change.
        for person in self.changed_people.values():
            person.updated_at = now
        for case in self.changed_cases:
            case.updated_at = now
        Person.objects.bulk_create(self.new_people)
        if self.changed_people:
            fields = [*sorted(self.person_fields), "updated_at"]
            Person.objects.bulk_update(list(self.changed_people.values()), fields)
        Case.objects.bulk_create(self.new_cases)
        if self.changed_cases:
            fields = [*sorted(self.case_fields), "updated_at"]
            Case.objects.bulk_update(self.changed_cases, fields)
        CaseStatusEvent.objects.bulk_create(self.events)


@transaction.atomic
def cases_upsert(*, records: Sequence[CaseRecord]) -> list[Upserted[Case]]:
    """Create or update the cases in ``records`` and their applicants, in one transaction.

    Preconditions: each record is validated (the category belongs to the form, the status
    date is not before the receipt date nor in the future) and no receipt number appears
    twice. A new status is appended to the history; a record equal to what is stored writes
    nothing at all, so ``updated_at`` stays put. Reads and writes go by the batch (a handful
    of queries for hundreds of records), which is what keeps a large import fast.
    """
    for record in records:
        if record.category.form_id != record.form.pk:
            raise InvalidInput(_("That category does not belong to that form."))
    batch = _Batch(records)
    results = [batch.case(record) for record in records]
    batch.save()
    return results


def processing_time_months_check(months: Decimal) -> None:
    if not months.is_finite() or not MONTHS_MIN_EXCLUSIVE < months <= MONTHS_MAX:
        raise InvalidInput(_("Months must be more than 0 and at most 120."))
    if months != months.quantize(MONTHS_STEP):
        raise InvalidInput(_("Months may have one decimal place at most."))


@transaction.atomic
def processing_time_upsert(
    *,
    form: FormType,
    category: FormCategory,
    office: Office,
    months: Decimal,
    published_on: dt.date,
) -> Upserted[ProcessingTime]:
    """The figure published on ``published_on`` for a form, category and office; the same
    figure again writes nothing, a different one corrects the publication."""
    if category.form_id != form.pk:
        raise InvalidInput(_("That category does not belong to that form."))
    processing_time_months_check(months)
    months = months.quantize(MONTHS_STEP)
    existing = (
        ProcessingTime.objects.select_for_update()
        .filter(form=form, category=category, office=office, published_on=published_on)
        .first()
    )
    if existing is None:
        created = ProcessingTime.objects.create(
            form=form, category=category, office=office, months=months, published_on=published_on
        )
        return Upserted(created, UpsertOutcome.CREATED)
    if existing.months == months:
        return Upserted(existing, UpsertOutcome.UNCHANGED)
    existing.months = months
    existing.save(update_fields=["months", "updated_at"])
    return Upserted(existing, UpsertOutcome.UPDATED)
