"""Scanning letters: files checked by content before anything is kept, pages read by OCR in
the background (a failure keeps the page and says why), a confirmed letter becomes a mail
inquiry on the case it names, for the office that holds the case."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from contactcenter.inquiries.models import Channel, InquiryEvent
from contactcenter.inquiries.services import inquiry_open
from contactcenter.mailroom import reading, services
from contactcenter.mailroom.models import Letter, PageState, ScanBatch, ScannedPage
from contactcenter.staff.models import Role
from tests.desk.staff_pages import _staff, staff_client
from tests.factories import CaseFactory, OfficeFactory, PersonFactory
from tests.mailroom.conftest import as_bytes, letter_image

pytestmark = pytest.mark.django_db

RECEIPT = "IOE0912345678"
LETTER = [
    "Dear Sir or Madam,",
    "Please tell me the status of my case.",
    f"My receipt number is {RECEIPT}.",
]


def _kept_files() -> list[Path]:
    root = Path(settings.PRIVATE_FILES_ROOT) / "mailroom"
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


@pytest.fixture
def office():
    return OfficeFactory(code="IOE")


@pytest.fixture
def clerk(office):
    return _staff(Role.OFFICE_STAFF, office=office)


@pytest.fixture
def case(office):
    return CaseFactory(receipt_number=RECEIPT, office=office, applicant=PersonFactory())


def _upload(client, *files):
    return client.post("/desk/mail-room/", {"files": list(files), "label": "Monday"}, follow=True)


def _file(name: str, content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)


def test_a_scanned_letter_is_read_and_confirmed_into_a_mail_inquiry(
    clerk, case, django_capture_on_commit_callbacks
):
    client = staff_client(clerk)
    letter = as_bytes([letter_image(LETTER)], "pdf")
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(client, _file("scan.pdf", letter))
    assert response.status_code == 200
    page = ScannedPage.objects.get()
    assert page.state == PageState.READ  # read in the background task, after the commit
    assert page.found["receipt_numbers"] == [RECEIPT]
    assert page.batch.office_id == clerk.staff_profile.office_id
    assert (Path(settings.PRIVATE_FILES_ROOT) / "mailroom" / page.image_path).exists()

    shown = client.get(f"/desk/mail-room/pages/{page.pk}/").content.decode()
    assert RECEIPT in shown and 'data-testid="page-image"' in shown
    image = client.get(f"/desk/mail-room/pages/{page.pk}/image/")
    assert image.status_code == 200 and image["Content-Type"] == "image/png"

    response = client.post(
        f"/desk/mail-room/pages/{page.pk}/",
        {"receipt_number": RECEIPT, "reference_number": "", "language": "en"},
    )
    assert response.status_code == 302
    letter_row = Letter.objects.get()
    inquiry = letter_row.inquiry
    assert inquiry.channel == Channel.MAIL
    assert inquiry.case == case
    assert letter_row.office == case.office  # routed to the office that holds the case
    page.refresh_from_db()
    assert page.state == PageState.CONFIRMED and page.letter == letter_row
    assert InquiryEvent.objects.filter(inquiry=inquiry, data__office="IOE").exists()
    assert (
        f"/desk/mail-room/letters/{letter_row.pk}/"
        in client.get("/desk/mail-room/").content.decode()
    )

    # The office that holds the case reads the letter and answers it by mail.
    shown = client.get(f"/desk/mail-room/letters/{letter_row.pk}/").content.decode()
    assert "status of my case" in shown
    assert (
        client.get(f"/desk/mail-room/letters/{letter_row.pk}/pages/{page.pk}/").status_code == 200
    )
    reply = client.post(
        f"/desk/mail-room/letters/{letter_row.pk}/reply/", {"letter-body": "We are on it."}
    )
    assert reply.status_code == 200 and reply["Content-Type"] == "application/pdf"
    other_office = staff_client(_staff(Role.OFFICE_STAFF, office=OfficeFactory(code="OTH")))
    assert other_office.get(f"/desk/mail-room/letters/{letter_row.pk}/").status_code == 404


def test_a_letter_quoting_a_reference_joins_that_inquiry(clerk):
    inquiry = inquiry_open(channel=Channel.PHONE, language="es")
    lines = ["Estimados señores:", f"Referencia {inquiry.reference_number}"]
    content = as_bytes([letter_image(lines)], "jpeg")
    batch = services.scan_batch_create(actor=clerk, files=[services.ScanFile("carta.jpg", content)])
    page = services.scanned_page_read(page_id=batch.pages.get().pk)
    assert page.found["references"] == [inquiry.reference_number]
    letter = services.letter_confirm(
        actor=clerk, page_ids=[page.pk], reference_number=inquiry.reference_number, language="es"
    )
    assert letter.inquiry == inquiry and not letter.opened_inquiry
    assert letter.office is None


def test_a_multi_page_tiff_becomes_one_page_each():
    clerk = _staff(Role.OFFICE_STAFF, office=OfficeFactory(code="ZZZ"))
    content = as_bytes([letter_image(["one"]), letter_image(["two"])], "tiff")
    batch = services.scan_batch_create(actor=clerk, files=[services.ScanFile("two.tif", content)])
    assert [p.source_index for p in batch.pages.all()] == [0, 1]
    assert {p.source_kind for p in batch.pages.all()} == {"tiff"}


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("letter.pdf", b"MZ\x90\x00 this is a program, not a scan", "is not a PDF, TIFF or JPEG"),
        ("letter.pdf", b"%PDF-1.4\n garbage that is no PDF", "damaged or carries active content"),
        ("letter.png", None, "is not a PDF, TIFF or JPEG"),
        ("empty.pdf", b"", "is empty"),
    ],
)
def test_bad_uploads_are_refused_with_the_reason_and_nothing_kept(clerk, name, content, reason):
    if content is None:
        import io

        buffer = io.BytesIO()
        letter_image(["png"]).save(buffer, format="PNG")
        content = buffer.getvalue()
    client = staff_client(clerk)
    good = as_bytes([letter_image(LETTER)], "pdf")
    response = _upload(client, _file("good.pdf", good), _file(name, content))
    assert reason in response.content.decode()
    assert name in response.content.decode()
    assert not ScanBatch.objects.exists() and not ScannedPage.objects.exists()
    assert _kept_files() == []


def test_a_file_too_large_is_refused(clerk, settings):
    settings.MAILROOM_SCAN_MAX_BYTES = 1000
    client = staff_client(clerk)
    response = _upload(client, _file("big.pdf", as_bytes([letter_image(LETTER)], "pdf")))
    page = response.content.decode()
    assert "big.pdf is" in page and "at most 0.0 MB" in page
    assert not ScanBatch.objects.exists() and _kept_files() == []


def test_too_many_pages_are_refused(clerk, settings):
    settings.MAILROOM_SCAN_MAX_PAGES = 1
    content = as_bytes([letter_image(["a"]), letter_image(["b"])], "pdf")
    with pytest.raises(services.ScanRefused, match="has 2 pages"):
        services.scan_batch_create(actor=clerk, files=[services.ScanFile("two.pdf", content)])
    assert _kept_files() == []


def test_ocr_failure_keeps_the_page_with_the_reason_and_it_can_be_read_again(
    clerk, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(image):
        raise RuntimeError("tesseract crashed")

    monkeypatch.setattr(reading, "ocr", broken)
    content = as_bytes([letter_image(LETTER)], "pdf")
    with django_capture_on_commit_callbacks(execute=True):
        batch = services.scan_batch_create(actor=clerk, files=[services.ScanFile("a.pdf", content)])
    page = batch.pages.get()
    assert page.state == PageState.FAILED
    assert page.failure_reason == "ocr:RuntimeError"
    assert (Path(settings.PRIVATE_FILES_ROOT) / "mailroom" / page.source_path).exists()
    shown = staff_client(clerk).get(f"/desk/mail-room/pages/{page.pk}/").content.decode()
    assert "ocr:RuntimeError" in shown

    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        services.scanned_page_retry(page_id=page.pk)
    page.refresh_from_db()
    assert page.state == PageState.READ and page.attempts == 2
    assert page.found["receipt_numbers"] == [RECEIPT]


def test_a_receipt_number_of_no_case_is_refused(clerk):
    content = as_bytes([letter_image(["hello"])], "jpeg")
    batch = services.scan_batch_create(actor=clerk, files=[services.ScanFile("a.jpg", content)])
    page = services.scanned_page_read(page_id=batch.pages.get().pk)
    with pytest.raises(services.InvalidInput, match="No case has that receipt number"):
        services.letter_confirm(actor=clerk, page_ids=[page.pk], receipt_number="EAC9999999999")
    assert not Letter.objects.exists()


def test_a_page_whose_task_was_lost_is_read_again_by_the_periodic_job(
    clerk, django_capture_on_commit_callbacks
):
    import datetime as dt

    from django.utils import timezone

    content = as_bytes([letter_image(LETTER)], "jpeg")
    batch = services.scan_batch_create(actor=clerk, files=[services.ScanFile("a.jpg", content)])
    page = batch.pages.get()
    assert page.state == PageState.WAITING  # its task never ran (the commit never came)
    assert services.mailroom_stalled_requeue() == 0  # too soon to call it lost
    later = timezone.now() + dt.timedelta(minutes=11)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.mailroom_stalled_requeue(now=later) == 1
    page.refresh_from_db()
    assert page.state == PageState.READ


def test_the_admin_lists_the_mail_room_without_its_text(admin_client, clerk):
    content = as_bytes([letter_image(LETTER)], "jpeg")
    batch = services.scan_batch_create(actor=clerk, files=[services.ScanFile("a.jpg", content)])
    page = services.scanned_page_read(page_id=batch.pages.get().pk)
    for model in ("scanbatch", "scannedpage", "letter", "faxrequest", "fax"):
        assert admin_client.get(f"/admin/mailroom/{model}/").status_code == 200
    detail = admin_client.get(f"/admin/mailroom/scannedpage/{page.pk}/change/")
    assert detail.status_code == 200 and RECEIPT not in detail.content.decode()


def test_an_inquiry_removed_takes_its_letter_and_pages(clerk, case):
    content = as_bytes([letter_image(LETTER)], "jpeg")
    batch = services.scan_batch_create(actor=clerk, files=[services.ScanFile("a.jpg", content)])
    page = services.scanned_page_read(page_id=batch.pages.get().pk)
    letter = services.letter_confirm(actor=clerk, page_ids=[page.pk], receipt_number=RECEIPT)
    letter.inquiry.events.all().delete()
    letter.inquiry.delete()
    assert not Letter.objects.exists() and not ScannedPage.objects.exists()
