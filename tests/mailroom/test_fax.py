"""Inbound fax: the signed generic webhook and Telnyx's, idempotent on the provider's fax id;
a cover sheet's QR code (or its reference number read by OCR) attaches the fax to its
inquiry; a fax with no cover sheet waits for review; one nobody asked for is flagged."""

from __future__ import annotations

import base64
import datetime as dt
import json
import time
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.conf import settings

from contactcenter.inquiries.models import Channel, InquiryEvent
from contactcenter.inquiries.services import inquiry_open
from contactcenter.mailroom import documents
from contactcenter.mailroom.fax_media import FaxMediaUnavailable
from contactcenter.mailroom.models import Fax, FaxState, MatchedBy
from contactcenter.mailroom.services import fax_attach_by_staff, fax_request
from contactcenter.mailroom.webhooks import signature_generic
from contactcenter.staff.models import Role
from tests.desk.staff_pages import _staff, staff_client
from tests.mailroom.conftest import as_bytes, letter_image

pytestmark = pytest.mark.django_db

SECRET = "fax-webhook-test-secret"
_PRIVATE_KEY = Ed25519PrivateKey.generate()


class FakeFetcher:
    """Stands in for the provider's media URL: what the test put there, or a failure."""

    documents: dict[str, bytes] = {}

    def fetch(self, url: str, *, max_bytes: int) -> bytes:
        if url not in self.documents:
            raise FaxMediaUnavailable("http_404")
        return self.documents[url]


@pytest.fixture(autouse=True)
def _fax_settings(settings):
    settings.MAILROOM_FAX_WEBHOOK_SECRET = SECRET
    settings.MAILROOM_TELNYX_PUBLIC_KEY = base64.b64encode(
        _PRIVATE_KEY.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    ).decode()
    settings.MAILROOM_FAX_FETCHER = "tests.mailroom.test_fax.FakeFetcher"
    FakeFetcher.documents = {}


@pytest.fixture
def agent():
    return _staff(Role.TIER1)


def _cover_then_pages(reference: str) -> bytes:
    """A fax as it arrives: our cover sheet on top of the person's page, as one PDF."""
    import pypdfium2 as pdfium

    cover = documents.fax_cover_sheet(reference_number=reference, when=dt.date(2026, 12, 7))
    image = pdfium.PdfDocument(cover)[0].render(scale=100 / 72, grayscale=True).to_pil()
    return as_bytes([image.convert("L"), letter_image(["My passport page."])], "pdf")


def _post_generic(client, payload: dict, *, secret: str = SECRET, signature: str | None = None):
    body = json.dumps(payload).encode()
    signed = signature if signature is not None else signature_generic(body, secret)
    return client.post(
        "/webhooks/fax/generic/",
        data=body,
        content_type="application/json",
        HTTP_X_FAX_SIGNATURE=f"sha256={signed}",
    )


def _payload(fax_id: str, content: bytes) -> dict:
    return {"fax_id": fax_id, "from": "+12025550100", "pages": 2,
            "document": base64.b64encode(content).decode()}  # fmt: skip


def _kept_files() -> list[Path]:
    root = Path(settings.PRIVATE_FILES_ROOT) / "mailroom"
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def test_a_requested_fax_joins_its_inquiry_by_the_qr_code_once(
    client, agent, django_capture_on_commit_callbacks
):
    inquiry = inquiry_open(channel=Channel.PHONE)
    fax_request(inquiry=inquiry, actor=agent)
    payload = _payload("fx-1", _cover_then_pages(inquiry.reference_number))
    with django_capture_on_commit_callbacks(execute=True):
        first = _post_generic(client, payload)
    assert first.status_code == 200 and first.json()["already_seen"] is False
    fax = Fax.objects.get()
    assert fax.state == FaxState.ATTACHED and fax.inquiry == inquiry
    assert fax.matched_by == MatchedBy.QR and fax.unrequested is False
    assert InquiryEvent.objects.filter(inquiry=inquiry, data__fax_id=fax.pk).exists()

    with django_capture_on_commit_callbacks(execute=True):
        again = _post_generic(client, payload)
    assert again.status_code == 200 and again.json() == {
        "fax": fax.pk, "already_seen": True, "state": "attached"
    }  # fmt: skip
    assert Fax.objects.count() == 1
    assert InquiryEvent.objects.filter(inquiry=inquiry, data__fax_id=fax.pk).count() == 1


def test_a_fax_for_an_inquiry_that_did_not_ask_is_flagged(
    client, django_capture_on_commit_callbacks
):
    inquiry = inquiry_open(channel=Channel.EMAIL)
    with django_capture_on_commit_callbacks(execute=True):
        _post_generic(client, _payload("fx-2", _cover_then_pages(inquiry.reference_number)))
    fax = Fax.objects.get()
    assert fax.inquiry == inquiry and fax.unrequested is True
    supervisor = _staff(Role.SUPERVISOR)
    page = staff_client(supervisor).get("/desk/mail-room/faxes/").content.decode()
    assert 'data-testid="fax-unrequested"' in page


def test_a_fax_with_only_the_reference_in_text_is_matched_by_ocr(
    client, agent, django_capture_on_commit_callbacks
):
    inquiry = inquiry_open(channel=Channel.PHONE)
    fax_request(inquiry=inquiry, actor=agent)
    content = as_bytes([letter_image([f"Reference {inquiry.reference_number}", "Hello"])], "pdf")
    with django_capture_on_commit_callbacks(execute=True):
        _post_generic(client, _payload("fx-3", content))
    fax = Fax.objects.get()
    assert fax.state == FaxState.ATTACHED and fax.matched_by == MatchedBy.OCR


def test_a_fax_without_a_cover_sheet_waits_for_review_and_staff_attach_it(
    client, django_capture_on_commit_callbacks
):
    content = as_bytes([letter_image(["Here are my documents.", "No reference at all."])], "pdf")
    with django_capture_on_commit_callbacks(execute=True):
        _post_generic(client, _payload("fx-4", content))
    fax = Fax.objects.get()
    assert fax.state == FaxState.REVIEW and fax.inquiry is None
    supervisor = _staff(Role.SUPERVISOR)
    reviewer = staff_client(supervisor)
    listed = reviewer.get("/desk/mail-room/faxes/").content.decode()
    assert f"/desk/mail-room/faxes/{fax.pk}/attach/" in listed
    download = reviewer.get(f"/desk/mail-room/faxes/{fax.pk}/file/")
    assert download.status_code == 200 and "attachment" in download["Content-Disposition"]

    inquiry = inquiry_open(channel=Channel.PHONE)
    reviewer.post(
        f"/desk/mail-room/faxes/{fax.pk}/attach/", {"reference_number": inquiry.reference_number}
    )
    fax.refresh_from_db()
    assert fax.state == FaxState.ATTACHED and fax.matched_by == MatchedBy.STAFF
    assert fax.inquiry == inquiry and fax.unrequested is True
    with pytest.raises(Exception, match="not waiting for review"):
        fax_attach_by_staff(
            fax_id=fax.pk, actor=supervisor, reference_number=inquiry.reference_number
        )


@pytest.mark.parametrize("signature", ["", "0" * 64, "not-hex"])
def test_a_bad_signature_is_refused_and_nothing_kept(client, signature):
    content = as_bytes([letter_image(["x"])], "pdf")
    response = _post_generic(client, _payload("fx-5", content), signature=signature)
    assert response.status_code == 401
    assert not Fax.objects.exists() and _kept_files() == []


def test_a_body_signed_with_another_secret_is_refused(client):
    response = _post_generic(client, _payload("fx-6", b"%PDF-"), secret="another")
    assert response.status_code == 401


def test_no_secret_no_webhook(client, settings):
    settings.MAILROOM_FAX_WEBHOOK_SECRET = ""
    assert _post_generic(client, _payload("fx-7", b"%PDF-")).status_code == 404


def test_a_document_that_is_not_a_pdf_is_refused_with_the_reason(client):
    response = _post_generic(client, _payload("fx-8", b"MZ\x90\x00 a program"))
    assert response.status_code == 400
    assert response.json()["error"] == "The fax document is not a PDF."
    assert not Fax.objects.exists() and _kept_files() == []


def test_a_malformed_body_is_refused(client):
    body = b'{"fax_id": "x"}'
    response = client.post(
        "/webhooks/fax/generic/", data=body, content_type="application/json",
        HTTP_X_FAX_SIGNATURE=signature_generic(body, SECRET),
    )  # fmt: skip
    assert response.status_code == 400 and "fax_id and document" in response.json()["error"]


# --- Telnyx -------------------------------------------------------------------------------


def _telnyx_event(fax_id: str, media_url: str, event: str = "fax.received") -> bytes:
    return json.dumps(
        {
            "data": {
                "event_type": event,
                "id": "95479a2e-b947-470a-a88f-2da6dd07ae0f",
                "occurred_at": "2026-12-07T13:08:22.039204Z",
                "payload": {
                    "connection_id": "234423",
                    "direction": "inbound",
                    "fax_id": fax_id,
                    "from": "+13122010119",
                    "to": "+13127283148",
                    "media_url": media_url,
                    "page_count": 2,
                    "status": "received",
                },
                "record_type": "event",
            },
            "meta": {"attempt": 1, "delivered_to": "https://example.gov/webhooks/fax/telnyx/"},
        }
    ).encode()


def _post_telnyx(client, body: bytes, *, timestamp: int | None = None, key=_PRIVATE_KEY):
    stamp = str(timestamp if timestamp is not None else int(time.time()))
    signature = base64.b64encode(key.sign(stamp.encode() + b"|" + body)).decode()
    return client.post(
        "/webhooks/fax/telnyx/", data=body, content_type="application/json",
        HTTP_TELNYX_TIMESTAMP=stamp, HTTP_TELNYX_SIGNATURE_ED25519=signature,
    )  # fmt: skip


def test_telnyx_fax_is_fetched_in_the_background_and_attached(
    client, agent, django_capture_on_commit_callbacks
):
    inquiry = inquiry_open(channel=Channel.PHONE)
    fax_request(inquiry=inquiry, actor=agent)
    url = "https://media.example.net/fax/abc.pdf?signature=secret"
    FakeFetcher.documents[url] = _cover_then_pages(inquiry.reference_number)
    body = _telnyx_event("f8338808-3dc6-4f2b-942a-5d1f39255784", url)
    with django_capture_on_commit_callbacks(execute=True):
        response = _post_telnyx(client, body)
    assert response.status_code == 200
    fax = Fax.objects.get()
    assert fax.provider == "telnyx" and fax.state == FaxState.ATTACHED
    assert fax.inquiry == inquiry and fax.media_url == ""  # the signed URL is not kept
    with django_capture_on_commit_callbacks(execute=True):
        assert _post_telnyx(client, body).json()["already_seen"] is True
    assert Fax.objects.count() == 1


def test_telnyx_fetch_failure_is_recorded_for_review(client, django_capture_on_commit_callbacks):
    body = _telnyx_event("gone", "https://media.example.net/missing.pdf")
    with django_capture_on_commit_callbacks(execute=True):
        _post_telnyx(client, body)
    fax = Fax.objects.get()
    assert fax.state == FaxState.FAILED and fax.failure_reason == "fetch:http_404"


def test_telnyx_other_events_are_ignored(client):
    response = _post_telnyx(client, _telnyx_event("x", "https://a/b", event="fax.delivered"))
    assert response.status_code == 200 and response.json() == {"ignored": "fax.delivered"}
    assert not Fax.objects.exists()


@pytest.mark.parametrize("case", ["other_key", "stale", "tampered"])
def test_telnyx_bad_signatures_are_refused(client, case):
    body = _telnyx_event("t-1", "https://media.example.net/a.pdf")
    if case == "other_key":
        response = _post_telnyx(client, body, key=Ed25519PrivateKey.generate())
    elif case == "stale":
        response = _post_telnyx(client, body, timestamp=int(time.time()) - 3600)
    else:
        stamp = str(int(time.time()))
        signature = base64.b64encode(_PRIVATE_KEY.sign(stamp.encode() + b"|" + body)).decode()
        response = client.post(
            "/webhooks/fax/telnyx/", data=body.replace(b"t-1", b"t-2"),
            content_type="application/json", HTTP_TELNYX_TIMESTAMP=stamp,
            HTTP_TELNYX_SIGNATURE_ED25519=signature,
        )  # fmt: skip
    assert response.status_code == 401
    assert not Fax.objects.exists()


def test_a_fax_past_the_size_cap_is_refused_and_nothing_kept(client, settings):
    content = as_bytes([letter_image(["A page of a fax."])], "pdf")
    settings.MAILROOM_FAX_MAX_BYTES = len(content) - 1
    response = _post_generic(client, _payload("fx-9", content))
    assert response.status_code == 400 and "at most" in response.json()["error"]
    settings.MAILROOM_FAX_MAX_BYTES = 10  # a body past the cap and its JSON slack: not read
    response = _post_generic(client, {"fax_id": "fx-10", "document": "A" * 70_000})
    assert response.status_code == 413
    assert not Fax.objects.exists() and _kept_files() == []


def test_a_fax_body_past_the_form_limit_is_still_read(
    client, settings, django_capture_on_commit_callbacks
):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000  # the webhook reads its body itself
    content = as_bytes([letter_image(["Nothing to match here."])], "pdf")
    assert len(content) > 1000
    with django_capture_on_commit_callbacks(execute=True):
        response = _post_generic(client, _payload("fx-11", content))
    assert response.status_code == 200
    assert Fax.objects.get().state == FaxState.REVIEW


@pytest.mark.parametrize(
    ("url", "hosts", "reason"),
    [
        ("http://media.example.net/a.pdf", [], "not_https"),
        ("https://127.0.0.1/a.pdf", [], "ip_host"),
        ("https://[::1]/a.pdf", [], "ip_host"),
        ("https://localhost/a.pdf", [], "local_host"),
        ("https://evil.example.org/a.pdf", ["telnyx.com"], "host_not_allowed"),
        ("https://telnyx.com.evil.org/a.pdf", ["telnyx.com"], "host_not_allowed"),
    ],
)
def test_the_real_fetcher_refuses_urls_it_should_never_follow(settings, url, hosts, reason):
    from contactcenter.mailroom.fax_media import HttpsFaxMediaFetcher

    settings.MAILROOM_FAX_MEDIA_HOSTS = hosts
    with pytest.raises(FaxMediaUnavailable) as refused:
        HttpsFaxMediaFetcher().fetch(url, max_bytes=1000)
    assert refused.value.reason == reason


def test_an_allowed_host_passes_the_check(settings):
    from contactcenter.mailroom.fax_media import media_url_check

    settings.MAILROOM_FAX_MEDIA_HOSTS = ["telnyx.com"]
    media_url_check("https://media.telnyx.com/fax/a.pdf")  # no exception
