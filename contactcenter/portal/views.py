"""The online account ("My cases", the secure inbox, requests and uploads).

Each view reads through ``selectors`` (which start from the signed-in account) and writes
through ``services``; an id that is not this account's answers 404.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from allauth.mfa.utils import is_mfa_enabled
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from contactcenter.appointments.reasons import reason_get
from contactcenter.core.errors import ApplicationError, NotFound
from contactcenter.core.languages import active_language
from contactcenter.core.rate_limits import rate_limit_hit
from contactcenter.portal import selectors, services
from contactcenter.portal.forms import (
    AccessCodeForm,
    AppointmentForm,
    EvidenceForm,
    ReplyForm,
    RepresentativeForm,
    ThreadForm,
    service_request_form,
)
from contactcenter.servicerequests.evidence import evidence_path, evidence_uploads_read
from contactcenter.servicerequests.models import Rule, ServiceRequestType, Submitter


def account_required(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Signed-in public accounts only. A representative must have two-step verification on
    before seeing any case; a NotFound from a selector becomes a plain 404."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("account_login"))
        role = selectors.account_role(request.user)
        if role.is_representative and not is_mfa_enabled(request.user):
            messages.warning(
                request,
                _("Representatives must turn on two-step verification before seeing cases."),
            )
            return redirect("mfa_activate_totp")
        try:
            return view(request, *args, **kwargs)
        except NotFound:
            raise Http404 from None

    return wrapped


def _form_error(form, error: ApplicationError) -> None:
    form.add_error(None, error.message)


def form_page(request: HttpRequest, template: str, context: dict) -> HttpResponse:
    """A page with a form: 400 when a POST came back to it (refused or invalid), else 200."""
    return render(request, template, context, status=400 if request.method == "POST" else 200)


@account_required
def home(request: HttpRequest) -> HttpResponse:
    """ "My cases": every case with its status, processing time and slow-case inquiry date."""
    role = selectors.account_role(request.user)  # type: ignore[arg-type]
    rows = selectors.my_cases(request.user)  # type: ignore[arg-type]
    return render(
        request,
        "portal/home.html",
        {
            "rows": rows,
            "role": role,
            "link_form": AccessCodeForm(),
            "rep_form": RepresentativeForm(),
            "mfa_enabled": is_mfa_enabled(request.user),
            "language": active_language(),
        },
    )


@account_required
@require_http_methods(["GET", "POST"])
def link_case(request: HttpRequest) -> HttpResponse:
    form = AccessCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            rate_limit_hit(
                scope="portal-access-code",
                key=str(request.user.pk),
                limit=10,
                window_seconds=3600,
            )
            case = services.access_code_redeem(
                user=request.user,  # type: ignore[arg-type]
                receipt_number=form.cleaned_data["receipt_number"],
                code=form.cleaned_data["code"],
            )
        except ApplicationError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("Your case is now in your account."))
            return redirect("portal:case", case_id=case.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "portal/link.html", {"form": form}, status=status)


@account_required
@require_POST
def representative_request(request: HttpRequest) -> HttpResponse:
    form = RepresentativeForm(request.POST)
    if form.is_valid():
        try:
            services.representative_link_request(
                user=request.user,  # type: ignore[arg-type]
                bar_number=form.cleaned_data["bar_number"],
            )
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _(
                    "Thank you. Staff will check your G-28 records; your clients' cases appear "
                    "here once they approve."
                ),
            )
    return redirect("portal:home")


@account_required
def case(request: HttpRequest, case_id: int) -> HttpResponse:
    detail = selectors.case_detail(request.user, case_id)  # type: ignore[arg-type]
    language = active_language()
    office = detail.case.office
    return render(
        request,
        "portal/case.html",
        {
            "detail": detail,
            "c": detail.case,
            "language": language,
            "office_name": office.name(language) if office else "",
            "rfe_open": detail.case.status in services.RFE_STATUSES,
            "request_types": _online_types(slow_case_allowed=detail.eligibility.allowed_now),
        },
    )


# An accommodation at an appointment is asked for through the appointment request, which the
# case page offers on its own line; listing the service request too would offer it twice.
_OFFERED_ELSEWHERE = {"appointment-accommodation"}


def _online_types(*, slow_case_allowed: bool = True) -> list[ServiceRequestType]:
    """The requests a person may make online about a case, without the ones that do not
    apply to it now (a slow-case request for a case within its processing time)."""
    return [
        t
        for t in ServiceRequestType.objects.filter(active=True).order_by("code")
        if Submitter.PERSON in t.submitters
        and "secure_message" in t.channels
        and t.code not in _OFFERED_ELSEWHERE
        and (slow_case_allowed or t.rule != Rule.PROCESSING_TIME)
    ]


@account_required
@require_http_methods(["GET", "POST"])
def ask(request: HttpRequest, case_id: int) -> HttpResponse:
    found = selectors.case_for_user(request.user, case_id)  # type: ignore[arg-type]
    form = ThreadForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            thread = services.thread_start(
                user=request.user,  # type: ignore[arg-type]
                case=found,
                subject=form.cleaned_data["subject"],
                body=form.cleaned_data["body"],
                language=active_language(),
            )
        except ApplicationError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("Your message was sent."))
            return redirect("portal:thread", thread_id=thread.pk)
    return form_page(request, "portal/ask.html", {"form": form, "c": found})


@account_required
def inbox(request: HttpRequest) -> HttpResponse:
    threads = selectors.threads_for_user(request.user)  # type: ignore[arg-type]
    return render(request, "portal/inbox.html", {"threads": threads})


@account_required
@require_http_methods(["GET", "POST"])
def thread(request: HttpRequest, thread_id: int) -> HttpResponse:
    found = selectors.thread_for_user(request.user, thread_id)  # type: ignore[arg-type]
    form = ReplyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.thread_message_add(
                user=request.user,  # type: ignore[arg-type]
                thread=found,
                body=form.cleaned_data["body"],
                language=active_language(),
            )
        except ApplicationError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("Your message was sent."))
            return redirect("portal:thread", thread_id=found.pk)
    services.thread_mark_read(thread=found)
    return form_page(
        request,
        "portal/thread.html",
        {"thread": found, "thread_messages": found.messages.all(), "form": form},
    )


@account_required
@require_http_methods(["GET", "POST"])
def evidence(request: HttpRequest, case_id: int) -> HttpResponse:
    found = selectors.case_for_user(request.user, case_id)  # type: ignore[arg-type]
    form = EvidenceForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            files = evidence_uploads_read(request.FILES.getlist("evidence_files"))
            services.rfe_response_upload(
                user=request.user,  # type: ignore[arg-type]
                case=found,
                files=files,
                label=form.cleaned_data["label"],
            )
        except ApplicationError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("We received your files."))
            return redirect("portal:case", case_id=found.pk)
    return form_page(
        request,
        "portal/evidence.html",
        {"form": form, "c": found, "rfe_open": found.status in services.RFE_STATUSES},
    )


@account_required
def upload_download(request: HttpRequest, upload_id: int) -> FileResponse:
    upload = selectors.upload_for_user(request.user, upload_id)  # type: ignore[arg-type]
    path = evidence_path(upload.stored_path)
    response = FileResponse(open(path, "rb"), content_type=upload.content_type)  # noqa: SIM115
    response["Content-Disposition"] = f'attachment; filename="upload-{upload.pk}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@account_required
@require_http_methods(["GET", "POST"])
def service_request_new(request: HttpRequest, case_id: int, type_code: str) -> HttpResponse:
    found = selectors.case_for_user(request.user, case_id)  # type: ignore[arg-type]
    request_type = next((t for t in _online_types() if t.code == type_code), None)
    if request_type is None:
        raise Http404
    form = service_request_form(
        request_type, request.POST or None, request.FILES or None, language=active_language()
    )
    if request.method == "POST" and form.is_valid():
        details = {
            name: value
            for name, value in form.cleaned_data.items()
            if name not in ("reply_channel", "evidence_files") and value
        }
        try:
            evidence = evidence_uploads_read(request.FILES.getlist("evidence_files"))
            created = services.service_request_online(
                user=request.user,  # type: ignore[arg-type]
                case=found,
                type_code=type_code,
                details=details,
                language=active_language(),
                reply_channel=form.cleaned_data.get("reply_channel") or None,
                evidence=evidence,
            )
        except ApplicationError as error:
            _form_error(form, error)
        else:
            messages.success(
                request,
                _("Your request was received. Its number is %(number)s.")
                % {"number": created.request.number},
            )
            return redirect(
                "portal:service-request", case_id=found.pk, number=created.request.number
            )
    return form_page(
        request,
        "portal/service_request_new.html",
        {"form": form, "c": found, "request_type": request_type, "language": active_language()},
    )


@account_required
def service_request_detail(request: HttpRequest, case_id: int, number: str) -> HttpResponse:
    found = selectors.case_for_user(request.user, case_id)  # type: ignore[arg-type]
    item = selectors.service_request_for_user(request.user, found, number)  # type: ignore[arg-type]
    return render(
        request,
        "portal/service_request.html",
        {"c": found, "item": item, "language": active_language()},
    )


@account_required
@require_http_methods(["GET", "POST"])
def appointment_new(request: HttpRequest, case_id: int) -> HttpResponse:
    found = selectors.case_for_user(request.user, case_id)  # type: ignore[arg-type]
    form = AppointmentForm(request.POST or None, language=active_language())
    if request.method == "POST" and form.is_valid():
        try:
            created = services.appointment_request_online(
                user=request.user,  # type: ignore[arg-type]
                case=found,
                reason=form.cleaned_data["reason"],
                zip_code=form.cleaned_data["zip_code"],
                accommodations=form.cleaned_data["accommodations"],
                accommodation_note=form.cleaned_data["accommodation_note"],
                details=form.cleaned_data["details"],
                language=active_language(),
            )
        except ApplicationError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("Your appointment request was received."))
            return redirect("portal:appointment", case_id=found.pk, request_id=created.pk)
    return form_page(request, "portal/appointment_new.html", {"form": form, "c": found})


@account_required
def appointment_detail(request: HttpRequest, case_id: int, request_id: int) -> HttpResponse:
    found = selectors.case_for_user(request.user, case_id)  # type: ignore[arg-type]
    item = selectors.appointment_request_for_user(
        request.user,  # type: ignore[arg-type]
        found,
        request_id,
    )
    reason = reason_get(item.reason)
    return render(
        request,
        "portal/appointment.html",
        {
            "c": found,
            "item": item,
            "reason_title": reason.title(active_language()) if reason else item.reason,
            "office_name": item.office.name(active_language()),
        },
    )
