"""Evidence files checked by what is inside them, not only their first bytes: PDFs that carry
script, attachments or HTML, that are encrypted, unreadable or inflate past the limit, and
images whose structure does not hold, are refused with ``unacceptable_file`` in the person's
language, and nothing is kept. A file over the size limit is dropped while it streams in, so
it never sits in memory whole."""

from __future__ import annotations

import tracemalloc

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.utils import translation

from contactcenter.cases.statuses import CaseStatus
from contactcenter.core.errors import ErrorCode, UnacceptableFile
from contactcenter.portal import views
from contactcenter.portal.models import Upload
from contactcenter.portal.services import rfe_response_upload
from contactcenter.servicerequests.evidence import (
    EvidenceUpload,
    evidence_check,
    private_files_root,
)
from tests import evidence_files

pytestmark = pytest.mark.django_db

MB = 1024 * 1024

HOSTILE = [
    pytest.param(evidence_files.pdf_with_javascript, id="document-level javascript"),
    pytest.param(evidence_files.pdf_with_open_action_script, id="open action javascript"),
    pytest.param(evidence_files.pdf_with_embedded_file, id="embedded file"),
    pytest.param(evidence_files.pdf_encrypted, id="encrypted"),
    pytest.param(evidence_files.pdf_with_html_after_end, id="html after %%EOF"),
    pytest.param(evidence_files.pdf_with_html_at_start, id="html in the first bytes"),
    pytest.param(evidence_files.executable_behind_pdf_header, id="executable behind %PDF-"),
    pytest.param(lambda: evidence_files.pdf_decompression_bomb(200 * MB), id="inflates to 200 MB"),
    pytest.param(lambda: evidence_files.png()[:-20], id="truncated png"),
    pytest.param(lambda: evidence_files.png() + b"<html><script>x</script>", id="png + html"),
    pytest.param(lambda: evidence_files.png(width=100_000), id="png 100000 wide"),
    pytest.param(lambda: b"\x89PNG\r\n\x1a\n" + b"\x00" * 32, id="png header only"),
    pytest.param(lambda: b"\xff\xd8\xff\xe0" + b"\x00" * 32, id="jpeg header only"),
    pytest.param(lambda: evidence_files.jpeg() + b"<html><body>hi</body></html>", id="jpeg + html"),
]


@pytest.fixture
def rfe_case(applicant):
    user, case = applicant
    case.status = CaseStatus.RFE_SENT
    case.save(update_fields=["status"])
    return user, case


@pytest.mark.parametrize("build", HOSTILE)
def test_hostile_files_are_refused_and_nothing_is_kept(rfe_case, build):
    user, case = rfe_case
    with pytest.raises(UnacceptableFile) as refused:
        rfe_response_upload(
            user=user,
            case=case,
            files=[EvidenceUpload("good.pdf", evidence_files.pdf_plain()),
                   EvidenceUpload("evidence.pdf", build())],
        )  # fmt: skip
    assert refused.value.code == ErrorCode.UNACCEPTABLE_FILE
    assert refused.value.http_status == 400
    assert "evidence.pdf cannot be accepted" in refused.value.message
    assert not Upload.objects.exists()
    assert not (private_files_root() / "portal").exists()


def test_plain_files_of_each_kind_are_accepted():
    checked = evidence_check(
        [
            EvidenceUpload("a.pdf", evidence_files.pdf_plain()),
            EvidenceUpload("b.pdf", evidence_files.pdf_with_text("Birth certificate")),
            EvidenceUpload("c.png", evidence_files.png(640, 480)),
            EvidenceUpload("d.jpg", evidence_files.jpeg(1024, 768)),
        ]
    )
    assert [c.content_type for c in checked] == [
        "application/pdf", "application/pdf", "image/png", "image/jpeg",
    ]  # fmt: skip


def test_a_pdf_just_under_the_inflation_limit_is_accepted(settings):
    settings.UPLOAD_PDF_DECODED_MAX_BYTES = 8 * MB
    evidence_check([EvidenceUpload("big.pdf", evidence_files.pdf_decompression_bomb(6 * MB))])
    with pytest.raises(UnacceptableFile):
        evidence_check([EvidenceUpload("big.pdf", evidence_files.pdf_decompression_bomb(9 * MB))])


def test_the_refusal_is_in_spanish_for_a_spanish_speaker():
    with translation.override("es"), pytest.raises(UnacceptableFile) as refused:
        evidence_check([EvidenceUpload("carta.pdf", evidence_files.pdf_with_javascript())])
    assert "El archivo carta.pdf no se puede aceptar" in refused.value.message


def test_the_upload_page_shows_the_refusal(client, rfe_case):
    user, case = rfe_case
    client.force_login(user)
    response = client.post(
        f"/account/cases/{case.pk}/evidence/",
        {"evidence_files": SimpleUploadedFile("scan.pdf", evidence_files.pdf_with_embedded_file())},
    )
    assert response.status_code == 400
    assert "scan.pdf cannot be accepted" in response.content.decode()
    assert not Upload.objects.exists()


def _evidence_post(user, case, name: str, content: bytes):
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.contrib.sessions.backends.db import SessionStore

    request = RequestFactory().post(
        f"/account/cases/{case.pk}/evidence/",
        {"evidence_files": SimpleUploadedFile(name, content, "application/pdf")},
    )
    request.user = user
    request.session = SessionStore()
    request._dont_enforce_csrf_checks = True
    request._messages = FallbackStorage(request)
    return request


def test_a_file_over_the_limit_is_dropped_while_it_streams_and_never_read(rfe_case, settings):
    settings.SERVICE_REQUEST_EVIDENCE_MAX_BYTES = 2 * MB
    user, case = rfe_case
    # The page once, so that imports and template loading are not counted below.
    views.evidence(_evidence_post(user, case, "small.pdf", b"not a pdf"), case_id=case.pk)
    request = _evidence_post(user, case, "big.pdf", b"%PDF-1.7\n" + b"x" * (24 * MB))
    tracemalloc.start()
    try:
        response = views.evidence(request, case_id=case.pk)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert response.status_code == 400
    assert "larger than 2 MB" in response.content.decode()
    # Parsing buffers and the page: the 24 MB file was never read into memory whole.
    assert peak < 6 * MB, peak
    assert not Upload.objects.exists()


def test_files_are_counted_before_any_is_read(client, rfe_case):
    user, case = rfe_case
    client.force_login(user)
    files = [SimpleUploadedFile(f"{n}.png", evidence_files.png()) for n in range(6)]
    response = client.post(f"/account/cases/{case.pk}/evidence/", {"evidence_files": files})
    assert response.status_code == 400
    assert "Send at most 5 files." in response.content.decode()


def test_the_upload_handler_stops_keeping_a_file_once_it_passes_the_limit(rfe_case, settings):
    from contactcenter.core.upload_limits import OversizedUpload

    settings.SERVICE_REQUEST_EVIDENCE_MAX_BYTES = MB
    user, case = rfe_case
    request = _evidence_post(user, case, "big.pdf", b"%PDF-1.7\n" + b"x" * (5 * MB))
    (received,) = request.FILES.getlist("evidence_files")
    assert isinstance(received, OversizedUpload)
    assert received.read() == b""
    assert received.size > MB  # the size seen, for the message; none of the content kept
    small = _evidence_post(user, case, "small.pdf", evidence_files.pdf_plain())
    assert small.FILES["evidence_files"].read() == evidence_files.pdf_plain()
