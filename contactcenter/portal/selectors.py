"""Every read of the online account: each starts from the signed-in account, so an id that
belongs to someone else is simply not found (the same answer as an id that does not exist).

An account sees a case when it is linked to the case's applicant, or when it belongs to a
representative whose link staff approved and whose G-28 on that case was accepted.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from contactcenter.appointments.models import AppointmentRequest
from contactcenter.cases.models import Case, CaseStatusEvent, ProcessingTime
from contactcenter.cases.processing_times import (
    InquiryEligibility,
    inquiry_eligibility,
    inquiry_eligible_on,
)
from contactcenter.cases.statuses import FINAL_STATUSES, CaseStatus
from contactcenter.inquiries.models import VerifiedAs
from contactcenter.portal.errors import not_found
from contactcenter.portal.models import AccountLink, Message, RepresentativeLink, Thread, Upload
from contactcenter.servicerequests.models import ServiceRequest


@dataclass(frozen=True, slots=True)
class AccountRole:
    person_id: int | None
    representative_id: int | None  # only once approved
    representative_pending: bool

    @property
    def is_representative(self) -> bool:
        return self.representative_id is not None or self.representative_pending


def account_role(user: User) -> AccountRole:
    """Who this account is; memoised on the user object for the request."""
    cached = getattr(user, "_portal_role", None)
    if cached is not None:
        return cached
    person_id = None
    rep_id = None
    pending = False
    if user.is_authenticated:
        person_id = (
            AccountLink.objects.filter(user_id=user.pk).values_list("person_id", flat=True).first()
        )
        if person_id is None:
            rep = (
                RepresentativeLink.objects.filter(user_id=user.pk)
                .values("representative_id", "approved_at")
                .first()
            )
            if rep is not None:
                if rep["approved_at"] is not None:
                    rep_id = rep["representative_id"]
                else:
                    pending = True
    role = AccountRole(person_id, rep_id, pending)
    setattr(user, "_portal_role", role)  # noqa: B010  (a per-request memo on the user)
    return role


def account_verified_as(user: User, case: Case) -> str:
    """Who a signed-in account holder is on ``case``, which the caller found through the
    account (so the link is already checked): its applicant, or the representative."""
    role = account_role(user)
    if role.representative_id is not None and role.representative_id == case.representative_id:
        return VerifiedAs.REPRESENTATIVE
    return VerifiedAs.APPLICANT


def cases_for_user(user: User) -> QuerySet[Case]:
    role = account_role(user)
    condition = Q(pk__in=[])
    if role.person_id is not None:
        condition = Q(applicant_id=role.person_id)
    elif role.representative_id is not None:
        condition = Q(representative_id=role.representative_id, g28_accepted_on__isnull=False)
    return Case.objects.filter(condition)


def case_for_user(user: User, case_id: int) -> Case:
    case = (
        cases_for_user(user)
        .select_related("form", "category", "office", "applicant")
        .filter(pk=case_id)
        .first()
    )
    if case is None:
        raise not_found()
    return case


@dataclass(frozen=True, slots=True)
class CaseRow:
    case: Case
    # The first day a slow-case inquiry may be made; None when it does not apply (a decided
    # case, or no processing time posted). The sentence explaining it is on the case page.
    eligible_on: dt.date | None
    allowed_now: bool
    unread: int


def _current_times(cases: list[Case], today: dt.date) -> dict[tuple[int, int, int], ProcessingTime]:
    """The figure in force for every (form, category, office) among ``cases``, in one query."""
    keys = {(c.form_id, c.category_id, c.office_id) for c in cases}
    if not keys:
        return {}
    condition = Q(pk__in=[])
    for form_id, category_id, office_id in keys:
        condition |= Q(form_id=form_id, category_id=category_id, office_id=office_id)
    latest: dict[tuple[int, int, int], ProcessingTime] = {}
    for row in ProcessingTime.objects.filter(condition, published_on__lte=today).order_by(
        "-published_on"
    ):
        latest.setdefault((row.form_id, row.category_id, row.office_id), row)
    return latest


def my_cases(user: User) -> list[CaseRow]:
    """Every case of the account with its slow-case inquiry date and unread replies: a fixed
    number of queries however many cases there are."""
    today = timezone.localdate()
    cases = list(
        cases_for_user(user)
        .select_related("form")
        .only(
            "receipt_number", "receipt_date", "status", "status_date", "category_id",
            "office_id", "form__code", "form__title_en", "form__title_es",
        )
        .order_by("-receipt_date", "receipt_number")
    )  # fmt: skip
    times = _current_times(cases, today)
    unread = dict(
        Message.objects.filter(thread__user_id=user.pk, from_staff=True, read_at__isnull=True)
        .values_list("thread__case_id")
        .annotate(n=Count("pk"))
        .values_list("thread__case_id", "n")
    )
    rows = []
    for case in cases:
        posted = times.get((case.form_id, case.category_id, case.office_id))
        eligible_on = None
        if posted is not None and case.status not in FINAL_STATUSES:
            eligible_on = inquiry_eligible_on(receipt_date=case.receipt_date, months=posted.months)
        rows.append(
            CaseRow(
                case=case,
                eligible_on=eligible_on,
                allowed_now=eligible_on is not None and today >= eligible_on,
                unread=unread.get(case.pk, 0),
            )
        )
    return rows


# Statuses that come with a paper notice (receipt, appointment, request, decision, transfer).
NOTICE_STATUSES = frozenset(
    {
        CaseStatus.RECEIVED,
        CaseStatus.BIOMETRICS_SCHEDULED,
        CaseStatus.RFE_SENT,
        CaseStatus.INTERVIEW_SCHEDULED,
        CaseStatus.TRANSFERRED,
        CaseStatus.APPROVED,
        CaseStatus.DENIED,
        CaseStatus.REJECTED,
    }
)


@dataclass(frozen=True, slots=True)
class CaseDetail:
    case: Case
    history: list[CaseStatusEvent]
    notices: list[CaseStatusEvent]
    eligibility: InquiryEligibility
    threads: list[Thread]
    uploads: list[Upload]
    service_requests: list[ServiceRequest]
    appointment_requests: list[AppointmentRequest]


def case_detail(user: User, case_id: int) -> CaseDetail:
    case = case_for_user(user, case_id)
    today = timezone.localdate()
    times = _current_times([case], today)
    history = list(case.status_history.order_by("-status_date", "-id"))
    return CaseDetail(
        case=case,
        history=history,
        notices=[event for event in history if event.status in NOTICE_STATUSES],
        eligibility=inquiry_eligibility(
            receipt_date=case.receipt_date,
            status=case.status,
            processing_time=times.get((case.form_id, case.category_id, case.office_id)),
            today=today,
        ),
        threads=list(
            Thread.objects.filter(case=case, user_id=user.pk).order_by("-last_message_at")
        ),
        uploads=list(Upload.objects.filter(case=case, user_id=user.pk).order_by("-created_at")),
        service_requests=list(
            ServiceRequest.objects.filter(case=case, submitted_by="person")
            .select_related("type")
            .order_by("-created_at")
        ),
        appointment_requests=list(
            AppointmentRequest.objects.filter(inquiry__case=case)
            .select_related("office")
            .order_by("-created_at")
        ),
    )


def threads_for_user(user: User) -> QuerySet[Thread]:
    return (
        Thread.objects.filter(user_id=user.pk, case__in=cases_for_user(user))
        .select_related("case")
        .order_by("-last_message_at")
    )


def thread_for_user(user: User, thread_id: int) -> Thread:
    """A thread the account started, about a case it may still see."""
    thread = (
        Thread.objects.filter(pk=thread_id, user_id=user.pk, case__in=cases_for_user(user))
        .select_related("case")
        .first()
    )
    if thread is None:
        raise not_found()
    return thread


def upload_for_user(user: User, upload_id: int) -> Upload:
    upload = Upload.objects.filter(
        pk=upload_id, user_id=user.pk, case__in=cases_for_user(user)
    ).first()
    if upload is None:
        raise not_found()
    return upload


def service_request_for_user(user: User, case: Case, number: str) -> ServiceRequest:
    found = (
        ServiceRequest.objects.filter(case=case, number=number, submitted_by="person")
        .select_related("type", "office")
        .first()
    )
    if found is None:
        raise not_found()
    return found


def appointment_request_for_user(user: User, case: Case, request_id: int) -> AppointmentRequest:
    found = (
        AppointmentRequest.objects.filter(pk=request_id, inquiry__case=case)
        .select_related("office")
        .first()
    )
    if found is None:
        raise not_found()
    return found


def desk_threads_waiting() -> QuerySet[Thread]:
    return (
        Thread.objects.filter(awaiting_reply=True)
        .select_related("inquiry")
        .order_by("last_message_at")
    )


def desk_thread(thread_id: int) -> Thread:
    thread = Thread.objects.filter(pk=thread_id).select_related("case", "inquiry").first()
    if thread is None:
        raise not_found()
    return thread
