"""Every write the online account makes (the public pages' writes are in ``public_services.py``).

Keyword-only functions, one transaction each. Anything a person submitted is either written
whole or refused with an ``ApplicationError`` that says why, and nothing is written then.
"""

from __future__ import annotations

import datetime as dt
import hmac
import logging
import secrets
from collections.abc import Sequence

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from contactcenter.appointments.models import AppointmentRequest
from contactcenter.appointments.services import appointment_request_create
from contactcenter.cases.models import Case
from contactcenter.cases.statuses import CaseStatus
from contactcenter.core.errors import ApplicationError, InvalidInput
from contactcenter.core.receipt_numbers import ReceiptNumber
from contactcenter.core.redaction import redact
from contactcenter.core.text_input import control_characters_refuse
from contactcenter.inquiries.models import Channel, InquiryState
from contactcenter.inquiries.services import (
    inquiry_add_message,
    inquiry_open,
    inquiry_verified_by_account,
)
from contactcenter.notifications.services import notification_queue
from contactcenter.people.models import Representative
from contactcenter.portal.access_codes import (
    CODE_ALPHABET,
    CODE_LENGTH,
    access_code_days,
    access_code_format,
    access_code_hash,
    access_code_max_attempts,
    access_code_refused,
)
from contactcenter.portal.errors import AlreadyLinked
from contactcenter.portal.inbox import (
    message_body_clean,
    message_inquiry,
    secure_message_queue,
    thread_person_phone,
)
from contactcenter.portal.models import (
    AccessCode,
    AccountLink,
    Message,
    RepresentativeLink,
    ScanState,
    Thread,
    Upload,
)
from contactcenter.portal.selectors import account_verified_as
from contactcenter.portal.uploads import private_file_write, upload_scanner
from contactcenter.routing.models import WorkKind
from contactcenter.routing.services import work_items_finish_for_inquiry
from contactcenter.servicerequests.creation import ServiceRequestCreated
from contactcenter.servicerequests.evidence import (
    EvidenceUpload,
    evidence_check,
    private_files_root,
)
from contactcenter.servicerequests.services import service_request_submit_online

logger = logging.getLogger(__name__)

RFE_STATUSES = frozenset({CaseStatus.RFE_SENT})


# --- Online Access Codes ---------------------------------------------------------------------


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
        raise access_code_refused() from None
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
            raise access_code_refused()
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
        raise access_code_refused()
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


@transaction.atomic
def thread_start(*, user: User, case: Case, subject: str, body: str, language: str) -> Thread:
    """A new conversation about ``case`` (already checked to be this account's case)."""
    subject = control_characters_refuse((subject or "").strip())
    if not subject:
        raise InvalidInput(_("Give the message a subject."))
    if len(subject) > 120:
        raise InvalidInput(_("Keep the subject to at most 120 characters."))
    body = message_body_clean(body)
    if language not in ("en", "es"):
        raise InvalidInput(_("Language must be en or es."))
    now = timezone.now()
    thread = Thread.objects.create(case=case, user=user, subject=subject, last_message_at=now)
    Message.objects.create(thread=thread, author=user, body=body)
    thread.inquiry = message_inquiry(
        thread=thread, user=user, body=body, language=language, case=case
    )
    thread.save(update_fields=["inquiry", "updated_at"])
    secure_message_queue(thread.inquiry)
    return thread


@transaction.atomic
def thread_message_add(*, user: User, thread: Thread, body: str, language: str) -> Message:
    """The person writes again in a thread: the open inquiry is extended, or a new one opened."""
    body = message_body_clean(body)
    locked = (
        Thread.objects.select_for_update(of=("self",))
        .select_related("inquiry", "case")
        .get(pk=thread.pk)
    )
    message = Message.objects.create(thread=locked, author=user, body=body)
    locked.inquiry = message_inquiry(
        thread=locked, user=user, body=body, language=language, case=locked.case
    )
    locked.last_message_at = message.created_at
    locked.awaiting_reply = True
    locked.save(update_fields=["inquiry", "last_message_at", "awaiting_reply", "updated_at"])
    secure_message_queue(locked.inquiry)
    return message


@transaction.atomic
def thread_reply_staff(*, actor: User, thread: Thread, body: str) -> Message:
    """A member of staff answers. The person is told a message is waiting, never what it says.

    Work items for the thread's inquiry that are waiting or held by this agent are finished.
    """
    body = message_body_clean(body)
    locked = (
        Thread.objects.select_for_update(of=("self",)).select_related("inquiry").get(pk=thread.pk)
    )
    message = Message.objects.create(thread=locked, author=actor, from_staff=True, body=body)
    inquiry = locked.inquiry
    language = inquiry.language if inquiry else "en"
    if inquiry is not None and inquiry.state != InquiryState.CLOSED:
        inquiry_add_message(inquiry=inquiry, body=body, actor=actor, actor_label="agent")
        work_items_finish_for_inquiry(
            inquiry=inquiry, kinds=[WorkKind.SECURE_MESSAGE], actor_user_id=actor.pk
        )
    locked.last_message_at = message.created_at
    locked.awaiting_reply = False
    locked.save(update_fields=["last_message_at", "awaiting_reply", "updated_at"])
    user = User.objects.get(pk=locked.user_id)
    recipients = [("email", user.email), ("sms", thread_person_phone(locked))]
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
                relative = private_file_write(case.pk, item.content, item.extension)
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
    evidence: Sequence[EvidenceUpload] = (),
) -> ServiceRequestCreated:
    """A request made from the account, for the case's applicant (a representative acts for
    them); the service checks the rules (an expedite request needs its evidence files, each
    checked by content) and opens the inquiry."""
    return service_request_submit_online(
        person=case.applicant,
        case=case,
        verified_as=account_verified_as(user, case),
        type_code=type_code,
        details=details,
        language=language,
        reply_channel=reply_channel,
        evidence=evidence,
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
