"""Answering a request for evidence: files checked by content, stored outside the web root,
passed through the scanning hook; one bad file refuses the lot."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from contactcenter.cases.statuses import CaseStatus
from contactcenter.core.errors import InvalidInput
from contactcenter.portal.models import ScanState, Upload
from contactcenter.portal.services import rfe_response_upload
from contactcenter.portal.uploads import ScanResult
from contactcenter.servicerequests.evidence import EvidenceUpload, private_files_root
from tests import evidence_files
from tests.portal.conftest import PDF, PNG

pytestmark = pytest.mark.django_db


@pytest.fixture
def rfe_case(applicant):
    user, case = applicant
    case.status = CaseStatus.RFE_SENT
    case.save(update_fields=["status"])
    return user, case


def test_pdf_and_png_stored_outside_the_web_root(rfe_case, settings):
    user, case = rfe_case
    rows = rfe_response_upload(
        user=user,
        case=case,
        files=[EvidenceUpload("a.pdf", PDF), EvidenceUpload("b.png", PNG)],
        label="Birth certificate",
    )
    assert [r.content_type for r in rows] == ["application/pdf", "image/png"]
    for row in rows:
        path = private_files_root() / row.stored_path
        assert path.read_bytes() in (PDF, PNG)
        assert oct(path.stat().st_mode)[-3:] == "600"
        assert Path(settings.STATIC_ROOT) not in path.parents
        assert row.scan_state == ScanState.NOT_SCANNED


def test_disguised_file_refused_by_content_and_nothing_kept(rfe_case):
    user, case = rfe_case
    script = b"#!/bin/sh\nrm -rf /\n"
    with pytest.raises(InvalidInput, match="not a PDF, JPEG or PNG"):
        rfe_response_upload(
            user=user,
            case=case,
            files=[EvidenceUpload("good.pdf", PDF), EvidenceUpload("letter.pdf", script)],
        )
    assert not Upload.objects.exists()
    assert not (private_files_root() / "portal").exists()


def test_scanner_hook_refuses_the_test_virus(rfe_case):
    user, case = rfe_case
    eicar = evidence_files.pdf_with_text("EICAR-STANDARD-ANTIVIRUS-TEST-FILE")
    with pytest.raises(InvalidInput, match="security check"):
        rfe_response_upload(user=user, case=case, files=[EvidenceUpload("scan.pdf", eicar)])
    assert not Upload.objects.exists()


def scanner_that_passes(content: bytes) -> ScanResult:
    return ScanResult(clean=True, scanned=True)


def test_a_configured_scanner_is_used(rfe_case, settings):
    settings.PORTAL_UPLOAD_SCANNER = "tests.portal.test_uploads.scanner_that_passes"
    user, case = rfe_case
    (row,) = rfe_response_upload(user=user, case=case, files=[EvidenceUpload("a.pdf", PDF)])
    assert row.scan_state == ScanState.CLEAN


def test_no_open_request_for_evidence_refused(applicant):
    user, case = applicant
    with pytest.raises(InvalidInput, match="no open request for evidence"):
        rfe_response_upload(user=user, case=case, files=[EvidenceUpload("a.pdf", PDF)])


def test_upload_page_and_download(client, rfe_case):
    user, case = rfe_case
    client.force_login(user)
    url = f"/account/cases/{case.pk}/evidence/"
    bad = client.post(
        url, {"evidence_files": SimpleUploadedFile("x.png", b"GIF89a....", "image/png")}
    )
    assert bad.status_code == 400
    assert "not a PDF, JPEG or PNG" in bad.content.decode()
    good = client.post(
        url,
        {"evidence_files": [SimpleUploadedFile("a.pdf", PDF), SimpleUploadedFile("b.png", PNG)]},
    )
    assert good.status_code == 302
    assert Upload.objects.count() == 2
    row = Upload.objects.order_by("pk").first()
    download = client.get(f"/account/uploads/{row.pk}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["X-Content-Type-Options"] == "nosniff"


def test_an_account_that_sent_evidence_cannot_be_deleted_and_the_files_stay(rfe_case):
    from django.db.models import ProtectedError

    user, case = rfe_case
    (row,) = rfe_response_upload(
        user=user, case=case, files=[EvidenceUpload("a.pdf", PDF)], label="Passport"
    )
    with pytest.raises(ProtectedError):
        user.delete()
    assert Upload.objects.filter(pk=row.pk, user=user).exists()
    assert (private_files_root() / row.stored_path).read_bytes() == PDF
    user.is_active = False  # closing the account is deactivating it
    user.save(update_fields=["is_active"])
    assert Upload.objects.get(pk=row.pk).case_id == case.pk
