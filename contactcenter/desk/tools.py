"""Agent tools: canned replies and the knowledge-base search, and the supervisors' pages that
keep the canned replies.

The two look-ups an agent makes while answering are JSON for ``desk/reply-tools.js``, which
puts the text into the chat's reply box (or shows it to be read out on a call):

- ``GET /desk/inquiries/<reference>/replies/<id>/``: a canned reply in the inquiry's
  language with its placeholders filled (``desk.replies``); the inquiry is found as the
  inquiry page finds it, so whoever may not work it gets what a missing one gets.
- ``GET /desk/knowledge/?q=&language=``: the assistant's published articles that match,
  from the assistant's own index (``assistant.services.knowledge_search``).

Refusals are ``{"code", "message"}`` with the error's status, as in the API.
"""

from __future__ import annotations

from typing import cast

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from contactcenter.agency.selectors import public_base_url
from contactcenter.assistant.services import knowledge_search
from contactcenter.core.errors import ApplicationError, ErrorCode
from contactcenter.core.languages import active_language
from contactcenter.desk import replies, selectors
from contactcenter.desk.access import desk_roles_required
from contactcenter.desk.forms import UswdsForm
from contactcenter.staff.access import DESK_ROLES, SUPERVISOR_ROLES


def _refusal(error: ApplicationError) -> JsonResponse:
    return JsonResponse(error.as_dict(), status=error.http_status)


def _public_url(url: str) -> str:
    """A link as the person can open it: the site's own pages under the public address."""
    if url.startswith("/"):
        return public_base_url() + url
    return url


# --- While answering --------------------------------------------------------------------------


@require_GET
@desk_roles_required(DESK_ROLES)
def inquiry_reply(request: HttpRequest, reference: str, reply_id: int) -> HttpResponse:
    """One canned reply filled for this inquiry, in its language."""
    try:
        found = selectors.inquiry_for_desk(viewer=request.user, reference_number=reference)
        if not found.can_act:
            raise ApplicationError(
                _("You are not working this inquiry any more."),
                code=ErrorCode.PERMISSION_DENIED,
                http_status=409,
            )
        filled = replies.canned_reply_for_inquiry(
            viewer=cast(User, request.user), inquiry=found.inquiry, reply_id=reply_id
        )
    except ApplicationError as error:
        return _refusal(error)
    return JsonResponse(filled.as_json())


@require_GET
@desk_roles_required(DESK_ROLES)
def knowledge(request: HttpRequest) -> HttpResponse:
    """The knowledge base's articles that match ``q``, in ``language`` (the page's language
    when not given)."""
    language = request.GET.get("language") or active_language()
    try:
        hits = knowledge_search(query=request.GET.get("q", ""), language=language)
    except ApplicationError as error:
        return _refusal(error)
    return JsonResponse(
        {
            "language": language,
            "results": [
                {
                    "slug": hit.slug,
                    "title": hit.title,
                    "snippet": hit.snippet,
                    "text": hit.answer,
                    "links": [
                        {"label": link.label, "url": _public_url(link.url)} for link in hit.links
                    ],
                }
                for hit in hits
            ],
        }
    )


# --- The supervisors' pages -------------------------------------------------------------------


class CannedReplyForm(UswdsForm):
    title_en = django_forms.CharField(
        label=gettext_lazy("Title in English"),
        max_length=replies.TITLE_MAX_CHARS,
        widget=django_forms.TextInput(attrs={"lang": "en"}),
    )
    body_en = django_forms.CharField(
        label=gettext_lazy("Text in English"),
        max_length=replies.BODY_MAX_CHARS,
        widget=django_forms.Textarea(attrs={"rows": 4, "lang": "en"}),
    )
    title_es = django_forms.CharField(
        label=gettext_lazy("Title in Spanish"),
        max_length=replies.TITLE_MAX_CHARS,
        widget=django_forms.TextInput(attrs={"lang": "es"}),
    )
    body_es = django_forms.CharField(
        label=gettext_lazy("Text in Spanish"),
        max_length=replies.BODY_MAX_CHARS,
        widget=django_forms.Textarea(attrs={"rows": 4, "lang": "es"}),
    )
    sort_order = django_forms.IntegerField(
        label=gettext_lazy("Place in the list"),
        min_value=0,
        max_value=replies.SORT_ORDER_MAX,
        initial=100,
        help_text=gettext_lazy("Lower numbers come first."),
    )

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        if not self.errors:
            for field, problems in replies.canned_reply_problems(self.text()).items():
                for problem in problems:
                    self.add_error(field, problem)
        return cleaned

    def text(self) -> replies.CannedReplyText:
        data = self.cleaned_data
        return replies.CannedReplyText(
            title_en=data.get("title_en", ""), title_es=data.get("title_es", ""),
            body_en=data.get("body_en", ""), body_es=data.get("body_es", ""),
            sort_order=data.get("sort_order", 100),
        )  # fmt: skip


def _page(request: HttpRequest, template: str, context: dict, status: int = 200) -> HttpResponse:
    return render(request, template, {**context, "language": active_language()}, status=status)


def _not_found(request: HttpRequest, error: ApplicationError) -> HttpResponse:
    return _page(request, "desk/not_found.html", {"error": error.message}, status=404)


@require_GET
@desk_roles_required(SUPERVISOR_ROLES)
def replies_list(request: HttpRequest) -> HttpResponse:
    return _page(
        request,
        "desk/replies.html",
        {"replies": replies.canned_replies_all(), "placeholders": replies.PLACEHOLDERS},
    )


def _form_page(request: HttpRequest, form: CannedReplyForm, reply=None, status: int = 200):
    return _page(request, "desk/reply_form.html", {"form": form, "reply": reply}, status=status)


@require_http_methods(["GET", "POST"])
@desk_roles_required(SUPERVISOR_ROLES)
def reply_add(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _form_page(request, CannedReplyForm())
    form = CannedReplyForm(request.POST)
    if form.is_valid():
        try:
            reply = replies.canned_reply_create(actor=cast(User, request.user), text=form.text())
        except ApplicationError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(
                request, _("Canned reply “%(title)s” added.") % {"title": reply.title_en}
            )
            return redirect("desk:replies")
    return _form_page(request, form, status=400)


@require_http_methods(["GET", "POST"])
@desk_roles_required(SUPERVISOR_ROLES)
def reply_edit(request: HttpRequest, reply_id: int) -> HttpResponse:
    try:
        reply = replies.canned_reply_get(reply_id=reply_id)
    except ApplicationError as error:
        return _not_found(request, error)
    if request.method != "POST":
        initial = {f: getattr(reply, f) for f in ("title_en", "body_en", "title_es", "body_es",
                                                   "sort_order")}  # fmt: skip
        return _form_page(request, CannedReplyForm(initial=initial), reply)
    form = CannedReplyForm(request.POST)
    if form.is_valid():
        try:
            reply = replies.canned_reply_update(
                actor=cast(User, request.user), reply_id=reply_id, text=form.text()
            )
        except ApplicationError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(
                request, _("Canned reply “%(title)s” saved.") % {"title": reply.title_en}
            )
            return redirect("desk:replies")
    return _form_page(request, form, reply, status=400)


def _set_active(request: HttpRequest, reply_id: int, *, active: bool) -> HttpResponse:
    try:
        reply = replies.canned_reply_set_active(
            actor=cast(User, request.user), reply_id=reply_id, active=active
        )
    except ApplicationError as error:
        return _not_found(request, error)
    if active:
        said = _("Canned reply “%(title)s” is offered to agents again.")
    else:
        said = _("Canned reply “%(title)s” retired: agents no longer see it.")
    messages.success(request, said % {"title": reply.title_en})
    return redirect("desk:replies")


@require_POST
@desk_roles_required(SUPERVISOR_ROLES)
def reply_retire(request: HttpRequest, reply_id: int) -> HttpResponse:
    return _set_active(request, reply_id, active=False)


@require_POST
@desk_roles_required(SUPERVISOR_ROLES)
def reply_restore(request: HttpRequest, reply_id: int) -> HttpResponse:
    return _set_active(request, reply_id, active=True)
