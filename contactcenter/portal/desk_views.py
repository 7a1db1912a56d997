"""Staff side of the secure inbox, mounted at /desk/messages/: the threads waiting for a reply,
one thread with its case, and the reply. Also the representatives waiting for approval and
Online Access Codes issued for a paper case (supervisors).

Uses the desk's own sign-in and role checks, then asks for two-step verification. Opening a
thread shows case data, so the case is read through ``cases.selectors.case_get_for_viewer``
(role check and disclosure log).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from contactcenter.audit.models import DisclosureChannel
from contactcenter.cases.selectors import case_get_for_viewer
from contactcenter.core.errors import ApplicationError, NotFound
from contactcenter.core.receipt_numbers import ReceiptNumber
from contactcenter.portal import selectors, services
from contactcenter.portal.forms import ReplyForm
from contactcenter.portal.models import RepresentativeLink
from contactcenter.portal.views import form_page
from contactcenter.staff.access import DESK_ROLES, SUPERVISOR_ROLES, staff_roles_required
from contactcenter.staff.two_step import staff_two_step_redirect


def staff_two_step_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Staff answering secure messages must have two-step verification on, and this session
    must have passed it: the desk's own sign-in asks for a password only, so a session without
    a verified code is sent to give one (allauth's page) and comes back here."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        second_step = staff_two_step_redirect(request, always=True)
        if second_step is not None:
            return second_step
        return view(request, *args, **kwargs)

    return wrapped


# These pages are mounted under /desk/ and use the desk's sign-in.
DESK_LOGIN = "desk:login"


def staff_page(roles: Iterable[str] = DESK_ROLES) -> Callable:
    """The desk's role check, then two-step verification."""
    check = staff_roles_required(roles, login_url=DESK_LOGIN)

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        return check(staff_two_step_required(view))

    return decorator


@staff_page()
def waiting(request: HttpRequest) -> HttpResponse:
    threads = selectors.desk_threads_waiting()[:200]
    return render(request, "portal/desk/waiting.html", {"threads": threads})


@staff_page()
@require_http_methods(["GET", "POST"])
def thread(request: HttpRequest, thread_id: int) -> HttpResponse:
    try:
        found = selectors.desk_thread(thread_id)
        case = case_get_for_viewer(
            viewer=request.user,
            receipt_number=ReceiptNumber.parse(found.case.receipt_number),
            channel=DisclosureChannel.SECURE_MESSAGE,
            purpose="answer a secure message",
            fields="receipt_number,status",
        )
    except NotFound:
        raise Http404 from None
    form = ReplyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.thread_reply_staff(
                actor=request.user,  # type: ignore[arg-type]
                thread=found,
                body=form.cleaned_data["body"],
            )
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Reply sent. The person was told a message is waiting."))
            return redirect("portal_desk:waiting")
    return form_page(
        request,
        "portal/desk/thread.html",
        {"thread": found, "case": case, "thread_messages": found.messages.all(), "form": form},
    )


@staff_page(SUPERVISOR_ROLES)
def representatives(request: HttpRequest) -> HttpResponse:
    pending = RepresentativeLink.objects.filter(approved_at__isnull=True).select_related(
        "representative"
    )
    return render(request, "portal/desk/representatives.html", {"pending": pending})


@staff_page(SUPERVISOR_ROLES)
@require_POST
def representative_approve(request: HttpRequest, link_id: int) -> HttpResponse:
    link = RepresentativeLink.objects.filter(pk=link_id).first()
    if link is None:
        raise Http404
    services.representative_link_approve(link=link, actor=request.user)  # type: ignore[arg-type]
    messages.success(request, _("Representative approved."))
    return redirect("portal_desk:representatives")


@staff_page(SUPERVISOR_ROLES)
@require_http_methods(["GET", "POST"])
def access_code(request: HttpRequest) -> HttpResponse:
    code = None
    error = None
    if request.method == "POST":
        try:
            case = case_get_for_viewer(
                viewer=request.user,
                receipt_number=ReceiptNumber.parse(request.POST.get("receipt_number", "")),
                channel=DisclosureChannel.DESK,
                purpose="issue an Online Access Code",
                fields="receipt_number",
            )
            _row, code = services.access_code_issue(case=case)
        except ApplicationError as problem:
            error = problem.message
    return render(
        request,
        "portal/desk/access_code.html",
        {"code": code, "error": error},
        status=400 if error else 200,
    )
