"""The mail room's staff pages, in the desk's layout, under ``/desk/mail-room/``.

Office staff (of an office) scan letters and confirm what OCR found; supervisors and
administrators see every office's, and the fax review queue. Thin views: parse, call one
service or selector, render. A refusal is a message on the page and, every service being one
transaction, changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from contactcenter.core.errors import ApplicationError, NotFound
from contactcenter.mailroom import selectors, services
from contactcenter.mailroom.forms import FaxAttachForm, LetterConfirmForm, ReplyLetterForm
from contactcenter.mailroom.models import PageState
from contactcenter.staff.access import SUPERVISOR_ROLES, staff_roles_required
from contactcenter.staff.models import Role

MAILROOM_ROLES = frozenset({Role.OFFICE_STAFF, *SUPERVISOR_ROLES})


def _mailroom_page(
    roles: frozenset[str] = MAILROOM_ROLES,
) -> Callable[[Callable[..., HttpResponseBase]], Callable[..., HttpResponseBase]]:
    """Staff of the mail room's roles; the selectors' scope refusals become 403 (office staff
    without an office, a supervisor's page) and 404 (another office's page)."""

    def decorator(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
        @staff_roles_required(roles)
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponseBase:
            try:
                return view(request, *args, **kwargs)
            except selectors.NotMailRoomStaff:
                raise PermissionDenied from None
            except NotFound:
                raise Http404 from None

        return wrapped

    return decorator


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@require_http_methods(["GET", "POST"])
@_mailroom_page()
def home(request: HttpRequest) -> HttpResponse:
    """Scan a batch; the pages waiting to be confirmed; letters routed to the office."""
    selectors.viewer_scope(request.user)
    if request.method == "POST":
        files = [
            services.ScanFile(
                name=upload.name or "",
                content=upload.read() if not getattr(upload, "too_large", False) else b"",
                too_large=getattr(upload, "too_large", False),
                size=upload.size or 0,
            )
            for upload in request.FILES.getlist("files")
        ]
        try:
            batch = services.scan_batch_create(
                actor=_user(request), files=files, label=request.POST.get("label", "")
            )
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("Batch %(batch)s kept: %(pages)d page(s) are being read.")
                % {"batch": batch.pk, "pages": batch.pages.count()},
            )
            return redirect("mailroom:home")
    return render(
        request,
        "mailroom/home.html",
        {
            "pages": selectors.pages_waiting(viewer=request.user),
            "batches": selectors.batches_recent(viewer=request.user),
            "letters": selectors.letters_for_office(viewer=request.user),
        },
    )


@require_http_methods(["GET", "POST"])
@_mailroom_page()
def page(request: HttpRequest, page_id: int) -> HttpResponse:
    """The page's image beside what OCR read, for a person to confirm."""
    found = selectors.page_for_viewer(viewer=request.user, page_id=page_id)
    found_ids = found.found or {}
    initial = {
        "receipt_number": next(iter(found_ids.get("receipt_numbers", [])), ""),
        "reference_number": next(iter(found_ids.get("references", [])), ""),
        "language": found.language or "en",
    }
    form = LetterConfirmForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        page_ids = [found.pk]
        for extra in request.POST.getlist("with_pages"):
            if extra.isdigit():
                other = selectors.page_for_viewer(viewer=request.user, page_id=int(extra))
                page_ids.append(other.pk)
        try:
            letter = services.letter_confirm(
                actor=_user(request),
                page_ids=page_ids,
                receipt_number=form.cleaned_data["receipt_number"],
                reference_number=form.cleaned_data["reference_number"],
                language=form.cleaned_data["language"],
            )
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("Letter confirmed: inquiry %(reference)s.")
                % {"reference": letter.inquiry.reference_number},
            )
            return redirect("mailroom:home")
    siblings = [
        other
        for other in selectors.pages_waiting(viewer=request.user)
        if other.batch_id == found.batch_id and other.pk != found.pk
        and other.state in (PageState.READ, PageState.FAILED)
    ]  # fmt: skip
    return render(
        request,
        "mailroom/page.html",
        {"page": found, "found": found_ids, "form": form, "siblings": siblings},
    )


@require_GET
@_mailroom_page()
def page_image(request: HttpRequest, page_id: int) -> HttpResponseBase:
    """The page as we drew it (a PNG we made, so it is shown in the page)."""
    path = selectors.page_image_path(viewer=request.user, page_id=page_id)
    try:
        handle = path.open("rb")
    except OSError:
        raise Http404 from None
    response = FileResponse(handle, content_type="image/png")
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@_mailroom_page()
def page_retry(request: HttpRequest, page_id: int) -> HttpResponse:
    selectors.page_for_viewer(viewer=request.user, page_id=page_id)
    try:
        services.scanned_page_retry(page_id=page_id)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.info(request, _("The page will be read again."))
    return redirect("mailroom:page", page_id=page_id)


@require_GET
@_mailroom_page()
def letter(request: HttpRequest, letter_id: int) -> HttpResponse:
    """A letter routed to the office: its pages and text, and a reply by mail."""
    found = selectors.letter_for_viewer(viewer=request.user, letter_id=letter_id)
    return render(
        request,
        "mailroom/letter.html",
        {"letter": found, "pages": selectors.letter_pages(letter=found),
         "form": ReplyLetterForm(prefix="letter")},
    )  # fmt: skip


@require_GET
@_mailroom_page()
def letter_page_image(request: HttpRequest, letter_id: int, page_id: int) -> HttpResponseBase:
    path = selectors.letter_page_image_path(
        viewer=request.user, letter_id=letter_id, page_id=page_id
    )
    try:
        handle = path.open("rb")
    except OSError:
        raise Http404 from None
    response = FileResponse(handle, content_type="image/png")
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@_mailroom_page()
def letter_reply(request: HttpRequest, letter_id: int) -> HttpResponseBase:
    """The office answers by mail: the reply letter (PDF) to the address on file."""
    found = selectors.letter_for_viewer(viewer=request.user, letter_id=letter_id)
    form = ReplyLetterForm(request.POST, prefix="letter")
    if not form.is_valid():
        messages.error(request, _("Write the letter's text."))
        return redirect("mailroom:letter", letter_id=letter_id)
    try:
        pdf = services.reply_letter_make(
            inquiry=found.inquiry, actor=_user(request), body=form.cleaned_data["body"]
        )
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("mailroom:letter", letter_id=letter_id)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="letter-{found.inquiry.reference_number}.pdf"'
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@_mailroom_page(frozenset(SUPERVISOR_ROLES))
def faxes(request: HttpRequest) -> HttpResponse:
    """Faxes with no cover sheet, and faxes for inquiries that did not ask for one."""
    return render(
        request,
        "mailroom/faxes.html",
        {"faxes": selectors.faxes_for_review(viewer=request.user), "form": FaxAttachForm()},
    )


@require_POST
@_mailroom_page(frozenset(SUPERVISOR_ROLES))
def fax_attach(request: HttpRequest, fax_id: int) -> HttpResponse:
    form = FaxAttachForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter the inquiry's reference number."))
        return redirect("mailroom:faxes")
    try:
        fax = services.fax_attach_by_staff(
            fax_id=fax_id, actor=_user(request),
            reference_number=form.cleaned_data["reference_number"],
        )  # fmt: skip
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Fax attached to inquiry %(reference)s.")
            % {"reference": fax.inquiry.reference_number if fax.inquiry else ""},
        )
    return redirect("mailroom:faxes")


@require_GET
@_mailroom_page(frozenset(SUPERVISOR_ROLES))
def fax_file(request: HttpRequest, fax_id: int) -> HttpResponseBase:
    """The fax's PDF, always a download: it came from outside."""
    fax, path = selectors.fax_file_path(viewer=request.user, fax_id=fax_id)
    try:
        handle = path.open("rb")
    except OSError:
        raise Http404 from None
    return FileResponse(
        handle, as_attachment=True, filename=f"fax-{fax.pk}.pdf",
        content_type="application/octet-stream",
    )  # fmt: skip
