"""An expedite request made online: the form takes evidence files, and a request with them is
received whole, its files checked by content and kept outside the web root; without files, or
with a file that is refused, nothing is written and the form says why."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from contactcenter.inquiries.models import Channel
from contactcenter.servicerequests.evidence import private_files_root
from contactcenter.servicerequests.models import EvidenceFile, ServiceRequest
from tests import evidence_files

pytestmark = pytest.mark.django_db

EXPLANATION = "My father is in hospital abroad and I must travel to see him this month."


def _url(case) -> str:
    return f"/account/cases/{case.pk}/requests/new/expedite/"


def test_the_expedite_form_has_a_file_field_and_sends_files(client, applicant):
    user, case = applicant
    client.force_login(user)
    page = client.get(_url(case)).content.decode()
    assert 'enctype="multipart/form-data"' in page
    assert 'type="file"' in page and 'name="evidence_files"' in page


def test_an_expedite_request_with_evidence_is_received(client, applicant):
    user, case = applicant
    client.force_login(user)
    letter, photo = evidence_files.pdf_with_text("Hospital letter"), evidence_files.png(300, 200)
    response = client.post(
        _url(case),
        {
            "criterion": "urgent_humanitarian",
            "explanation": EXPLANATION,
            "evidence_files": [
                SimpleUploadedFile("letter.pdf", letter, "application/pdf"),
                SimpleUploadedFile("ticket.png", photo, "image/png"),
            ],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    request = ServiceRequest.objects.get()
    assert request.case == case and request.type.code == "expedite"
    assert request.inquiry.channel == Channel.SECURE_MESSAGE
    assert response["Location"] == f"/account/cases/{case.pk}/requests/{request.number}/"
    stored = list(EvidenceFile.objects.filter(request=request).order_by("pk"))
    assert [f.content_type for f in stored] == ["application/pdf", "image/png"]
    assert [(private_files_root() / f.path).read_bytes() for f in stored] == [letter, photo]


def test_without_a_file_the_form_says_so_and_nothing_is_written(client, applicant):
    user, case = applicant
    client.force_login(user)
    response = client.post(
        _url(case), {"criterion": "urgent_humanitarian", "explanation": EXPLANATION}
    )
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert not ServiceRequest.objects.exists()


def test_a_refused_file_keeps_the_request_unwritten(client, applicant):
    user, case = applicant
    client.force_login(user)
    response = client.post(
        _url(case),
        {
            "criterion": "urgent_humanitarian",
            "explanation": EXPLANATION,
            "evidence_files": SimpleUploadedFile(
                "letter.pdf", evidence_files.pdf_with_javascript(), "application/pdf"
            ),
        },
        HTTP_ACCEPT_LANGUAGE="es",
    )
    assert response.status_code == 400
    assert "El archivo letter.pdf no se puede aceptar" in response.content.decode()
    assert not ServiceRequest.objects.exists()
    assert not EvidenceFile.objects.exists()
