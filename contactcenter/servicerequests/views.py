"""The office work queue, and a small page for Tier 1 and Tier 2 to create a request.

Thin views: each parses input, calls one selector or service and renders. An
``ApplicationError`` becomes a message on the page and, since every service is one
transaction, changes nothing. A request of another office is a 404, the same as a missing one.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from contactcenter.core.errors import ApplicationError, InvalidInput, NotFound
from contactcenter.core.languages import active_language
from contactcenter.inquiries.models import InquiryState
from contactcenter.servicerequests import forms, selectors, services
from contactcenter.servicerequests.evidence import evidence_path, evidence_uploads_read
from contactcenter.servicerequests.models import Rule
from contactcenter.servicerequests.request_types import details_readable
from contactcenter.staff.access import STAFF_ROLES, staff_roles_required
from contactcenter.staff.models import Role

CREATE_ROLES = frozenset({Role.TIER1, Role.TIER2, Role.SUPERVISOR, Role.ADMIN})
OFFICE_PAGE_ROLES = frozenset({Role.OFFICE_STAFF})


def _office_page(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Any member of staff, after two-step verification; the selectors then decide whose
    office it is, and their refusals become 403 (not office staff) and 404 (not found)."""

    @staff_roles_required(STAFF_ROLES)
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponseBase:
        try:
            return view(request, *args, **kwargs)
        except selectors.NotOfficeStaff:
            raise PermissionDenied from None
        except selectors.ServiceRequestNotFound:
            raise Http404 from None

    # Only office staff get past the selectors: sign-in sends no one else here.
    wrapped.staff_roles = OFFICE_PAGE_ROLES  # type: ignore[attr-defined]
    return wrapped


@require_GET
@_office_page
def office_queue_page(request: HttpRequest) -> HttpResponse:
    rows = selectors.office_queue(viewer=request.user)
    return render(
        request,
        "servicerequests/queue.html",
        {"rows": rows, "language": active_language(), "breaches": sum(r.breached for r in rows)},
    )


@require_GET
@_office_page
def detail(request: HttpRequest, number: str) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    service_request = selectors.service_request_for_office(viewer=user, number=number)
    language = active_language()
    offices = selectors.transfer_offices(request=service_request, language=language)
    return render(
        request,
        "servicerequests/detail.html",
        {
            "sr": service_request,
            "case": selectors.service_request_case_for_office(viewer=user, request=service_request),
            "history": selectors.service_request_history(request=service_request),
            "evidence": selectors.service_request_evidence(request=service_request),
            "details": details_readable(service_request.details, language),
            "person_language": _language_name(service_request.language),
            "language": language,
            "breached": service_request.due_at < timezone.now(),
            "is_expedite": service_request.type.rule == Rule.EXPEDITE,
            "is_address": service_request.type.rule == Rule.CHANGE_OF_ADDRESS,
            "reply_form": forms.ReplyForm(),
            "note_form": forms.NoteForm(),
            "transfer_form": forms.TransferForm(offices=offices, language=language),
            "decision_form": forms.DecisionForm(),
        },
    )


def _run_action(request: HttpRequest, user: User, sr, action: str) -> str:
    post = request.POST
    if action == "open":
        services.service_request_open(request=sr, actor=user)
        return _("You opened the request.")
    if action == "reply":
        event = services.service_request_reply(request=sr, actor=user, body=post.get("body", ""))
        if event.data.get("notified"):
            return _("Your answer was saved and the person was told.")
        return _("Your answer was saved, but the person left no email or phone: call them.")
    if action == "resolve":
        services.service_request_resolve(request=sr, actor=user, note=post.get("note", ""))
        return _("The request is resolved.")
    if action == "transfer":
        office = _transfer_office(sr, post.get("office", ""))
        services.service_request_transfer(
            request=sr, actor=user, to_office=office, reason=post.get("reason", "")
        )
        return _("The request was sent to %(office)s.") % {"office": office.name(active_language())}
    if action in ("approve", "deny"):
        services.service_request_expedite_decide(
            request=sr, actor=user, approve=action == "approve", reason=post.get("reason", "")
        )
        return _("The decision was recorded and the case status updated.")
    if action == "verify-address":
        services.service_request_address_verify(request=sr, actor=user, note=post.get("note", ""))
        return _("The address was updated on the person's record.")
    raise Http404


def _transfer_office(sr, code: str):
    """The office chosen in the picker: one the request may go to, not the one it is at."""
    code = code.strip().upper()
    if not code:
        raise InvalidInput(_("Choose the office to send the request to."))
    if code == sr.office.code.upper():
        raise InvalidInput(_("The request is already at that office: choose another."))
    offices = selectors.transfer_offices(request=sr, language=active_language())
    office = next((o for o in offices if o.code.upper() == code), None)
    if office is None:
        raise InvalidInput(_("That office does not take service requests: choose from the list."))
    return office


@require_POST
@_office_page
def action(request: HttpRequest, number: str, action: str) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    service_request = selectors.service_request_for_office(viewer=user, number=number)
    try:
        done = _run_action(request, user, service_request, action)
    except ApplicationError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, done)
        if action == "transfer":  # no longer this office's to see
            return redirect("servicerequests:queue")
    return redirect("servicerequests:detail", number=service_request.number)


@require_GET
@_office_page
def evidence(request: HttpRequest, number: str, file_id: int) -> HttpResponseBase:
    service_request = selectors.service_request_for_office(viewer=request.user, number=number)
    files = {f.pk: f for f in selectors.service_request_evidence(request=service_request)}
    stored = files.get(file_id)
    if stored is None:
        raise Http404
    response = FileResponse(
        open(evidence_path(stored.path), "rb"),  # noqa: SIM115 (FileResponse closes it)
        content_type=stored.content_type,
        as_attachment=True,
        filename=f"{service_request.number}-{stored.pk}.{stored.path.rsplit('.', 1)[-1]}",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "POST"])
@staff_roles_required(CREATE_ROLES)
def create(request: HttpRequest, reference: str) -> HttpResponse:
    """Tier 1 or Tier 2 creates a request from the inquiry they are working on, on any
    channel once the person is verified: first the kind (``?kind=``), then only that kind's
    details. A refusal shows the form again with everything typed, and changes nothing."""
    user = request.user
    assert isinstance(user, User)
    try:
        inquiry = selectors.inquiry_for_request_creation(viewer=user, reference_number=reference)
    except NotFound:
        raise Http404 from None
    language = active_language()
    blocked = ""
    if inquiry.state == InquiryState.CLOSED:
        blocked = _("This inquiry is closed.")
    elif not inquiry.is_verified:
        blocked = _("Verify the person's identity before creating a request.")
    if blocked:  # said before anything is typed, not after
        return render(
            request,
            "servicerequests/create_kind.html",
            {"inquiry": inquiry, "kinds": [], "error": blocked},
            status=400 if request.method == "POST" else 200,
        )
    kinds = selectors.request_types_for_inquiry(viewer=user, inquiry=inquiry)
    wanted = request.POST.get("type_code") if request.method == "POST" else None
    wanted = wanted or request.GET.get("kind", "")
    request_type = next((kind for kind in kinds if kind.code == wanted), None)
    context: dict[str, object] = {"inquiry": inquiry, "kinds": kinds, "language": language}
    if request_type is None:
        # The first step: choose the kind. An unknown kind is said plainly.
        if wanted:
            context["error"] = _("That is not a kind of service request you can create here.")
        status = 400 if wanted and request.method == "POST" else 200
        return render(request, "servicerequests/create_kind.html", context, status=status)
    form = forms.DetailsForm(
        request.POST if request.method == "POST" else None,
        request.FILES or None,
        request_type=request_type,
        language=language,
        evidence=request_type.rule == Rule.EXPEDITE,
    )
    context |= {"form": form, "request_type": request_type}
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            upload = form.cleaned_data.get("evidence")
            try:
                files = evidence_uploads_read([upload] if upload else [])
                created = services.service_request_create(
                    inquiry=inquiry,
                    actor=user,
                    type_code=request_type.code,
                    details=form.details(),
                    evidence=files,
                    reply_channel=form.cleaned_data.get("reply_channel") or None,
                )
            except ApplicationError as error:
                form.error_place(error.extra.get("field"), str(error.message))
                status = error.http_status
            else:
                context |= {
                    "created": created,
                    "spoken": services.number_spoken(created.request.number),
                    "person_language": _language_name(inquiry.language),
                }
                status = 201
    return render(request, "servicerequests/create.html", context, status=status)


def _language_name(code: str) -> str:
    return {"en": "English", "es": "Español"}.get(code, code)
