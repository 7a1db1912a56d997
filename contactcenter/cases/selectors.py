"""Reads of case data. Public reads never carry personal data; staff reads are checked and
written to the disclosure log."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import AnonymousUser, User
from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from contactcenter.audit.models import DisclosureOutcome
from contactcenter.audit.services import disclosure_record, disclosures_record
from contactcenter.cases.access import can_view_case_personal_data, person_is_protected
from contactcenter.cases.models import (
    Case,
    CaseStatusEvent,
    FormCategory,
    FormType,
    ProcessingTime,
)
from contactcenter.cases.processing_times import InquiryEligibility, inquiry_eligibility
from contactcenter.cases.statuses import status_text
from contactcenter.core.a_numbers import ANumber
from contactcenter.core.errors import ApplicationError, ErrorCode, InvalidInput, NotFound
from contactcenter.core.receipt_numbers import ReceiptNumber
from contactcenter.offices.models import Office
from contactcenter.people.models import Person
from contactcenter.staff.models import Role
from contactcenter.staff.roles import user_roles


class CaseNotFound(NotFound):
    code = ErrorCode.CASE_NOT_FOUND


@dataclass(frozen=True, slots=True)
class PublicCaseStatus:
    """What anyone holding a receipt number may learn: nothing about the person."""

    receipt_number: str
    form: str
    form_title: str
    status: str
    status_text: str
    status_date: dt.date
    eligibility: InquiryEligibility
    language: str


# The busiest read in the product, written once as SQL: building the equivalent ORM query
# (two correlated subqueries) cost more than running it. The processing time in force for the
# case's form, category and office comes along in the same statement.
_PT_SUBQUERY = """(SELECT p.{column} FROM {pt} p
    WHERE p.form_id = c.form_id AND p.category_id = c.category_id AND p.office_id = c.office_id
      AND p.published_on <= %s
    ORDER BY p.published_on DESC LIMIT 1)"""
_CASE_STATUS_SQL = f"""
SELECT c.receipt_number, c.receipt_date, c.status, c.status_date,
       f.code, f.title_en, f.title_es,
       {_PT_SUBQUERY.format(column="months", pt=ProcessingTime._meta.db_table)},
       {_PT_SUBQUERY.format(column="published_on", pt=ProcessingTime._meta.db_table)}
FROM {Case._meta.db_table} c JOIN {FormType._meta.db_table} f ON f.id = c.form_id
WHERE c.receipt_number = %s
"""  # noqa: S608  (only table names from the models are interpolated; every value is bound)


def _as_date(value: object) -> dt.date:
    # SQLite hands back subquery results without their declared type, as ISO text.
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def case_status_public(*, receipt_number: ReceiptNumber, language: str) -> PublicCaseStatus:
    """Public status of one case, in one query, with nothing about the person."""
    today = timezone.localdate()
    with connection.cursor() as cursor:
        cursor.execute(_CASE_STATUS_SQL, [today, today, receipt_number.value])
        row = cursor.fetchone()
    if row is None:
        raise CaseNotFound(
            _(
                "No case was found with receipt number %(receipt)s. Check the number on your "
                "notice and try again."
            )
            % {"receipt": receipt_number.value}
        )
    (receipt, receipt_date, status, status_date, form_code, title_en, title_es, months,
     published_on) = row  # fmt: skip
    processing_time = None
    if months is not None:
        processing_time = ProcessingTime(
            months=Decimal(str(months)), published_on=_as_date(published_on)
        )
    return PublicCaseStatus(
        receipt_number=receipt,
        form=form_code,
        form_title=title_es if language == "es" else title_en,
        status=status,
        status_text=status_text(status, language),
        status_date=_as_date(status_date),
        eligibility=inquiry_eligibility(
            receipt_date=_as_date(receipt_date),
            status=status,
            processing_time=processing_time,
            today=today,
        ),
        language=language,
    )


def case_status_history_public(*, receipt_number: ReceiptNumber) -> list[CaseStatusEvent]:
    return list(
        CaseStatusEvent.objects.filter(case__receipt_number=receipt_number.value).order_by(
            "status_date", "id"
        )
    )


def case_get_for_viewer(
    *,
    viewer: User | AnonymousUser,
    receipt_number: ReceiptNumber,
    channel: str,
    purpose: str,
    fields: str = "name,date_of_birth,a_number,address,contact",
) -> Case:
    """A case with its applicant's personal data, for a member of staff allowed to see it.

    Missing and forbidden look the same (``CaseNotFound``) so nobody can probe for a case's
    existence. Every successful read is written to the disclosure log before it is returned,
    and so is every refused one (outcome "refused", no fields): a Tier 1 agent asking for a
    VAWA, T or U case, an office asking for another office's case.
    """
    return _case_for_viewer(
        viewer=viewer, receipt_number=receipt_number, channel=channel, purpose=purpose,
        fields=fields, record_refusal=True,
    )  # fmt: skip


def _refused(*, viewer: User | AnonymousUser, case: Case, channel: str, purpose: str) -> None:
    """A member of staff was refused this case's personal data: one row naming the case, the
    viewer, the channel and the stated purpose, and nothing read. A signed-out visitor reaches
    no path that asks, and names nobody, so gets no row."""
    if isinstance(viewer, User):
        disclosure_record(
            viewer=viewer, case_id=case.pk, channel=channel, purpose=purpose, fields="",
            outcome=DisclosureOutcome.REFUSED,
        )  # fmt: skip


def _case_for_viewer(
    *,
    viewer: User | AnonymousUser,
    receipt_number: ReceiptNumber,
    channel: str,
    purpose: str,
    fields: str,
    record_refusal: bool,
) -> Case:
    case = (
        Case.objects.select_related("form", "category", "office", "applicant", "representative")
        .filter(receipt_number=receipt_number.value)
        .first()
    )
    if case is None:
        raise CaseNotFound(_("No case was found with that receipt number."))
    if not can_view_case_personal_data(viewer, case):
        if record_refusal:
            _refused(viewer=viewer, case=case, channel=channel, purpose=purpose)
        raise CaseNotFound(_("No case was found with that receipt number."))
    assert isinstance(viewer, User)
    disclosure_record(
        viewer=viewer, case_id=case.pk, channel=channel, purpose=purpose, fields=fields
    )
    return case


@dataclass(frozen=True, slots=True)
class CaseForWork:
    """A case as a member of staff working something on it sees it: always its number, form
    and status; the case with its applicant's personal data only when their role allows."""

    receipt_number: str
    form: str
    status: str
    case: Case | None


SUMMARY_FIELDS = "receipt_number,form,status"


def case_for_work(*, viewer: User, case_id: int, channel: str, purpose: str) -> CaseForWork:
    """The case a piece of work (a service request an office works) is about. An office that
    only works the request (a field office rescheduling an interview for a case another office
    holds) sees the number, form and status and nothing personal; either way the read is one
    disclosure-log row, saying which fields were shown."""
    receipt_number, form, status = Case.objects.filter(pk=case_id).values_list(
        "receipt_number", "form__code", "status"
    )[0]
    try:
        # Not a refusal: working a request for a case held elsewhere is the office's job, and
        # the summary it is shown instead is logged below.
        case: Case | None = _case_for_viewer(
            viewer=viewer, receipt_number=ReceiptNumber.parse(receipt_number), channel=channel,
            purpose=purpose, fields="name,date_of_birth,a_number,address,contact",
            record_refusal=False,
        )  # fmt: skip
    except CaseNotFound:
        disclosure_record(
            viewer=viewer, case_id=case_id, channel=channel, purpose=purpose,
            fields=SUMMARY_FIELDS,
        )  # fmt: skip
        case = None
    return CaseForWork(receipt_number=receipt_number, form=form, status=status, case=case)


@dataclass(frozen=True, slots=True)
class IdentityRecord:
    """What a person's answers to the identity questions are checked against, on the server.

    Never shown to the member of staff who asks: only whether the answers matched."""

    case: Case
    date_of_birth: str  # ISO date, or "" when none is on file
    zip_code: str
    a_number_last4: str
    # The representative's bar number when a G-28 on the case is accepted, else "".
    bar_number: str


IDENTITY_FIELDS = "date_of_birth,zip_code,a_number,bar_number"


def case_identity_record_for_check(
    *, viewer: User | AnonymousUser, receipt_number: ReceiptNumber, channel: str, purpose: str
) -> IdentityRecord:
    """The record a caller's identity answers are checked against, for a member of staff who
    may see the case.

    The viewer's right is checked before anything is compared, so a case the viewer may not
    see (Tier 1 and a VAWA, T or U case) gives the same ``CaseNotFound`` as a number that does
    not exist: no question is asked and nothing tells the two apart. Each record handed out is
    one disclosure-log row, though the answers themselves are never shown; so is each refusal
    (outcome "refused"), which the person asking cannot tell from a missing case."""
    case = (
        Case.objects.select_related("applicant", "representative")
        .filter(receipt_number=receipt_number.value)
        .first()
    )
    if case is None:
        raise CaseNotFound(_("No case was found with that receipt number."))
    if not can_view_case_personal_data(viewer, case):
        _refused(viewer=viewer, case=case, channel=channel, purpose=purpose)
        raise CaseNotFound(_("No case was found with that receipt number."))
    assert isinstance(viewer, User)
    disclosure_record(
        viewer=viewer, case_id=case.pk, channel=channel, purpose=purpose, fields=IDENTITY_FIELDS
    )
    applicant = case.applicant
    representative = case.representative
    return IdentityRecord(
        case=case,
        date_of_birth=applicant.date_of_birth.isoformat() if applicant.date_of_birth else "",
        zip_code=applicant.zip_code or "",
        a_number_last4=(applicant.a_number or "")[-4:],
        bar_number=(representative.bar_number if representative and case.g28_accepted_on else ""),
    )


def case_contact_email_for_service(
    *, receipt_number: ReceiptNumber, service: str, channel: str, purpose: str
) -> str:
    """The email address on file for the applicant of a case, for a service of the contact
    center to send something to (never to show to whoever asked), or "" when there is none.

    For a caller who only knows a receipt number: a protected case (VAWA, T, U), or any case
    of a person who has one, gives no address. Logged as ``person_contact_for_service`` does."""
    case = (
        Case.objects.select_related("applicant").filter(receipt_number=receipt_number.value).first()
    )
    if case is None:
        return ""
    return person_contact_for_service(
        person=case.applicant, case=case, fields=("email",), service=service, channel=channel,
        purpose=purpose, for_verified_person=False,
    ).email  # fmt: skip


@dataclass(frozen=True, slots=True)
class ContactOnFile:
    """A person's contact details on record, for a service to use for them, never to show."""

    email: str = ""
    phone: str = ""
    zip_code: str = ""

    def __bool__(self) -> bool:
        return bool(self.email or self.phone or self.zip_code)


CONTACT_FIELDS = ("email", "phone", "zip_code")


def person_contact_for_service(
    *,
    person: Person,
    case: Case | None,
    fields: Sequence[str],
    service: str,
    channel: str,
    purpose: str,
    for_verified_person: bool,
) -> ContactOnFile:
    """The contact details on record for a person, for a service of the contact center to use
    on that person's behalf (telling them there is news, routing their request to the field
    office for their ZIP code), never to show to whoever asked.

    ``for_verified_person``: the service acts for someone who proved they are this person (their
    signed-in account, the identity questions, their own appointment). When False (a caller
    who only knows a receipt number), a person with any VAWA, T or U case gets nothing, so
    nobody can have mail sent to a protected person, and the refusal is a disclosure-log row
    (outcome "refused", no fields). Each read that hands anything out is one
    disclosure-log row naming ``service`` and the fields read, against ``case`` (else the
    person's latest case); with no case to record it against, nothing is handed out."""
    unknown = set(fields) - set(CONTACT_FIELDS)
    if unknown:
        raise ValueError(f"not contact fields: {sorted(unknown)}")
    if not for_verified_person:
        if case is not None and case.applicant_id == person.pk:
            protected = person_is_protected(case)
        else:
            others = Case.objects.filter(applicant_id=person.pk).exclude(confidentiality="")
            protected = others.exists()
        if protected:
            # A refused read of a protected person: on record, naming the service and the
            # case asked about (else the person's latest), with nothing read.
            asked_about = case or (
                Case.objects.filter(applicant_id=person.pk).order_by("-receipt_date", "-id").first()
            )
            if asked_about is not None:
                disclosure_record(
                    system_actor=service, case_id=asked_about.pk, channel=channel,
                    purpose=purpose, fields="", outcome=DisclosureOutcome.REFUSED,
                )  # fmt: skip
            return ContactOnFile()
    if case is None:
        case = Case.objects.filter(applicant_id=person.pk).order_by("-receipt_date", "-id").first()
        if case is None:
            return ContactOnFile()
    found = {name: (getattr(person, name) or "").strip() for name in fields}
    contact = ContactOnFile(**found)
    if contact:
        disclosure_record(
            system_actor=service, case_id=case.pk, channel=channel, purpose=purpose,
            fields=",".join(name for name in fields if found[name]),
        )  # fmt: skip
    return contact


def processing_times_current(
    *, form: str | None = None, category: str | None = None, office: str | None = None
) -> list[ProcessingTime]:
    """The figure in force today for each form, category and office matching the filters."""
    today = timezone.localdate()
    rows: QuerySet[ProcessingTime] = ProcessingTime.objects.select_related(
        "form", "category", "office"
    ).filter(published_on__lte=today)
    if form:
        rows = rows.filter(form__code__iexact=form)
    if category:
        rows = rows.filter(category__code__iexact=category)
    if office:
        rows = rows.filter(office__code__iexact=office)
    latest: dict[tuple[int, int, int], ProcessingTime] = {}
    for row in rows.order_by("form__code", "category__code", "office__code", "-published_on"):
        latest.setdefault((row.form_id, row.category_id, row.office_id), row)
    if not latest:
        _catalogue_codes_known(form=form, category=category, office=office)
    return list(latest.values())


def _catalogue_codes_known(*, form: str | None, category: str | None, office: str | None) -> None:
    """Raises ``NotFound`` naming the first filter that is no code of the catalogue: a form
    nobody files ("I-999") is a mistake to point out, not an empty list of figures."""
    checks = (
        (form, FormType.objects, _("No form has the code %(code)s.")),
        (category, FormCategory.objects, _("No filing category has the code %(code)s.")),
        (office, Office.objects, _("No office has the code %(code)s.")),
    )
    for code, objects, message in checks:
        if code and not objects.filter(code__iexact=code).exists():
            raise NotFound(message % {"code": code})


# --- A person's records: the Privacy Act accounting and the records export ------------------

RECORDS_ROLES = frozenset({Role.SUPERVISOR, Role.ADMIN})


class PersonNotFound(NotFound):
    code = ErrorCode.NOT_FOUND


@dataclass(frozen=True, slots=True)
class PersonRecords:
    """A person and their cases, read for a Privacy Act or FOIA answer about them."""

    person: Person
    cases: list[Case]


def person_find_for_records(*, viewer: User | None, query: str) -> Person:
    """The person a receipt number (their case's applicant) or an A-Number names, for the
    accounting and export pages. Nothing personal is returned that the next call does not
    log; missing and not allowed give the same answer."""
    if viewer is not None and not user_roles(viewer) & RECORDS_ROLES:
        raise PersonNotFound(_("No person was found with that number."))
    text = (query or "").strip()
    person = None
    try:
        receipt = ReceiptNumber.parse(text)
    except ApplicationError:
        receipt = None
    if receipt is not None:
        person = Person.objects.filter(cases__receipt_number=receipt.value).first()
    else:
        try:
            a_number = ANumber.parse(text)
        except ApplicationError:
            raise InvalidInput(
                _("Enter a receipt number (three letters and ten digits) or an A-Number.")
            ) from None
        person = Person.objects.filter(a_number=a_number.value).first()
    if person is None:
        raise PersonNotFound(_("No person was found with that number."))
    return person


def person_records_for_viewer(
    *,
    viewer: User | None,
    system_actor: str = "",
    person_id: int,
    channel: str,
    purpose: str,
    fields: str,
) -> PersonRecords:
    """A person and all their cases, for a supervisor or administrator answering a Privacy
    Act request (the accounting of disclosures, an export of the person's records), or for a
    command run on the server (``system_actor`` names it). Protected people included: these
    roles may see them. Each case is one disclosure-log row with ``purpose`` and ``fields``, so
    looking at the accounting or exporting the records is on record too."""
    if viewer is None and not system_actor.strip():
        raise ValueError("a records read names a viewer or a system actor")
    if viewer is not None and not user_roles(viewer) & RECORDS_ROLES:
        raise PersonNotFound(_("No person was found with that number."))
    person = Person.objects.filter(pk=person_id).first()
    if person is None:
        raise PersonNotFound(_("No person was found with that number."))
    cases = list(
        Case.objects.select_related("form", "office")
        .filter(applicant_id=person.pk)
        .order_by("receipt_date", "id")
    )
    for case in cases:
        disclosure_record(
            viewer=viewer, system_actor=system_actor, case_id=case.pk, channel=channel,
            purpose=purpose, fields=fields,
        )  # fmt: skip
    return PersonRecords(person=person, cases=cases)


def cases_contact_history_disclose(
    *, viewer: User | AnonymousUser, case_ids: Sequence[int], channel: str, purpose: str
) -> None:
    """Before a supervisor or administrator is shown the contacts of many cases at once (the
    journeys behind an operations figure): the role is checked, then one disclosure-log row
    per case is written in one statement, naming ``purpose`` and the contact history as what
    was shown. These roles may see every case, protected people's included, so nothing is
    left out; anyone else is refused before anything is read."""
    if not isinstance(viewer, User) or not user_roles(viewer) & RECORDS_ROLES:
        raise ApplicationError(
            _("Only supervisors and administrators may open contact journeys."),
            code=ErrorCode.PERMISSION_DENIED, http_status=403,
        )  # fmt: skip
    disclosures_record(
        viewer=viewer, case_ids=case_ids, channel=channel, purpose=purpose,
        fields="contact_history",
    )  # fmt: skip
