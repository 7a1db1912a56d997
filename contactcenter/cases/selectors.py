"""Reads of case data. Public reads never carry personal data; staff reads are checked and
written to the disclosure log."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from contactcenter.audit.services import disclosure_record
from contactcenter.cases.models import Case, CaseStatusEvent, ProcessingTime
from contactcenter.cases.processing_times import InquiryEligibility, inquiry_eligibility
from contactcenter.cases.statuses import status_text
from contactcenter.core.errors import ErrorCode, NotFound
from contactcenter.core.receipt_numbers import ReceiptNumber
from contactcenter.staff.roles import can_view_case_personal_data


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


def case_status_public(*, receipt_number: ReceiptNumber, language: str) -> PublicCaseStatus:
    """Public status of one case, in one query: the processing time in force for the case's
    form, category and office comes along as a subquery."""
    today = timezone.localdate()
    current = ProcessingTime.objects.filter(
        form_id=OuterRef("form_id"),
        category_id=OuterRef("category_id"),
        office_id=OuterRef("office_id"),
        published_on__lte=today,
    ).order_by("-published_on")
    row = (
        Case.objects.filter(receipt_number=receipt_number.value)
        .annotate(
            pt_months=Subquery(current.values("months")[:1]),
            pt_published_on=Subquery(current.values("published_on")[:1]),
        )
        .values(
            "receipt_number",
            "receipt_date",
            "status",
            "status_date",
            "form__code",
            "form__title_en",
            "form__title_es",
            "pt_months",
            "pt_published_on",
        )
        .first()
    )
    if row is None:
        raise CaseNotFound(
            _(
                "No case was found with receipt number %(receipt)s. Check the number on your "
                "notice and try again."
            )
            % {"receipt": receipt_number.value}
        )
    processing_time = None
    if row["pt_months"] is not None:
        processing_time = ProcessingTime(
            months=Decimal(row["pt_months"]), published_on=row["pt_published_on"]
        )
    return PublicCaseStatus(
        receipt_number=row["receipt_number"],
        form=row["form__code"],
        form_title=row["form__title_es"] if language == "es" else row["form__title_en"],
        status=row["status"],
        status_text=status_text(row["status"], language),
        status_date=row["status_date"],
        eligibility=inquiry_eligibility(
            receipt_date=row["receipt_date"],
            status=row["status"],
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
    existence. Every successful read is written to the disclosure log before it is returned.
    """
    case = (
        Case.objects.select_related("form", "category", "office", "applicant", "representative")
        .filter(receipt_number=receipt_number.value)
        .first()
    )
    if case is None or not can_view_case_personal_data(viewer, case):
        raise CaseNotFound(_("No case was found with that receipt number."))
    assert isinstance(viewer, User)
    disclosure_record(viewer=viewer, case=case, channel=channel, purpose=purpose, fields=fields)
    return case


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
    return list(latest.values())
