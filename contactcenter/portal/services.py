"""Every write the online account and the public pages make.

Keyword-only functions, one transaction each. Anything a person submitted is either written
whole or refused with an ``ApplicationError`` that says why, and nothing is written then.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import importlib
import logging
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from contactcenter.appointments.models import AppointmentRequest
from contactcenter.appointments.services import appointment_request_create
from contactcenter.cases.models import Case
from contactcenter.cases.statuses import CaseStatus
from contactcenter.core.errors import ApplicationError, ErrorCode, InvalidInput, NotFound
from contactcenter.core.receipt_numbers import ReceiptNumber
from contactcenter.core.redaction import redact
from contactcenter.inquiries.models import Channel, Inquiry, InquiryState, VerifiedAs
from contactcenter.inquiries.services import (
    inquiry_add_message,
    inquiry_open,
    inquiry_verified_by_account,
)
from contactcenter.notifications.services import notification_queue
from contactcenter.people.models import Person, Representative
from contactcenter.portal.models import (
    AccessCode,
    AccountLink,
    EventRegistration,
    Message,
    OutreachEvent,
    RepresentativeLink,
    ScanState,
    Thread,
    Upload,
)
from contactcenter.routing.models import QueueTier, WorkItem, WorkKind, WorkState
from contactcenter.routing.services import QueueChoice, queue_for, work_item_enqueue
from contactcenter.servicerequests.evidence import (
    EvidenceUpload,
    evidence_check,
    private_files_root,
)
from contactcenter.servicerequests.services import (
    ServiceRequestCreated,
    service_request_submit_online,
)

logger = logging.getLogger(__name__)

# No 0/O or 1/I/L: the code is typed from paper.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 12
RFE_STATUSES = frozenset({CaseStatus.RFE_SENT})
ACCOUNT_HELP_REPLY_HOURS = 48


class AccessCodeRefused(ApplicationError):
    code = ErrorCode.ACCESS_CODE_REFUSED
    http_status = 400


class AlreadyLinked(ApplicationError):
    code = ErrorCode.ALREADY_LINKED
    http_status = 409


class EventFull(ApplicationError):
    code = ErrorCode.EVENT_FULL
    http_status = 409


# --- Settings with defaults (read from the environment in settings.py when set) -------------


def access_code_days() -> int:
    return int(getattr(settings, "PORTAL_ACCESS_CODE_DAYS", 90))


def access_code_max_attempts() -> int:
    return int(getattr(settings, "PORTAL_ACCESS_CODE_MAX_ATTEMPTS", 5))


# --- Online Access Codes ---------------------------------------------------------------------


def access_code_normalise(raw: str) -> str:
    return "".join(ch for ch in raw.upper() if ch.isalnum())


def access_code_hash(code: str) -> str:
    """A keyed hash: a copy of the table alone does not let anyone try codes offline."""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, access_code_normalise(code).encode(), hashlib.sha256).hexdigest()


def access_code_format(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


@transaction.atomic
def access_code_issue(*, case: Case, now: dt.datetime | None = None) -> tuple[AccessCode, str]:
    """A new code for ``case``; earlier unused codes stop working. The plain code is returned
    once (to print on the notice) and never stored."""
    now = now or timezone.now()
    AccessCode.objects.filter(case=case, used_at__isnull=True, revoked_at__isnull=True).update(
        revoked_at=now
    )
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        try:
            with transaction.atomic():
                row = AccessCode.objects.create(
                    case=case,
                    code_hash=access_code_hash(code),
                    expires_at=now + dt.timedelta(days=access_code_days()),
                )
            break
        except IntegrityError:  # pragma: no cover - a 60-bit collision
            continue
    logger.info("portal.access_code_issued", extra={"case_id": case.pk, "code_id": row.pk})
    return row, access_code_format(code)


def _refused() -> AccessCodeRefused:
    # One message for every failure: it must not tell whether the receipt number exists.
    return AccessCodeRefused(
        _(
            "That receipt number and access code do not match an active code. Check both, or "
            "ask for a new code if yours has expired or was used."
        )
    )


def access_code_redeem(
    *, user: User, receipt_number: str, code: str, now: dt.datetime | None = None
) -> Case:
    """Link ``user`` to the applicant of the case the code belongs to.

    The code must be the case's newest, unused, unexpired and tried fewer than the allowed
    number of times; a wrong code counts one failed attempt (kept even though the request is
    refused). Raises ``AccessCodeRefused`` or ``AlreadyLinked``.
    """
    now = now or timezone.now()
    try:
        receipt = ReceiptNumber.parse(receipt_number)
    except ApplicationError:
        raise _refused() from None
    with transaction.atomic():
        active = (
            AccessCode.objects.select_for_update(of=("self",))
            .select_related("case")
            .filter(
                case__receipt_number=receipt.value,
                used_at__isnull=True,
                revoked_at__isnull=True,
                expires_at__gt=now,
                failed_attempts__lt=access_code_max_attempts(),
            )
            .order_by("-created_at")
            .first()
        )
        if active is None:
            raise _refused()
        if not hmac.compare_digest(active.code_hash, access_code_hash(code)):
            AccessCode.objects.filter(pk=active.pk).update(failed_attempts=F("failed_attempts") + 1)
            failed = True
        else:
            failed = False
            case = active.case
            existing = AccountLink.objects.filter(user=user).first()
            if existing is not None and existing.person_id != case.applicant_id:
                raise AlreadyLinked(
                    _(
                        "This account already belongs to another applicant. Each person needs "
                        "their own account."
                    )
                )
            other = AccountLink.objects.filter(person_id=case.applicant_id).exclude(user=user)
            if other.exists():
                raise AlreadyLinked(
                    _(
                        "This case's applicant already has an online account. Sign in to that "
                        "account, or use the account help form if you cannot."
                    )
                )
            if existing is None:
                AccountLink.objects.create(user=user, person_id=case.applicant_id)
            active.used_at = now
            active.used_by = user
            active.save(update_fields=["used_at", "used_by", "updated_at"])
    if failed:
        # The failed attempt is committed above; refusing now changes nothing else.
        logger.info("portal.access_code_failed", extra={"code_id": active.pk})
        raise _refused()
    logger.info("portal.access_code_used", extra={"code_id": active.pk})
    return case


# --- Representatives ---------------------------------------------------------------------------


@transaction.atomic
def representative_link_request(*, user: User, bar_number: str) -> RepresentativeLink:
    """A representative asks for this account to act for them; staff approve before any case
    shows. The bar number must match one representative on file."""
    bar_number = bar_number.strip().upper()
    if not bar_number or len(bar_number) > 40:
        raise InvalidInput(_("Give your bar number or accreditation number."))
    if AccountLink.objects.filter(user=user).exists():
        raise AlreadyLinked(_("This account belongs to an applicant."))
    matches = list(Representative.objects.filter(bar_number__iexact=bar_number)[:2])
    if len(matches) != 1:
        raise InvalidInput(
            _("We have no representative on file with that number. Check it and try again.")
        )
    link, created = RepresentativeLink.objects.get_or_create(
        user=user, defaults={"representative": matches[0]}
    )
    if not created and link.representative_id != matches[0].pk:
        raise AlreadyLinked(_("This account already asked to act for another representative."))
    return link


@transaction.atomic
def representative_link_approve(*, link: RepresentativeLink, actor: User) -> RepresentativeLink:
    locked = RepresentativeLink.objects.select_for_update().get(pk=link.pk)
    if locked.approved_at is None:
        locked.approved_at = timezone.now()
        locked.approved_by = actor
        locked.save(update_fields=["approved_at", "approved_by", "updated_at"])
    return locked


# --- Secure inbox ------------------------------------------------------------------------------


def _queue_secure_message(inquiry: Inquiry) -> WorkItem | None:
    """One waiting work item per inquiry: a second message while the first waits adds none."""
    waiting = WorkItem.objects.filter(
        inquiry=inquiry,
        kind=WorkKind.SECURE_MESSAGE,
        state__in=[WorkState.QUEUED, WorkState.OFFERED, WorkState.ASSIGNED],
    ).exists()
    if waiting:
        return None
    queue = queue_for(
        QueueChoice(tier=QueueTier.TIER1, language=inquiry.language, channel="secure_message")
    )
    return work_item_enqueue(inquiry=inquiry, kind=WorkKind.SECURE_MESSAGE, queue=queue)


def _clean_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise InvalidInput(_("Write a message."))
    if len(body) > 5000:
        raise InvalidInput(_("A message can be at most 5,000 characters."))
    return body


def _inquiry_for_message(
    *, thread: Thread, user: User, body: str, language: str, case: Case
) -> Inquiry:
    inquiry = thread.inquiry
    if inquiry is not None and inquiry.state != InquiryState.CLOSED:
        inquiry_add_message(inquiry=inquiry, body=body)
        return inquiry
    inquiry = inquiry_open(
        channel=Channel.SECURE_MESSAGE,
        language=language,
        topic="secure message",
        person=case.applicant,
        case=case,
        contact_email=user.email,
        first_message=body,
    )
    return inquiry_verified_by_account(
        inquiry=inquiry, case=case, verified_as=account_verified_as(user, case)
    )


def account_verified_as(user: User, case: Case) -> str:
    """Who a signed-in account holder is on ``case``, which the caller found through the
    account (so the link is already checked): its applicant, or the representative."""
    from contactcenter.portal.selectors import account_role

    role = account_role(user)
    if role.representative_id is not None and role.representative_id == case.representative_id:
        return VerifiedAs.REPRESENTATIVE
    return VerifiedAs.APPLICANT


@transaction.atomic
def thread_start(*, user: User, case: Case, subject: str, body: str, language: str) -> Thread:
    """A new conversation about ``case`` (already checked to be this account's case)."""
    subject = (subject or "").strip()
    if not subject:
        raise InvalidInput(_("Give the message a subject."))
    if len(subject) > 120:
        raise InvalidInput(_("Keep the subject to at most 120 characters."))
    body = _clean_body(body)
    if language not in ("en", "es"):
        raise InvalidInput(_("Language must be en or es."))
    now = timezone.now()
    thread = Thread.objects.create(case=case, user=user, subject=subject, last_message_at=now)
    Message.objects.create(thread=thread, author=user, body=body)
    thread.inquiry = _inquiry_for_message(
        thread=thread, user=user, body=body, language=language, case=case
    )
    thread.save(update_fields=["inquiry", "updated_at"])
    _queue_secure_message(thread.inquiry)
    return thread


@transaction.atomic
def thread_message_add(*, user: User, thread: Thread, body: str, language: str) -> Message:
    """The person writes again in a thread: the open inquiry is extended, or a new one opened."""
    body = _clean_body(body)
    locked = (
        Thread.objects.select_for_update(of=("self",))
        .select_related("inquiry", "case")
        .get(pk=thread.pk)
    )
    message = Message.objects.create(thread=locked, author=user, body=body)
    locked.inquiry = _inquiry_for_message(
        thread=locked, user=user, body=body, language=language, case=locked.case
    )
    locked.last_message_at = message.created_at
    locked.awaiting_reply = True
    locked.save(update_fields=["inquiry", "last_message_at", "awaiting_reply", "updated_at"])
    _queue_secure_message(locked.inquiry)
    return message


def _person_phone(thread: Thread) -> str:
    person = Person.objects.filter(portal_account_link__user_id=thread.user_id).first()
    return person.phone if person and person.phone else ""


@transaction.atomic
def thread_reply_staff(*, actor: User, thread: Thread, body: str) -> Message:
    """A member of staff answers. The person is told a message is waiting, never what it says.

    Work items for the thread's inquiry that are waiting or held by this agent are finished.
    """
    body = _clean_body(body)
    locked = (
        Thread.objects.select_for_update(of=("self",)).select_related("inquiry").get(pk=thread.pk)
    )
    message = Message.objects.create(thread=locked, author=actor, from_staff=True, body=body)
    inquiry = locked.inquiry
    language = inquiry.language if inquiry else "en"
    if inquiry is not None and inquiry.state != InquiryState.CLOSED:
        inquiry_add_message(inquiry=inquiry, body=body, actor=actor, actor_label="agent")
        WorkItem.objects.filter(
            inquiry=inquiry,
            kind=WorkKind.SECURE_MESSAGE,
            state__in=[WorkState.QUEUED, WorkState.OFFERED, WorkState.ASSIGNED],
        ).update(state=WorkState.DONE, updated_at=timezone.now())
    locked.last_message_at = message.created_at
    locked.awaiting_reply = False
    locked.save(update_fields=["last_message_at", "awaiting_reply", "updated_at"])
    user = User.objects.get(pk=locked.user_id)
    recipients = [("email", user.email), ("sms", _person_phone(locked))]
    for channel, recipient in recipients:
        if recipient:
            notification_queue(
                channel=channel,
                recipient=recipient,
                template="secure_message_waiting",
                language=language,
                context={},
                inquiry=inquiry,
            )
    return message


@transaction.atomic
def thread_mark_read(*, thread: Thread) -> int:
    return Message.objects.filter(thread=thread, from_staff=True, read_at__isnull=True).update(
        read_at=timezone.now()
    )


# --- Evidence uploads (answering a request for evidence) ---------------------------------------


@dataclass(frozen=True, slots=True)
class ScanResult:
    clean: bool
    scanned: bool


_EICAR = b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE"


def scan_builtin(content: bytes) -> ScanResult:
    """The default scanning hook: refuses the standard anti-virus test file and marks every
    other file as not yet scanned. Set ``PORTAL_UPLOAD_SCANNER`` to a dotted path of a callable
    ``(bytes) -> ScanResult`` to plug in a real scanner (ClamAV, a cloud service)."""
    if _EICAR in content:
        return ScanResult(clean=False, scanned=True)
    return ScanResult(clean=True, scanned=False)


def upload_scanner():
    path = getattr(settings, "PORTAL_UPLOAD_SCANNER", "")
    if not path:
        return scan_builtin
    module, _sep, name = path.rpartition(".")
    return getattr(importlib.import_module(module), name)


def _write_private(case_id: int, content: bytes, extension: str) -> str:
    relative = f"portal/{case_id}/{secrets.token_hex(16)}.{extension}"
    target = private_files_root() / relative
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    with open(target, "xb") as handle:
        handle.write(content)
    target.chmod(0o600)
    return relative


def rfe_response_upload(
    *, user: User, case: Case, files: Sequence[EvidenceUpload], label: str = ""
) -> list[Upload]:
    """Files answering a request for evidence: each checked by its content (PDF, JPEG or PNG,
    size), scanned, then written outside the web root. One bad file refuses them all."""
    if case.status not in RFE_STATUSES:
        raise InvalidInput(_("This case has no open request for evidence."))
    if not files:
        raise InvalidInput(_("Choose at least one file."))
    checked = evidence_check(files)
    scanner = upload_scanner()
    results = []
    for upload, item in zip(files, checked, strict=True):
        result = scanner(item.content)
        if not result.clean:
            raise InvalidInput(
                _("The file %(name)s was refused by the security check.")
                % {"name": (upload.name or "")[:80]}
            )
        results.append(result)
    label = redact((label or "").strip()[:120]).text
    written: list[str] = []
    try:
        with transaction.atomic():
            rows = []
            for item, result in zip(checked, results, strict=True):
                relative = _write_private(case.pk, item.content, item.extension)
                written.append(relative)
                rows.append(
                    Upload.objects.create(
                        case=case,
                        user=user,
                        stored_path=relative,
                        content_type=item.content_type,
                        size=len(item.content),
                        sha256=item.sha256,
                        label=label,
                        scan_state=ScanState.CLEAN if result.scanned else ScanState.NOT_SCANNED,
                    )
                )
    except BaseException:
        for relative in written:  # the rows are gone: do not leave their files behind
            (private_files_root() / relative).unlink(missing_ok=True)
        raise
    logger.info("portal.rfe_uploaded", extra={"case_id": case.pk, "files": len(rows)})
    return rows


# --- Service requests and appointment requests -------------------------------------------------


def service_request_online(
    *,
    user: User,
    case: Case,
    type_code: str,
    details: dict,
    language: str,
    reply_channel: str | None = None,
) -> ServiceRequestCreated:
    """A request made from the account, for the case's applicant (a representative acts for
    them); the service checks the rules and opens the inquiry."""
    return service_request_submit_online(
        person=case.applicant,
        case=case,
        verified_as=account_verified_as(user, case),
        type_code=type_code,
        details=details,
        language=language,
        reply_channel=reply_channel,
    )


@transaction.atomic
def appointment_request_online(
    *,
    user: User,
    case: Case,
    reason: str,
    zip_code: str,
    accommodations: Sequence[str] = (),
    accommodation_note: str = "",
    details: str = "",
    language: str,
) -> AppointmentRequest:
    """An appointment (or accommodation) request from the account: a secure-message inquiry is
    opened for it and the appointments service routes it for Tier 2 review."""
    with translation.override(language):
        inquiry = inquiry_open(
            channel=Channel.SECURE_MESSAGE,
            language=language,
            topic="appointment request",
            person=case.applicant,
            case=case,
            contact_email=user.email,
        )
        inquiry = inquiry_verified_by_account(
            inquiry=inquiry, case=case, verified_as=account_verified_as(user, case)
        )
        return appointment_request_create(
            inquiry=inquiry,
            reason=reason,
            zip_code=zip_code,
            accommodations=accommodations,
            accommodation_note=accommodation_note,
            details=details,
        )


# --- Public forms ------------------------------------------------------------------------------

ACCOUNT_HELP_TOPICS = ("password", "locked", "access_code", "other")
FEEDBACK_KINDS = (
    "compliment",
    "complaint_service",
    "complaint_officer",
    "misconduct",
    "fraud",
    "accessibility",
)
# Which queue tier each kind of feedback goes to: complaints about people, misconduct, fraud
# and accessibility complaints go to supervisors; compliments and service complaints to Tier 1.
FEEDBACK_TIER = {
    "compliment": QueueTier.TIER1,
    "complaint_service": QueueTier.TIER1,
    "complaint_officer": QueueTier.SUPERVISOR,
    "misconduct": QueueTier.SUPERVISOR,
    "fraud": QueueTier.SUPERVISOR,
    "accessibility": QueueTier.SUPERVISOR,
}
ANONYMOUS_ALLOWED = frozenset({"fraud", "misconduct"})


def _contact_clean(email: str, phone: str) -> tuple[str, str]:
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    email = (email or "").strip()
    phone = "".join(ch for ch in (phone or "") if ch.isdigit() or ch == "+")
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise InvalidInput(_("Give a valid email address.")) from None
    if phone:
        digits = phone.lstrip("+")
        if len(digits) == 10:
            phone = "+1" + digits
        elif len(digits) == 11 and digits.startswith("1"):
            phone = "+" + digits
        else:
            raise InvalidInput(_("Give a 10-digit U.S. phone number."))
    return email, phone


def _webform_inquiry(
    *,
    topic: str,
    tier: str,
    language: str,
    body: str,
    email: str,
    phone: str,
    due_at: dt.datetime | None = None,
) -> Inquiry:
    inquiry = inquiry_open(
        channel=Channel.WEBFORM,
        language=language,
        topic=topic,
        contact_email=email,
        contact_phone=phone,
        first_message=body,
    )
    queue = queue_for(QueueChoice(tier=tier, language=language, channel="webform"))
    work_item_enqueue(inquiry=inquiry, kind=WorkKind.WEBFORM_REPLY, queue=queue, due_at=due_at)
    return inquiry


@transaction.atomic
def account_help_submit(
    *, topic: str, description: str, email: str, phone: str, language: str
) -> Inquiry:
    """An account problem, sent without signing in: an inquiry answered within 48 hours by
    email or phone. No case information is given through it."""
    if topic not in ACCOUNT_HELP_TOPICS:
        raise InvalidInput(_("Choose what the problem is about."))
    description = (description or "").strip()
    if not description:
        raise InvalidInput(_("Describe the problem."))
    if len(description) > 2000:
        raise InvalidInput(_("Keep the description to at most 2,000 characters."))
    email, phone = _contact_clean(email, phone)
    if not (email or phone):
        raise InvalidInput(_("Give an email address or a phone number so we can answer."))
    if language not in ("en", "es"):
        raise InvalidInput(_("Language must be en or es."))
    return _webform_inquiry(
        topic=f"account help: {topic}",
        tier=QueueTier.TIER1,
        language=language,
        body=description,
        email=email,
        phone=phone,
        due_at=timezone.now() + dt.timedelta(hours=ACCOUNT_HELP_REPLY_HOURS),
    )


@transaction.atomic
def feedback_submit(
    *, kind: str, body: str, email: str, phone: str, anonymous: bool, language: str
) -> Inquiry:
    if kind not in FEEDBACK_KINDS:
        raise InvalidInput(_("Choose what kind of feedback this is."))
    body = (body or "").strip()
    if not body:
        raise InvalidInput(_("Tell us what happened."))
    if len(body) > 5000:
        raise InvalidInput(_("Keep it to at most 5,000 characters."))
    if language not in ("en", "es"):
        raise InvalidInput(_("Language must be en or es."))
    if anonymous:
        if kind not in ANONYMOUS_ALLOWED:
            raise InvalidInput(_("Only fraud tips and misconduct reports may be anonymous."))
        email, phone = "", ""
    else:
        email, phone = _contact_clean(email, phone)
    return _webform_inquiry(
        topic=f"feedback: {kind}",
        tier=FEEDBACK_TIER[kind],
        language=language,
        body=body,
        email=email,
        phone=phone,
    )


@transaction.atomic
def event_register(
    *, event: OutreachEvent, name: str, email: str, language: str, now: dt.datetime | None = None
) -> EventRegistration:
    now = now or timezone.now()
    name = (name or "").strip()
    if not name or len(name) > 120:
        raise InvalidInput(_("Give your name (at most 120 characters)."))
    email, _phone = _contact_clean(email, "")
    if not email:
        raise InvalidInput(_("Give a valid email address."))
    locked = OutreachEvent.objects.select_for_update().get(pk=event.pk)
    if locked.starts_at <= now:
        raise InvalidInput(_("Registration for this event has closed."))
    if EventRegistration.objects.filter(event=locked, email__iexact=email).exists():
        raise AlreadyLinked(_("This email address is already registered for this event."))
    if locked.registered >= locked.capacity:
        raise EventFull(_("This event is full."))
    registration = EventRegistration.objects.create(
        event=locked, name=name, email=email.lower(), language=language
    )
    OutreachEvent.objects.filter(pk=locked.pk).update(registered=F("registered") + 1)
    return registration


def not_found() -> NotFound:
    return NotFound(_("Not found."))
