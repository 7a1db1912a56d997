"""The agent desktop: thin views over the inquiry and routing services.

Every action is a POST that calls one desk or domain service; an ``ApplicationError`` becomes
a message on the page and, because each service is one transaction, changes nothing. Pages
work with plain form posts and full reloads. With JavaScript, htmx refreshes fragments when a
live event arrives over the desk's WebSocket, and a presence change, a note and a resolution
post with htmx and are answered with only the part of the page they changed (and the messages,
out of band) instead of a redirect to the whole page.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar, cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.models import User
from django.core.exceptions import ObjectDoesNotExist
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from contactcenter.cases.statuses import status_text
from contactcenter.chat.texts import desk_panel_texts
from contactcenter.core.errors import ApplicationError, InvalidInput
from contactcenter.core.languages import active_language
from contactcenter.core.receipt_numbers import ReceiptNumber
from contactcenter.core.reference_numbers import ReferenceNumber
from contactcenter.desk import forms, selectors, services
from contactcenter.desk.access import (
    TIER1_PAGE_ROLES,
    TIER2_PAGE_ROLES,
    desk_roles_required,
    page_allowed,
    role_landing_url,
)
from contactcenter.desk.callbacks import TEXT_AHEAD_TEMPLATE, callback_text_ahead
from contactcenter.desk.person_history import person_history_panel
from contactcenter.desk.voice import browser_phone_headers, voice_panel
from contactcenter.inquiries.models import Channel, EventKind, Inquiry, InquiryState, VerifiedAs
from contactcenter.inquiries.selectors import inquiry_case_for_viewer
from contactcenter.inquiries.services import (
    IdentityResult,
    inquiry_add_note,
    inquiry_request_supervisor,
    inquiry_unlock,
    inquiry_verify_identity,
)
from contactcenter.intake.selectors import attachment_path, inquiry_email_thread
from contactcenter.intake.services import email_reply_send
from contactcenter.ivr.bridge import telephony_configured
from contactcenter.ivr.selectors import call_steps_for_inquiry
from contactcenter.mailroom.selectors import (
    inquiry_fax_path,
    inquiry_page_image_path,
    inquiry_paper,
)
from contactcenter.mailroom.services import fax_request, reply_letter_make
from contactcenter.notifications.catalogue import MESSAGES
from contactcenter.operations.wallboard import wallboard_today
from contactcenter.routing.calendar import calling_window_open
from contactcenter.routing.models import Agent, Presence, WorkKind
from contactcenter.routing.services import (
    agent_ensure_for_user,
    work_item_claim,
    work_item_decline,
    work_item_reassign,
)
from contactcenter.staff.access import DESK_ROLES, STAFF_ROLES, SUPERVISOR_ROLES
from contactcenter.staff.roles import user_roles
from contactcenter.staff.sign_in import StaffAuthenticationForm
from contactcenter.staff.two_step import password_sign_in_record

T = TypeVar("T")

logger = logging.getLogger(__name__)


class DeskLoginView(auth_views.LoginView):
    template_name = "desk/login.html"
    redirect_authenticated_user = True
    authentication_form = StaffAuthenticationForm

    def form_valid(self, form):
        response = super().form_valid(form)
        password_sign_in_record(self.request, form.get_user())
        return response

    def get_success_url(self) -> str:
        """The page named in ``next`` when it is safe and this role may use it; otherwise the
        role's own work (office staff have no desk page, so ``/desk/`` alone would refuse
        them)."""
        wanted = self.get_redirect_url()
        if wanted and page_allowed(self.request.user, wanted):
            return wanted
        return self.get_default_redirect_url()

    def get_default_redirect_url(self) -> str:
        return role_landing_url(self.request.user) or reverse("desk:home")


class DeskLogoutView(auth_views.LogoutView):
    def get_default_redirect_url(self) -> str:
        return reverse("desk:login")


def _text_ahead_available() -> bool:
    """Texting ahead needs its message in the notifications catalogue; without it the button
    is disabled."""
    return TEXT_AHEAD_TEMPLATE in MESSAGES


def _run(request: HttpRequest, action: Callable[[], T]) -> T | None:
    """Run one service call; a refusal is shown to the user and the request changes nothing."""
    try:
        return action()
    except ApplicationError as error:
        messages.error(request, str(error.message))
        return None


def _agent(request: HttpRequest) -> Agent:
    """The signed-in member of staff's routing profile, read once per request."""
    agent = getattr(request, "_desk_agent", None)
    if agent is None:
        agent = agent_ensure_for_user(user=request.user)
        request._desk_agent = agent  # type: ignore[attr-defined]
    return agent


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _page(request: HttpRequest, template: str, context: dict, status: int = 200) -> HttpResponse:
    roles = user_roles(request.user)
    context = {
        **context,
        "nav_tier1": bool(roles & TIER1_PAGE_ROLES),
        "nav_tier2": bool(roles & TIER2_PAGE_ROLES),
        "nav_supervisor": bool(roles & SUPERVISOR_ROLES),
        "language": active_language(),
    }
    return render(request, template, context, status=status)


# --- Tier 1: presence, offers, my work ------------------------------------------------------


def _current_reference(raw: object) -> str:
    """The inquiry the page shows, to mark it in "My work"; anything else marks nothing (it
    is only a highlight, and a bad value changes nothing)."""
    try:
        return str(ReferenceNumber.parse(raw))
    except ApplicationError:
        return ""


def _work_context(request: HttpRequest, agent: Agent, *, current: str = "") -> dict:
    """The workspace's left pane, "My work": presence, the offer, the items held (``current``
    marked), the after-contact timer. Offers and presence are Tier 1's (and supervisors');
    a Tier 2 officer sees the items held and takes callbacks from the Callbacks page."""
    takes_offers = bool(user_roles(request.user) & TIER1_PAGE_ROLES)
    mine = selectors.my_work(agent=agent, offers=takes_offers)
    return {
        "agent": agent,
        "takes_offers": takes_offers,
        "presence_form": forms.PresenceForm(initial={"presence": agent.presence}),
        "offer": mine.offer,
        "work": mine.held,
        # When wrap-up ends by itself (None if not in wrap-up), for the "My work" timer.
        "after_contact_deadline": selectors.after_contact_deadline(agent=agent),
        "current": current,
    }


def _home_context(request: HttpRequest, agent: Agent) -> dict:
    return {
        **_work_context(request, agent),
        "calls_simulated": not telephony_configured(),
        "voice": voice_panel(agent),
    }


@require_GET
@desk_roles_required(STAFF_ROLES)
def home(request: HttpRequest) -> HttpResponse:
    if not user_roles(request.user) & TIER1_PAGE_ROLES:
        # A Tier 2 officer's desk is the callback list; office staff's is their office's queue.
        return redirect(role_landing_url(request.user) or "desk:callbacks")
    context = _home_context(request, _agent(request))
    response = _page(request, "desk/home.html", context)
    # Only the page that loads the browser phone may reach Twilio and use the microphone.
    return browser_phone_headers(response) if context["voice"].loads_sdk else response


@require_POST
@desk_roles_required(TIER1_PAGE_ROLES)
def presence(request: HttpRequest) -> HttpResponse:
    form = forms.PresenceForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose available, away, wrap-up or offline."))
        if _is_htmx(request):
            return _presence_answer(request, _agent(request))
        return redirect("desk:home")
    agent = _agent(request)
    result = _run(
        request,
        lambda: services.desk_presence_set(agent=agent, presence=form.cleaned_data["presence"]),
    )
    if agent.presence == Presence.AVAILABLE and result is None:
        messages.info(request, _("You are available. Work will be offered as it comes in."))
    if _is_htmx(request):
        return _presence_answer(request, agent)
    return redirect(_back_to(request))


def _presence_answer(request: HttpRequest, agent: Agent) -> HttpResponse:
    """htmx's answer to a presence change: only "My work" (the page stays as it is), with the
    page's messages out of band; a plain form post reloads the page instead."""
    current = _current_reference(request.GET.get("current", ""))
    return _page(
        request, "desk/_presence_answer.html", _work_context(request, agent, current=current)
    )


def _back_to(request: HttpRequest, default: str = "") -> str:
    """The workspace page the form was posted from (``next``), when it is on this site and a
    page this person may use; otherwise ``default`` (the desk's home unless given)."""
    wanted = request.POST.get("next", "")
    if (
        isinstance(wanted, str)
        and url_has_allowed_host_and_scheme(
            wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
        and wanted.startswith("/desk/")
        and page_allowed(request.user, wanted)
    ):
        return wanted
    return default or reverse("desk:home")


@require_POST
@desk_roles_required(TIER1_PAGE_ROLES)
def offer_next(request: HttpRequest) -> HttpResponse:
    """Ask for the next offer ("Get next", or the page itself when a live event says work was
    queued: ``auto``, which stays silent when the agent is not available)."""
    agent = _agent(request)
    auto = request.GET.get("auto") == "1"
    note = ""
    if selectors.offer_for_agent(agent=agent) is None:
        if agent.presence != Presence.AVAILABLE:
            note = "" if auto else _("Set yourself to available to receive work.")
        else:
            item = _run(request, lambda: services.work_item_offer_next(agent=agent))
            if item is None:
                note = "" if auto else _("No work is waiting for you right now.")
    if _is_htmx(request):
        current = _current_reference(request.GET.get("current", ""))
        context = {**_work_context(request, agent, current=current), "offer_note": note}
        return _page(request, "desk/_work_panels.html", context)
    if note:
        messages.info(request, note)
    return redirect("desk:home")


@require_POST
@desk_roles_required(TIER1_PAGE_ROLES)
def offer_accept(request: HttpRequest, item_id: int) -> HttpResponse:
    agent = _agent(request)
    item = _run(request, lambda: services.desk_offer_accept(agent=agent, item_id=item_id))
    if item is None:
        return redirect("desk:home")
    return redirect("desk:inquiry", reference=item.inquiry.reference_number)


@require_POST
@desk_roles_required(TIER1_PAGE_ROLES)
def offer_decline(request: HttpRequest, item_id: int) -> HttpResponse:
    agent = _agent(request)
    if _run(request, lambda: work_item_decline(agent=agent, item_id=item_id)) is not None:
        messages.info(request, _("You declined the offer; it went back to the queue."))
    return redirect("desk:home")


# --- The inquiry ----------------------------------------------------------------------------


def _inquiry_context(request: HttpRequest, found: selectors.DeskInquiry) -> dict:
    inquiry = found.inquiry
    context: dict = {
        "inquiry": inquiry,
        "can_act": found.can_act,
        "history": selectors.inquiry_history(inquiry=inquiry),
        "is_supervisor": bool(user_roles(request.user) & SUPERVISOR_ROLES),
        "max_failures": settings.IDENTITY_MAX_FAILURES,
        "closed": inquiry.state == InquiryState.CLOSED,
        "locked": inquiry.state == InquiryState.LOCKED,
    }
    mode = _contact_mode(found)
    context["contact_mode"] = mode
    if mode == "chat":
        context["chat_texts"] = desk_panel_texts()
    if mode in ("phone", "callback"):
        # The menu steps the caller took and the transcript, masked (none for a callback
        # that did not start as a call).
        context["call_paths"] = call_steps_for_inquiry(
            inquiry_id=inquiry.pk, language=active_language()
        )
    if mode == "message" and inquiry.channel == Channel.EMAIL:
        # The emails themselves, in and out, with their attachments and any bounce; the
        # reply box when this viewer works the inquiry.
        context["email_thread"] = inquiry_email_thread(inquiry=inquiry)
        if found.can_act and not context["closed"]:
            context["email_reply_form"] = forms.EmailReplyForm(prefix="email")
            context["case_details_by_email"] = (
                settings.INTAKE_EMAIL_CASE_DATA_ALLOWED and inquiry.is_verified
            )
    elif mode == "message":
        # The person's messages and the replies, as the inquiry keeps them (masked).
        context["thread"] = [e for e in context["history"] if e.kind == EventKind.MESSAGE]
    # Paper: the letter's scanned pages, faxes received, whether a fax was asked for; the
    # cover sheet and reply letter tools for whoever works the inquiry.
    context["paper"] = inquiry_paper(inquiry=inquiry)
    if found.can_act and not context["closed"]:
        context["reply_letter_form"] = forms.ReplyLetterForm(prefix="letter")
    if inquiry.is_verified:
        # The one path to case data: checks the viewer's right and writes the disclosure log.
        try:
            context["case"] = inquiry_case_for_viewer(
                viewer=request.user, inquiry=inquiry, channel="desk"
            )
            # The public status text, in the page's language (kept outside the catalogue).
            context["case_status"] = status_text(context["case"].status, active_language())
        except ApplicationError as error:
            context["case_error"] = str(error.message)
    context["person_history"] = person_history_panel(viewer=request.user, inquiry=inquiry)
    # The callback this viewer holds on it, worked (attempts, text ahead) on the Callbacks page.
    context["callback_item_id"] = next(
        (pk for pk, kind in zip(found.held_item_ids, found.held_kinds, strict=False)
         if kind == WorkKind.CALLBACK),
        None,
    )  # fmt: skip
    if found.held_item_ids and not context["closed"]:
        transfer = selectors.transfer_options(
            agent=_agent(request), held_item_ids=found.held_item_ids
        )
        context.update(
            transfer=transfer,
            transfer_form=forms.TransferForm(
                prefix="transfer", options=transfer, language=active_language()
            ),
        )
    if found.can_act and not context["closed"]:
        context.update(
            identity_form=forms.IdentityForm(prefix="identity"),
            note_form=forms.NoteForm(prefix="note"),
            escalate_form=forms.EscalateForm(prefix="escalate"),
            supervisor_form=forms.SupervisorRequestForm(prefix="supervisor"),
            callback_form=forms.CallbackForm(
                prefix="callback", initial={"phone": inquiry.contact_phone}
            ),
            resolve_form=forms.ResolveForm(prefix="resolve"),
            unlock_form=forms.UnlockForm(prefix="unlock"),
        )
    return context


CALL_CHANNELS = frozenset({Channel.PHONE, Channel.TTY})
MESSAGE_CHANNELS = frozenset(
    {Channel.SECURE_MESSAGE, Channel.WEBFORM, Channel.EMAIL, Channel.MAIL, Channel.FAX}
)


def _contact_mode(found: selectors.DeskInquiry) -> str:
    """What the workspace's centre shows: the live chat, the call, the callback to make, or
    the message thread. A callback is the officer's job once they hold one (or once the
    inquiry waits for one), whatever channel it began on."""
    inquiry = found.inquiry
    if WorkKind.CALLBACK in found.held_kinds:
        return "callback"
    if inquiry.channel == Channel.CHAT:
        return "chat"
    if inquiry.state in (InquiryState.ESCALATED, InquiryState.CALLBACK_SCHEDULED):
        return "callback"
    if inquiry.channel in CALL_CHANNELS:
        return "phone"
    if inquiry.channel in MESSAGE_CHANNELS:
        return "message"
    return "other"


@require_GET
@desk_roles_required(DESK_ROLES)
def inquiry_detail(request: HttpRequest, reference: str) -> HttpResponse:
    try:
        found = selectors.inquiry_for_desk(viewer=request.user, reference_number=reference)
    except ApplicationError as error:
        return _page(request, "desk/not_found.html", {"error": error.message}, status=404)
    context = _inquiry_context(request, found)
    context.update(_work_context(request, _agent(request), current=found.inquiry.reference_number))
    return _page(request, "desk/inquiry.html", context)


@require_GET
@desk_roles_required(DESK_ROLES)
def inquiry_email_attachment(request: HttpRequest, reference: str, attachment_id: int):
    """A kept attachment of the inquiry's emails, for whoever may open the inquiry; always a
    download (never shown in the page: its content came from outside)."""
    try:
        found = selectors.inquiry_for_desk(viewer=request.user, reference_number=reference)
        attachment, path = attachment_path(attachment_id=attachment_id, inquiry=found.inquiry)
        handle = path.open("rb")
    except (ApplicationError, ObjectDoesNotExist, OSError):
        return _page(
            request, "desk/not_found.html", {"error": _("No such attachment.")}, status=404
        )
    return FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.filename or f"attachment-{attachment.pk}",
        content_type="application/octet-stream",
    )


@require_GET
@desk_roles_required(DESK_ROLES)
def inquiry_transfer_targets(request: HttpRequest, reference: str) -> HttpResponse:
    """The transfer tool's list of queues and colleagues, drawn now (``desk.js`` asks for it
    each time the tool opens): a colleague who came to the desk after the page was drawn can
    be chosen, one who left is gone. Only for whoever holds a contact on the inquiry."""
    try:
        found = selectors.inquiry_for_desk(viewer=request.user, reference_number=reference)
    except ApplicationError:
        found = None
    if found is None or not found.held_item_ids or found.inquiry.state == InquiryState.CLOSED:
        return HttpResponse(status=404)
    options = selectors.transfer_options(agent=_agent(request), held_item_ids=found.held_item_ids)
    form = forms.TransferForm(prefix="transfer", options=options, language=active_language())
    return render(request, "desk/_transfer_targets.html", {"field": form["target"]})


@dataclass(frozen=True, slots=True)
class _Act:
    """One action on an inquiry: who asks, on what, with which of their items."""

    request: HttpRequest
    found: selectors.DeskInquiry
    user: User
    agent: Agent

    @property
    def inquiry(self) -> Inquiry:
        return self.found.inquiry

    def form(self, form_class: type[forms.UswdsForm], prefix: str) -> forms.UswdsForm | None:
        """The bound form when valid; otherwise each error is shown and None returned."""
        form = form_class(self.request.POST, prefix=prefix)
        return form if _valid(self.request, form) else None

    def run(self, action: Callable[[], object], success: str) -> bool:
        if _run(self.request, action) is None:
            return False
        messages.success(self.request, success)
        return True


# Each runs one action; the services' domain events refresh live pages and tell a chat.
def _act_identity(act: _Act) -> None:
    form = forms.IdentityForm(act.request.POST, prefix="identity")
    if not form.is_valid():
        # What is missing, never whether an answer was right (nothing is compared yet).
        said = form.non_field_errors()
        messages.error(
            act.request,
            str(said[0])
            if said
            else _("Enter the receipt number, who is calling and the answers."),
        )
        return

    def check() -> IdentityResult:
        return inquiry_verify_identity(
            inquiry=act.inquiry, actor=act.user,
            receipt_number=ReceiptNumber.parse(form.cleaned_data["receipt_number"]),
            claimed_as=form.cleaned_data["claimed_as"], answers=form.answers(),
        )  # fmt: skip

    try:
        result = check()
    except ApplicationError as error:
        messages.error(act.request, str(error.message))
        return
    if not result.case_found:
        # A number that does not exist and a case this agent may not see (Tier 1 and a VAWA,
        # T or U case) are said the same way as wrong answers, before any answer is compared:
        # nobody can learn which numbers exist or which cases are protected.
        messages.error(act.request, _("The answers do not match our records."))
    elif result.passed:
        messages.success(
            act.request,
            _("Identity verified: the caller is the %(who)s.")
            % {"who": str(VerifiedAs(result.verified_as).label).lower()},
        )
    elif result.locked:
        messages.error(
            act.request,
            _("The answers do not match our records. Identity checks are now locked for this "
              "inquiry; a supervisor must review it."),
        )  # fmt: skip
    else:
        messages.error(
            act.request,
            _("The answers do not match our records (%(failures)s of %(limit)s attempts used).")
            % {"failures": result.failures, "limit": settings.IDENTITY_MAX_FAILURES},
        )


def _act_note(act: _Act) -> bool:
    form = act.form(forms.NoteForm, "note")
    return form is not None and act.run(
        lambda: inquiry_add_note(
            inquiry=act.inquiry, actor=act.user, body=form.cleaned_data["body"]
        ),
        _("Note added."),
    )


def _act_escalate(act: _Act) -> None:
    form = act.form(forms.EscalateForm, "escalate")
    if form is not None:
        act.run(
            lambda: services.desk_inquiry_escalate(
                agent=act.agent,
                actor=act.user,
                inquiry=act.inquiry,
                held_item_ids=act.found.held_item_ids,
                reason=form.cleaned_data["reason"],
                urgency=form.cleaned_data["urgency"],
            ),
            _("Escalated to Tier 2. An officer will call back."),
        )


def _act_supervisor(act: _Act) -> None:
    form = act.form(forms.SupervisorRequestForm, "supervisor")
    if form is not None:
        act.run(
            lambda: inquiry_request_supervisor(
                inquiry=act.inquiry, actor=act.user, reason=form.cleaned_data["reason"]
            ),
            _("A supervisor has been asked to join."),
        )


def _act_callback(act: _Act) -> None:
    form = act.form(forms.CallbackForm, "callback")
    if form is not None:
        act.run(
            lambda: services.desk_inquiry_schedule_callback(
                agent=act.agent,
                actor=act.user,
                inquiry=act.inquiry,
                held_item_ids=act.found.held_item_ids,
                phone=form.cleaned_data["phone"],
            ),
            _("Callback scheduled."),
        )


def _act_resolve(act: _Act) -> bool:
    form = act.form(forms.ResolveForm, "resolve")
    return form is not None and act.run(
        lambda: services.desk_inquiry_resolve(
            agent=act.agent,
            actor=act.user,
            inquiry=act.inquiry,
            held_item_ids=act.found.held_item_ids,
            disposition=form.cleaned_data["disposition"],
            note=form.cleaned_data["note"],
        ),
        _("Inquiry resolved and closed."),
    )


def _act_transfer(act: _Act) -> None:
    form = act.form(forms.TransferForm, "transfer")
    if form is None:
        return
    kind, target_id = form.cleaned_data["target"]
    mode = form.cleaned_data["mode"]

    def transfer() -> object:
        if kind == "queue":
            to_queue, to_agent = selectors.queue_for_transfer(queue_id=target_id), None
        else:
            to_queue, to_agent = None, selectors.agent_for_reassign(agent_id=target_id)
        return services.desk_inquiry_transfer(
            agent=act.agent, actor=act.user, inquiry=act.inquiry,
            held_item_ids=act.found.held_item_ids, mode=mode, to_queue=to_queue,
            to_agent=to_agent, note=form.cleaned_data["note"],
        )  # fmt: skip

    act.run(
        transfer,
        _("Transferred. The contact is no longer yours.")
        if mode == "cold"
        else _("Warm transfer requested. Stay with the person until your colleague accepts."),
    )


def _act_transfer_cancel(act: _Act) -> None:
    act.run(
        lambda: services.desk_inquiry_transfer_cancel(
            agent=act.agent, actor=act.user, inquiry=act.inquiry,
            held_item_ids=act.found.held_item_ids,
        ),
        _("Transfer cancelled. The contact stays with you."),
    )  # fmt: skip


def _act_unlock(act: _Act) -> None:
    form = act.form(forms.UnlockForm, "unlock")
    if form is not None:
        act.run(
        lambda: inquiry_unlock(inquiry=act.inquiry, actor=act.user,
                               reason=form.cleaned_data["reason"]),
        _("Identity lock lifted."),
    )  # fmt: skip


def _act_email_reply(act: _Act) -> None:
    form = act.form(forms.EmailReplyForm, "email")
    if form is not None:
        act.run(
            lambda: email_reply_send(
                inquiry=act.inquiry,
                actor=act.user,
                body=form.cleaned_data["body"],
                includes_case_details=form.cleaned_data["includes_case_details"],
            ),
            _("Your reply is on its way by email."),
        )


# Each returns whether it was done (None: not said; only the htmx answers need it).
ACTIONS: dict[str, Callable[[_Act], bool | None]] = {
    "identity": _act_identity,
    "note": _act_note,
    "escalate": _act_escalate,
    "supervisor": _act_supervisor,
    "callback": _act_callback,
    "resolve": _act_resolve,
    "transfer": _act_transfer,
    "transfer-cancel": _act_transfer_cancel,
    "email-reply": _act_email_reply,
}
SUPERVISOR_ACTIONS: dict[str, Callable[[_Act], bool | None]] = {"unlock": _act_unlock}


@require_POST
@desk_roles_required(DESK_ROLES)
def inquiry_action(request: HttpRequest, reference: str, action: str) -> HttpResponse:
    try:
        found = selectors.inquiry_for_desk(viewer=request.user, reference_number=reference)
    except ApplicationError as error:
        return _page(request, "desk/not_found.html", {"error": error.message}, status=404)
    # Back to the page the form was on (the inquiry, or the callbacks page with it open).
    back = redirect(_back_to(request, reverse("desk:inquiry", args=[reference])))
    if not found.can_act:
        messages.error(request, _("You are not working this inquiry any more."))
        if _is_htmx(request) and action in HTMX_ANSWERS:
            return _action_answer(request, reference, action, done=False)
        return back
    handler = ACTIONS.get(action)
    if handler is None and user_roles(request.user) & SUPERVISOR_ROLES:
        handler = SUPERVISOR_ACTIONS.get(action)
    if handler is None:
        messages.error(request, _("Unknown action."))
        return back
    user = cast(User, request.user)  # desk_roles_required let only signed-in staff through
    done = handler(_Act(request=request, found=found, user=user, agent=_agent(request)))
    if _is_htmx(request) and action in HTMX_ANSWERS:
        return _action_answer(request, reference, action, done=bool(done))
    return back


# The actions whose forms post with htmx (desk/_person_and_case.html), and the part of the
# page each answers with; every other action reloads the page it came from.
HTMX_ANSWERS = frozenset({"note", "resolve"})


def _action_answer(
    request: HttpRequest, reference: str, action: str, *, done: bool
) -> HttpResponse:
    """htmx's answer to a note or a resolution: the part of the inquiry page that changed,
    with the page's messages out of band. A refusal answers with the messages alone and tells
    htmx to swap nothing else, so what was typed stays in the form; a success tells the form
    (``desk-form-done``, desk.js) to clear itself."""
    if not done:
        response = _page(request, "desk/_messages_answer.html", {})
        response["HX-Reswap"] = "none"
        return response
    found = selectors.inquiry_for_desk(viewer=request.user, reference_number=reference)
    if action == "note":
        context: dict = {"inquiry": found.inquiry,
                         "history": selectors.inquiry_history(inquiry=found.inquiry)}  # fmt: skip
        response = _page(request, "desk/_note_answer.html", context)
    else:
        agent = _agent(request)
        agent.refresh_from_db()  # the resolution moved them to after-contact work
        context = _inquiry_context(request, found)
        context.update(_work_context(request, agent, current=found.inquiry.reference_number))
        response = _page(request, "desk/_resolve_answer.html", context)
    response["HX-Trigger"] = "desk-form-done"
    return response


def _valid(request: HttpRequest, form: forms.UswdsForm) -> bool:
    if form.is_valid():
        return True
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        text = " ".join(str(e) for e in errors)
        messages.error(request, f"{label}: {text}" if label else text)
    return False


# --- Tier 2: callbacks ----------------------------------------------------------------------


def _callbacks_context(
    request: HttpRequest, agent: Agent, *, open_id: int | None = None
) -> dict | None:
    """The callbacks page in the workspace: "My work" on the left, the officer's callbacks in
    the centre (confirmed by text first, then the most overdue) with the one open (``open_id``,
    else the first) showing the number to dial, the reference and the attempt forms, and that
    inquiry's person and case on the right. None when ``open_id`` is not a callback they hold
    (missing and someone else's alike)."""
    items = selectors.callbacks_for_desk(agent=agent)
    if open_id is None:
        opened = items[0] if items else None
    else:
        opened = next((item for item in items if item.pk == open_id), None)
        if opened is None:
            return None
    context: dict = {
        "callbacks": items,
        "opened": opened,
        "now": timezone.now(),
        "window_open": calling_window_open(),
        "text_ahead_available": _text_ahead_available(),
        # Named apart from the open inquiry's own forms (the right pane's, prefixed).
        "callback_attempt_form": forms.AttemptForm(),
        "callback_resolve_form": forms.ResolveForm(),
        "callbacks_page": True,
    }
    current = ""
    if opened is not None:
        found = selectors.inquiry_for_desk(
            viewer=request.user, reference_number=opened.inquiry.reference_number
        )
        context.update(_inquiry_context(request, found))
        context["back_url"] = reverse("desk:callback", args=[opened.pk])
        current = opened.inquiry.reference_number
    context.update(_work_context(request, agent, current=current))
    return context


@require_GET
@desk_roles_required(TIER2_PAGE_ROLES)
def callbacks(request: HttpRequest, item_id: int | None = None) -> HttpResponse:
    context = _callbacks_context(request, _agent(request), open_id=item_id)
    if context is None:
        # Done, handed on, or never theirs: the list, which says what they hold now.
        return redirect("desk:callbacks")
    return _page(request, "desk/callbacks.html", context)


@require_POST
@desk_roles_required(TIER2_PAGE_ROLES)
def callbacks_claim(request: HttpRequest) -> HttpResponse:
    agent = _agent(request)
    now = timezone.now()
    if not calling_window_open(now):
        messages.error(
            request,
            _("Callbacks are made only in the calling window (weekdays, 7:00 a.m. to 6:30 p.m. "
              "Eastern, not on federal holidays). Try again then."),
        )  # fmt: skip
        return redirect("desk:callbacks")
    item = _run(request, lambda: work_item_claim(agent=agent, now=now))
    if item is None and not any(m.level_tag == "error" for m in messages.get_messages(request)):
        if selectors.work_for_agent(agent=agent):
            messages.info(request, _("Finish the callback you hold before taking another."))
        else:
            messages.info(request, _("No callbacks are waiting."))
    elif item is not None:
        messages.success(
            request,
            _("Callback %(reference)s is yours.") % {"reference": item.inquiry.reference_number},
        )
    return redirect("desk:callbacks")


@require_POST
@desk_roles_required(TIER2_PAGE_ROLES)
def callback_attempt(request: HttpRequest, item_id: int) -> HttpResponse:
    agent = _agent(request)
    form = forms.AttemptForm(request.POST)
    if _valid(request, form):
        item = _run(request, lambda: services.desk_callback_record_attempt(
            agent=agent, item_id=item_id, outcome=form.cleaned_data["outcome"],
            note=form.cleaned_data["note"]))  # fmt: skip
        if item is not None:
            if item.inquiry.state == InquiryState.CLOSED:
                messages.info(
                    request,
                    _("Second missed call: the inquiry is closed and the person was asked to "
                      "contact us again."),
                )  # fmt: skip
            else:
                messages.success(request, _("Call attempt logged."))
            return redirect("desk:callback", item_id=item_id)
    # Refused or not valid: the list, the same for a callback held by someone else and one
    # that does not exist (the list opens the officer's own first callback).
    return redirect("desk:callbacks")


@require_POST
@desk_roles_required(TIER2_PAGE_ROLES)
def callback_text(request: HttpRequest, item_id: int) -> HttpResponse:
    if not _text_ahead_available():
        messages.error(request, _("Texting ahead is not available on this installation."))
        return redirect("desk:callbacks")
    agent = _agent(request)
    if _run(request, lambda: callback_text_ahead(agent=agent, item_id=item_id)) is not None:
        messages.success(request, _("Text sent: the person can reply YES if they are free."))
        return redirect("desk:callback", item_id=item_id)
    return redirect("desk:callbacks")


@require_POST
@desk_roles_required(TIER2_PAGE_ROLES)
def callback_resolve(request: HttpRequest, item_id: int) -> HttpResponse:
    agent = _agent(request)
    form = forms.ResolveForm(request.POST)
    item = next((i for i in selectors.callbacks_for_desk(agent=agent) if i.pk == item_id), None)
    if item is None:
        messages.error(request, _("Only the officer holding this callback can resolve it."))
    elif _valid(request, form):
        done = _run(request, lambda: services.desk_inquiry_resolve(
            agent=agent, actor=cast(User, request.user), inquiry=item.inquiry,
            held_item_ids=[item.pk],
            disposition=form.cleaned_data["disposition"],
            note=form.cleaned_data["note"]))  # fmt: skip
        if done:
            messages.success(
                request,
                _("Inquiry %(reference)s resolved.") % {"reference": item.inquiry.reference_number},
            )
    return redirect("desk:callbacks")


# --- Supervisor -----------------------------------------------------------------------------


@require_GET
@desk_roles_required(SUPERVISOR_ROLES)
def supervisor(request: HttpRequest) -> HttpResponse:
    board = selectors.supervisor_board(language=active_language())
    return _page(request, "desk/supervisor.html", {"board": board})


@require_GET
@desk_roles_required(SUPERVISOR_ROLES)
def supervisor_fragment(request: HttpRequest) -> HttpResponse:
    board = selectors.supervisor_board(language=active_language())
    return _page(request, "desk/_board.html", {"board": board})


@require_GET
@desk_roles_required(SUPERVISOR_ROLES)
def wallboard(request: HttpRequest) -> HttpResponse:
    board = wallboard_today()
    return _page(request, "desk/wallboard.html", {"wallboard": board})


@require_GET
@desk_roles_required(SUPERVISOR_ROLES)
def wallboard_fragment(request: HttpRequest) -> HttpResponse:
    board = wallboard_today()
    return _page(request, "desk/_wallboard.html", {"wallboard": board})


@require_POST
@desk_roles_required(SUPERVISOR_ROLES)
def reassign(request: HttpRequest, item_id: int) -> HttpResponse:
    def act():
        if "take" in request.POST:
            to_agent = _agent(request)
        else:
            form = forms.ReassignForm(request.POST)
            if not form.is_valid():
                raise InvalidInput(_("Choose an agent from the list."))
            to_agent = selectors.agent_for_reassign(agent_id=form.cleaned_data["agent"])
        item = work_item_reassign(item_id=item_id, to_agent=to_agent, actor_user_id=request.user.pk)
        return item, to_agent

    result = _run(request, act)
    if result is not None:
        item, to_agent = result
        messages.success(
            request,
            _("Item for inquiry %(reference)s given to %(agent)s.")
            % {"reference": item.inquiry.reference_number, "agent": to_agent.user.get_username()},
        )
        if "take" in request.POST:
            return redirect("desk:inquiry", reference=item.inquiry.reference_number)
    return redirect("desk:supervisor")


# --- Refusals ----------------------------------------------------------------------------------


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """The project's 403 page (``handler403``): another role's page, in the desk's layout with
    a link to this person's own work; the public's in the site's layout.

    A refusal is an everyday event, so it is logged here once at INFO, by the page's name and
    the roles held (never the address, which may carry a reference or case number), and Django
    is told not to log it again as a warning with a traceback.
    """
    roles = user_roles(request.user)
    match = request.resolver_match
    logger.info(
        "staff.forbidden page=%s roles=%s",
        match.view_name if match is not None else "-",
        ",".join(sorted(roles)) or "-",
    )
    if roles:
        landing = role_landing_url(request.user)
        # Office staff not yet attached to an office are refused their own queue: no link
        # back to the page that refused them.
        if landing == request.path:
            landing = None
        response = _page(request, "desk/forbidden.html", {"landing_url": landing}, status=403)
    else:
        response = render(request, "403.html", status=403)
    # Django's own flag for a response it has already logged.
    response._has_been_logged = True  # type: ignore[attr-defined]
    return response


# --- Paper: scanned letters, faxes, cover sheets and reply letters (contactcenter/mailroom) ---


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@desk_roles_required(DESK_ROLES)
def inquiry_letter_page(request: HttpRequest, reference: str, page_id: int):
    """A scanned page of the inquiry's letter, as the mail room drew it (our own PNG)."""
    try:
        found = selectors.inquiry_for_desk(viewer=request.user, reference_number=reference)
        handle = inquiry_page_image_path(inquiry=found.inquiry, page_id=page_id).open("rb")
    except (ApplicationError, OSError):
        return _page(request, "desk/not_found.html", {"error": _("No such page.")}, status=404)
    response = FileResponse(handle, content_type="image/png")
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@desk_roles_required(DESK_ROLES)
def inquiry_fax_document(request: HttpRequest, reference: str, fax_id: int):
    """A fax received for the inquiry: always a download (it came from outside)."""
    try:
        found = selectors.inquiry_for_desk(viewer=request.user, reference_number=reference)
        fax, path = inquiry_fax_path(inquiry=found.inquiry, fax_id=fax_id)
        handle = path.open("rb")
    except (ApplicationError, OSError):
        return _page(request, "desk/not_found.html", {"error": _("No such fax.")}, status=404)
    return FileResponse(
        handle, as_attachment=True, filename=f"fax-{fax.pk}.pdf",
        content_type="application/octet-stream",
    )  # fmt: skip


def _acting(request: HttpRequest, reference: str) -> selectors.DeskInquiry | HttpResponse:
    try:
        found = selectors.inquiry_for_desk(viewer=request.user, reference_number=reference)
    except ApplicationError as error:
        return _page(request, "desk/not_found.html", {"error": error.message}, status=404)
    if not found.can_act:
        messages.error(request, _("Only whoever works this inquiry can do that."))
        return redirect("desk:inquiry", reference=reference)
    return found


@require_POST
@desk_roles_required(DESK_ROLES)
def inquiry_fax_cover(request: HttpRequest, reference: str) -> HttpResponse:
    """Ask for a document by fax: recorded on the inquiry, and its cover sheet downloaded."""
    found = _acting(request, reference)
    if isinstance(found, HttpResponse):
        return found
    assert isinstance(request.user, User)
    try:
        _request, pdf = fax_request(inquiry=found.inquiry, actor=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("desk:inquiry", reference=reference)
    return _pdf(pdf, f"fax-cover-{reference}.pdf")


@require_POST
@desk_roles_required(DESK_ROLES)
def inquiry_reply_letter(request: HttpRequest, reference: str) -> HttpResponse:
    """A reply by mail: the letter, on letterhead, to the address on file, for printing."""
    found = _acting(request, reference)
    if isinstance(found, HttpResponse):
        return found
    assert isinstance(request.user, User)
    form = forms.ReplyLetterForm(request.POST, prefix="letter")
    if not form.is_valid():
        messages.error(request, _("Write the letter's text."))
        return redirect("desk:inquiry", reference=reference)
    try:
        pdf = reply_letter_make(
            inquiry=found.inquiry, actor=request.user, body=form.cleaned_data["body"]
        )
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("desk:inquiry", reference=reference)
    return _pdf(pdf, f"letter-{reference}.pdf")
