"""Every write of the mail room: scanned batches and their OCR, letters confirmed into
inquiries, fax requests and cover sheets, inbound faxes and their matching, reply letters.

An upload is checked whole before anything is kept (its kind read from its bytes, its size,
its structure, its page count): a refusal keeps nothing and says why. Once kept, a page is
never lost: OCR runs afterwards in a background task, and a failure leaves the page with its
reason, to be read again or typed in by a person. A fax is known by its provider's fax id, so
a webhook delivered twice changes nothing the second time. Texts and numbers people wrote
never go into a log line.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from contactcenter.cases.models import Case
from contactcenter.cases.selectors import CaseNotFound, case_get_for_viewer
from contactcenter.core.errors import (
    ApplicationError,
    ErrorCode,
    InvalidInput,
    NotFound,
    UnacceptableFile,
)
from contactcenter.core.private_files import file_keep, private_root
from contactcenter.core.receipt_numbers import InvalidReceiptNumber, ReceiptNumber
from contactcenter.core.reference_numbers import InvalidReferenceNumber, ReferenceNumber
from contactcenter.inquiries.models import Channel, EventKind, Inquiry, InquiryEvent, InquiryState
from contactcenter.inquiries.services import inquiry_add_message, inquiry_open, inquiry_reopen
from contactcenter.mailroom import reading
from contactcenter.mailroom.fax_media import FaxMediaUnavailable, fax_media_fetcher
from contactcenter.mailroom.models import (
    Fax,
    FaxRequest,
    FaxState,
    Letter,
    MatchedBy,
    PageState,
    ScanBatch,
    ScannedPage,
)
from contactcenter.servicerequests.file_content import FileRefused, content_check

logger = logging.getLogger(__name__)

SCAN_KINDS = ("pdf", "tiff", "jpeg")
INQUIRY_MESSAGE_MAX = 10_000
FAX_QR_PAGES = 3  # a cover sheet is looked for on the first pages only


def mailroom_root() -> Path:
    return private_root("mailroom")


def _file_keep(content: bytes, *, folder: str, suffix: str) -> str:
    return file_keep(mailroom_root(), content, folder=folder, suffix=suffix)


def file_read(relative: str) -> bytes:
    return (mailroom_root() / relative).read_bytes()


# --- Scanning ------------------------------------------------------------------------------


class ScanRefused(UnacceptableFile):
    """A scanned file refused: the message names the file and says why; nothing was kept."""


@dataclass(frozen=True, slots=True)
class ScanFile:
    """One uploaded file: its name as the browser gave it, its bytes, and whether the upload
    handler dropped it for size while it streamed (``too_large``, content gone)."""

    name: str
    content: bytes
    too_large: bool = False
    size: int = 0


def _mb(size: int) -> str:
    return f"{size / 1_048_576:.1f}"


def scan_file_check(file: ScanFile) -> tuple[str, int]:
    """(kind, pages) of an acceptable scan, else ``ScanRefused`` saying why in words."""
    name = file.name or _("the file")
    limit = settings.MAILROOM_SCAN_MAX_BYTES
    size = max(file.size, len(file.content))
    if file.too_large or size > limit:
        raise ScanRefused(
            _("%(name)s is %(size)s MB; a scanned file can be at most %(limit)s MB.")
            % {"name": name, "size": _mb(size), "limit": _mb(limit)}
        )
    if not file.content:
        raise ScanRefused(_("%(name)s is empty.") % {"name": name})
    kind = reading.kind_of(file.content)
    if kind not in SCAN_KINDS:
        raise ScanRefused(
            _("%(name)s is not a PDF, TIFF or JPEG file (read from its content, not its name).")
            % {"name": name}
        )
    try:
        if kind == "pdf":
            content_check(file.content, "application/pdf")
        elif kind == "jpeg":
            content_check(file.content, "image/jpeg")
        pages = reading.page_count(file.content, kind)
    except (FileRefused, reading.UnreadableFile) as refused:
        logger.info("mailroom.scan_refused", extra={"reason": refused.reason})
        raise ScanRefused(
            _("%(name)s cannot be accepted: it is damaged or carries active content.")
            % {"name": name}
        ) from refused
    if pages < 1:
        raise ScanRefused(_("%(name)s has no pages.") % {"name": name})
    if pages > settings.MAILROOM_SCAN_MAX_PAGES:
        raise ScanRefused(
            _("%(name)s has %(pages)d pages; a scanned file can have at most %(limit)d.")
            % {"name": name, "pages": pages, "limit": settings.MAILROOM_SCAN_MAX_PAGES}
        )
    return kind, pages


def _enqueue_page(page_id: int) -> None:
    read_scanned_page.enqueue(page_id)


@transaction.atomic
def scan_batch_create(*, actor: User, files: list[ScanFile], label: str = "") -> ScanBatch:
    """A batch of scanned files, each split into pages that OCR reads in the background.

    Every file is checked before any is kept: one refused file refuses the batch, nothing
    stored, with the reason for that file."""
    if not files:
        raise InvalidInput(_("Choose at least one scanned file."))
    checked = [(file, *scan_file_check(file)) for file in files]
    profile = getattr(actor, "staff_profile", None)
    batch = ScanBatch.objects.create(
        created_by=actor,
        office_id=getattr(profile, "office_id", None),
        label=" ".join(label.split())[:100],
    )
    for file, kind, pages in checked:
        stored = _file_keep(file.content, folder="scans", suffix=f".{kind}")
        digest = hashlib.sha256(file.content).hexdigest()
        for index in range(pages):
            page = ScannedPage.objects.create(
                batch=batch,
                source_path=stored,
                source_kind=kind,
                source_sha256=digest,
                source_index=index,
            )
            transaction.on_commit(partial(_enqueue_page, page.pk), robust=True)
    logger.info(
        "mailroom.batch_created",
        extra={"batch_id": batch.pk, "files": len(files), "pages": batch.pages.count()},
    )
    return batch


def scanned_page_read(*, page_id: int) -> ScannedPage:
    """Draw the page, keep the drawing, read its text and find the identifiers in it.

    Safe to run twice (a page already read or confirmed is left alone). Any failure is
    recorded on the page by kind, and the page stays, to be read again."""
    with transaction.atomic():
        page = ScannedPage.objects.select_for_update().get(pk=page_id)
        if page.state not in (PageState.WAITING, PageState.FAILED):
            return page
        ScannedPage.objects.filter(pk=page_id).update(attempts=page.attempts + 1)
    try:
        content = file_read(page.source_path)
        image = reading.page_image(content, page.source_kind, page.source_index)
        image_path = _file_keep(reading.png_bytes(image), folder="pages", suffix=".png")
        text = reading.ocr(image)
    except reading.UnreadableFile as error:
        return _page_failed(page_id, error.reason)
    except Exception as error:  # tesseract missing or crashing, a file gone: kept, said why
        return _page_failed(page_id, f"ocr:{type(error).__name__}")
    found = reading.identifiers_find(text)
    ScannedPage.objects.filter(pk=page_id, state__in=(PageState.WAITING, PageState.FAILED)).update(
        state=PageState.READ,
        image_path=image_path,
        ocr_text=text.strip(),
        found=found.as_dict(),
        language=reading.language_guess(text),
        failure_reason="",
        read_at=timezone.now(),
    )
    logger.info("mailroom.page_read", extra={"page_id": page_id})
    return ScannedPage.objects.get(pk=page_id)


def _page_failed(page_id: int, reason: str) -> ScannedPage:
    ScannedPage.objects.filter(pk=page_id).update(
        state=PageState.FAILED, failure_reason=reason[:120]
    )
    logger.warning("mailroom.page_failed", extra={"page_id": page_id, "reason": reason})
    return ScannedPage.objects.get(pk=page_id)


@task()
def read_scanned_page(page_id: int) -> str:
    """The background task the worker runs for each page: one service call."""
    return str(scanned_page_read(page_id=page_id).state)


@transaction.atomic
def scanned_page_retry(*, page_id: int) -> ScannedPage:
    """Read a failed page again (after the cause was fixed)."""
    page = ScannedPage.objects.select_for_update().filter(pk=page_id).first()
    if page is None or page.state != PageState.FAILED:
        raise InvalidInput(_("Only a page that could not be read can be read again."))
    page.state = PageState.WAITING
    page.save(update_fields=["state"])
    transaction.on_commit(partial(_enqueue_page, page.pk), robust=True)
    return page


# --- Letters -------------------------------------------------------------------------------


def _reference(raw: str) -> str:
    if not raw.strip():
        return ""
    try:
        return ReferenceNumber.parse(raw).value
    except InvalidReferenceNumber as error:
        raise InvalidInput(error.message) from error


def _receipt(raw: str) -> str:
    if not raw.strip():
        return ""
    try:
        return ReceiptNumber.parse(raw).value
    except InvalidReceiptNumber as error:
        raise InvalidInput(error.message) from error


def _letter_text(pages: list[ScannedPage]) -> str:
    text = "\n\n".join(page.ocr_text for page in pages if page.ocr_text).strip()
    text = text or _("(A letter whose text could not be read: see the scanned pages.)")
    if len(text) > INQUIRY_MESSAGE_MAX:
        text = text[: INQUIRY_MESSAGE_MAX - 1] + "…"
    return text


@transaction.atomic
def letter_confirm(
    *,
    actor: User,
    page_ids: list[int],
    receipt_number: str = "",
    reference_number: str = "",
    language: str = "en",
) -> Letter:
    """A person confirmed what the pages are: one letter.

    With an inquiry's reference number, the letter joins that inquiry (reopened if closed).
    Otherwise it opens an inquiry on channel "mail", attached to the case the receipt number
    names, for the office that holds the case (without a case, for the contact center).
    ``page_ids`` must be pages read (or failed, their text typed elsewhere) and not yet part
    of a letter."""
    if language not in ("en", "es"):
        raise InvalidInput(_("Choose English or Spanish."))
    pages = list(
        ScannedPage.objects.select_for_update()
        .filter(pk__in=page_ids, state__in=(PageState.READ, PageState.FAILED))
        .order_by("batch_id", "id")
    )
    if not page_ids or len(pages) != len(set(page_ids)):
        raise InvalidInput(_("Those pages are not waiting to be confirmed."))
    reference = _reference(reference_number)
    receipt = _receipt(receipt_number)
    case = None
    if receipt:
        case = Case.objects.select_related("office").filter(receipt_number=receipt).first()
        if case is None:
            raise InvalidInput(_("No case has that receipt number. Check it against the page."))
    text = _letter_text(pages)
    if reference:
        inquiry = Inquiry.objects.filter(reference_number=reference).first()
        if inquiry is None:
            raise InvalidInput(_("No inquiry has that reference number."))
        if inquiry.state == InquiryState.CLOSED:
            inquiry_reopen(inquiry=inquiry, actor=actor, reason="A letter arrived by mail.")
        inquiry_add_message(inquiry=inquiry, body=text, actor_label="person")
        opened = False
        case = case or inquiry.case
    else:
        inquiry = inquiry_open(
            channel=Channel.MAIL,
            language=language,
            topic="mail",
            case=case,
            first_message=text,
            actor=actor,
        )
        opened = True
    office = case.office if case is not None else None
    letter = Letter.objects.create(
        inquiry=inquiry, case=case, office=office, opened_inquiry=opened, confirmed_by=actor
    )
    ScannedPage.objects.filter(pk__in=[page.pk for page in pages]).update(
        state=PageState.CONFIRMED, letter=letter
    )
    InquiryEvent.objects.create(
        inquiry=inquiry,
        kind=EventKind.ACTION,
        actor=actor,
        actor_label="staff",
        body=(
            f"Letter of {len(pages)} page(s) scanned; routed to office {office.code}."
            if office is not None
            else f"Letter of {len(pages)} page(s) scanned; no case named, kept by the contact "
            "center."
        ),
        data={"letter_id": letter.pk, "office": office.code if office else ""},
    )
    logger.info(
        "mailroom.letter_confirmed",
        extra={"letter_id": letter.pk, "inquiry_id": inquiry.pk, "opened": opened},
    )
    return letter


# --- Fax requests and cover sheets ---------------------------------------------------------


@transaction.atomic
def fax_request(*, inquiry: Inquiry, actor: User) -> tuple[FaxRequest, bytes]:
    """The agent needs a document by fax: recorded on the inquiry (a fax for it is now
    expected), and the cover sheet to give the person (PDF, English and Spanish)."""
    if inquiry.state == InquiryState.CLOSED:
        raise InvalidInput(_("This inquiry is closed: reopen it before asking for a fax."))
    request = FaxRequest.objects.create(inquiry=inquiry, requested_by=actor)
    InquiryEvent.objects.create(
        inquiry=inquiry,
        kind=EventKind.ACTION,
        actor=actor,
        actor_label="staff",
        body="Document asked for by fax; cover sheet produced.",
        data={"fax_request_id": request.pk},
    )
    from contactcenter.mailroom import documents  # fpdf: imported where a PDF is drawn

    pdf = documents.fax_cover_sheet(
        reference_number=inquiry.reference_number, when=timezone.localdate()
    )
    return request, pdf


# --- Inbound fax ---------------------------------------------------------------------------


class FaxRefused(UnacceptableFile):
    """A fax document refused (not a PDF, too large, damaged): nothing kept."""


@dataclass(frozen=True, slots=True)
class FaxReceived:
    fax: Fax
    already_seen: bool = False


def _fax_document_check(content: bytes) -> None:
    limit = settings.MAILROOM_FAX_MAX_BYTES
    if len(content) > limit:
        raise FaxRefused(
            _("The fax is %(size)s MB; at most %(limit)s MB is accepted.")
            % {"size": _mb(len(content)), "limit": _mb(limit)}
        )
    if reading.kind_of(content) != "pdf":
        raise FaxRefused(_("The fax document is not a PDF."))
    try:
        content_check(content, "application/pdf")
        reading.page_count(content, "pdf")
    except (FileRefused, reading.UnreadableFile) as refused:
        raise FaxRefused(_("The fax document is damaged or carries active content.")) from refused


def _fax_enqueue(fax_id: int) -> None:
    process_fax.enqueue(fax_id)


def fax_receive(
    *,
    provider: str,
    provider_fax_id: str,
    from_number: str = "",
    page_count: int = 0,
    content: bytes | None = None,
    media_url: str = "",
) -> FaxReceived:
    """Record an inbound fax once per (provider, fax id), with its PDF (``content``) or where
    to fetch it (``media_url``), and hand it to the background task that reads it.

    A second delivery of the same fax id changes nothing and says so. A document that is not
    an acceptable PDF is refused before anything is kept."""
    provider_fax_id = provider_fax_id.strip()[:100]
    if not provider_fax_id:
        raise InvalidInput(_("A fax needs the provider's fax id."))
    if content is None and not media_url:
        raise InvalidInput(_("A fax needs its document or the address to fetch it from."))
    seen = Fax.objects.filter(provider=provider, provider_fax_id=provider_fax_id).first()
    if seen is not None:
        return FaxReceived(fax=seen, already_seen=True)
    if content is not None:
        _fax_document_check(content)
    try:
        with transaction.atomic():
            fax = Fax.objects.create(
                provider=provider,
                provider_fax_id=provider_fax_id,
                from_number=from_number.strip()[:40],
                page_count=max(0, min(page_count, 32_000)),
                state=FaxState.RECEIVED if content is not None else FaxState.FETCHING,
                media_url="" if content is not None else media_url[:2000],
                stored_path=""
                if content is None
                else _file_keep(content, folder="faxes", suffix=".pdf"),
                sha256=hashlib.sha256(content).hexdigest() if content is not None else "",
                size=len(content) if content is not None else 0,
            )
            transaction.on_commit(partial(_fax_enqueue, fax.pk), robust=True)
    except IntegrityError:  # the same fax id delivered twice at once: the other one won
        won = Fax.objects.get(provider=provider, provider_fax_id=provider_fax_id)
        return FaxReceived(fax=won, already_seen=True)
    logger.info("mailroom.fax_received", extra={"fax_id": fax.pk, "provider": provider})
    return FaxReceived(fax=fax)


def _fax_fetch(fax: Fax) -> Fax:
    """Fetch a fax's document from the provider (outside any transaction)."""
    try:
        content = fax_media_fetcher().fetch(
            fax.media_url, max_bytes=settings.MAILROOM_FAX_MAX_BYTES
        )
        _fax_document_check(content)
    except FaxMediaUnavailable as error:
        return _fax_failed(fax, f"fetch:{error.reason}")
    except FaxRefused:
        return _fax_failed(fax, "document_refused")
    Fax.objects.filter(pk=fax.pk, state=FaxState.FETCHING).update(
        state=FaxState.RECEIVED,
        stored_path=_file_keep(content, folder="faxes", suffix=".pdf"),
        sha256=hashlib.sha256(content).hexdigest(),
        size=len(content),
        media_url="",
        failure_reason="",
    )
    return Fax.objects.get(pk=fax.pk)


def _fax_failed(fax: Fax, reason: str) -> Fax:
    Fax.objects.filter(pk=fax.pk).update(state=FaxState.FAILED, failure_reason=reason[:120])
    logger.warning("mailroom.fax_failed", extra={"fax_id": fax.pk, "reason": reason})
    return Fax.objects.get(pk=fax.pk)


def _fax_references(content: bytes) -> tuple[list[str], str, str]:
    """(reference numbers, how they were found, the first page's text): a QR code on the
    first pages, else reference numbers OCR reads on the first page."""
    first_text = ""
    for index, image in enumerate(reading.pdf_pages(content, limit=FAX_QR_PAGES)):
        found = reading.qr_references(image)
        if found:
            return list(found), MatchedBy.QR, first_text
        if index == 0:
            first_text = reading.ocr(image)
    return list(reading.identifiers_find(first_text).references), MatchedBy.OCR, first_text


def fax_match(*, fax_id: int) -> Fax:
    """Read a received fax and attach it to the inquiry its cover sheet names; without one
    (or naming no inquiry we have), it waits in the review queue. A fax for an inquiry that
    did not ask for one is attached and flagged."""
    fax = Fax.objects.get(pk=fax_id)
    if fax.state != FaxState.RECEIVED:
        return fax
    try:
        references, how, text = _fax_references(file_read(fax.stored_path))
    except Exception as error:  # a drawing or OCR failure: kept, for a person to look at
        Fax.objects.filter(pk=fax_id).update(
            state=FaxState.REVIEW, failure_reason=f"read:{type(error).__name__}"[:120]
        )
        return Fax.objects.get(pk=fax_id)
    inquiry = Inquiry.objects.filter(reference_number__in=references).order_by("-id").first()
    with transaction.atomic():
        fax = Fax.objects.select_for_update().get(pk=fax_id)
        if fax.state != FaxState.RECEIVED:
            return fax
        fax.ocr_text = text.strip()
        if inquiry is None:
            fax.state = FaxState.REVIEW
            fax.save(update_fields=["state", "ocr_text"])
            logger.info("mailroom.fax_to_review", extra={"fax_id": fax_id})
            return fax
        _fax_attach(fax, inquiry, how, actor=None)
    return fax


def _fax_attach(fax: Fax, inquiry: Inquiry, how: str, *, actor: User | None) -> None:
    fax.inquiry = inquiry
    fax.matched_by = how
    fax.state = FaxState.ATTACHED
    fax.unrequested = not FaxRequest.objects.filter(inquiry=inquiry).exists()
    fax.save(update_fields=["inquiry", "matched_by", "state", "unrequested", "ocr_text"])
    if inquiry.state == InquiryState.CLOSED:
        inquiry_reopen(inquiry=inquiry, actor=actor, reason="A fax arrived for this inquiry.")
    InquiryEvent.objects.create(
        inquiry=inquiry,
        kind=EventKind.ACTION,
        actor=actor,
        actor_label="staff" if actor else "system",
        body=(
            f"Fax received ({fax.page_count or '?'} page(s))"
            + ("; this inquiry did not ask for a fax." if fax.unrequested else ".")
        ),
        data={"fax_id": fax.pk, "matched_by": how, "unrequested": fax.unrequested},
    )
    logger.info(
        "mailroom.fax_attached",
        extra={"fax_id": fax.pk, "inquiry_id": inquiry.pk, "matched_by": how,
               "unrequested": fax.unrequested},
    )  # fmt: skip


def fax_process(*, fax_id: int) -> Fax:
    fax = Fax.objects.get(pk=fax_id)
    if fax.state == FaxState.FETCHING:
        fax = _fax_fetch(fax)
    if fax.state == FaxState.RECEIVED:
        fax = fax_match(fax_id=fax_id)
    return fax


@task()
def process_fax(fax_id: int) -> str:
    """The background task for each fax: fetch it if need be, then match it."""
    return str(fax_process(fax_id=fax_id).state)


@transaction.atomic
def fax_attach_by_staff(*, fax_id: int, actor: User, reference_number: str) -> Fax:
    """A person in the review queue says which inquiry a fax belongs to."""
    fax = Fax.objects.select_for_update().filter(pk=fax_id, state=FaxState.REVIEW).first()
    if fax is None:
        raise NotFound(_("That fax is not waiting for review."))
    reference = _reference(reference_number)
    if not reference:
        raise InvalidInput(_("Enter the inquiry's reference number."))
    inquiry = Inquiry.objects.filter(reference_number=reference).first()
    if inquiry is None:
        raise InvalidInput(_("No inquiry has that reference number."))
    _fax_attach(fax, inquiry, MatchedBy.STAFF, actor=actor)
    return fax


# --- Replies by mail -----------------------------------------------------------------------


class NoAddressOnFile(ApplicationError):
    code = ErrorCode.NO_ADDRESS_ON_FILE
    http_status = 409


@transaction.atomic
def reply_letter_make(*, inquiry: Inquiry, actor: User, body: str) -> bytes:
    """A reply letter for printing: the agency's letterhead, the person's name and address on
    file (read through the audited case selector, so the read is in the disclosure log and a
    role that may not see the case gets nothing), the inquiry's reference number and the
    agent's words. The reply is written into the inquiry's history."""
    body = body.strip()
    if not body:
        raise InvalidInput(_("Write the letter's text."))
    if len(body) > INQUIRY_MESSAGE_MAX:
        raise InvalidInput(_("A letter can be at most 10,000 characters."))
    if inquiry.case is None:
        raise NoAddressOnFile(_("This inquiry names no case, so there is no address on file."))
    try:
        case = case_get_for_viewer(
            viewer=actor,
            receipt_number=ReceiptNumber.parse(inquiry.case.receipt_number),
            channel="mail",
            purpose="reply letter",
            fields="name,address",
        )
    except CaseNotFound as error:
        raise NoAddressOnFile(_("There is no address on file that you may see.")) from error
    person = case.applicant
    place = " ".join(part for part in (person.city, person.state, person.zip_code) if part)
    lines = tuple(line for line in (person.street, place) if line.strip())
    if not person.street.strip() or not person.zip_code.strip():
        raise NoAddressOnFile(_("The person's address on file is incomplete."))
    from contactcenter.mailroom import documents  # fpdf: imported where a PDF is drawn

    recipient = documents.Recipient(
        name=f"{person.given_name} {person.family_name}".strip(), address_lines=lines
    )
    if inquiry.state != InquiryState.CLOSED:
        inquiry_add_message(inquiry=inquiry, body=body, actor=actor, actor_label="staff")
    InquiryEvent.objects.create(
        inquiry=inquiry,
        kind=EventKind.ACTION,
        actor=actor,
        actor_label="staff",
        body="Reply letter produced for printing and mailing.",
        data={"reply_letter": True},
    )
    return documents.reply_letter(
        recipient=recipient,
        reference_number=inquiry.reference_number,
        language=inquiry.language,
        body=body,
        when=timezone.localdate(),
    )


# --- Work whose task was lost ---------------------------------------------------------------

STALLED_AFTER = dt.timedelta(minutes=10)


def mailroom_stalled_requeue(*, now: dt.datetime | None = None) -> int:
    """The periodic job's work: a page still waiting to be read, or a fax still waiting to be
    fetched or read, ten minutes after it was kept (its task lost with a worker, or never
    enqueued) goes to the task queue again. Each task is safe to run twice."""
    now = now or timezone.now()
    before = now - STALLED_AFTER
    pages = list(
        ScannedPage.objects.filter(
            state=PageState.WAITING, batch__created_at__lt=before
        ).values_list("pk", flat=True)[:200]
    )
    faxes = list(
        Fax.objects.filter(
            state__in=(FaxState.FETCHING, FaxState.RECEIVED), received_at__lt=before
        ).values_list("pk", flat=True)[:200]
    )
    for page_id in pages:
        transaction.on_commit(partial(_enqueue_page, page_id), robust=True)
    for fax_id in faxes:
        transaction.on_commit(partial(_fax_enqueue, fax_id), robust=True)
    return len(pages) + len(faxes)
