"""An email in the staff workspace: the thread itself (text, attachments kept or refused, a
bounce), the reply box that sends through the intake pipeline, and attachments downloaded
only by staff who may open the inquiry."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse

from contactcenter.intake.models import OutboundEmail, UndeliverableAddress
from contactcenter.intake.services import email_receive
from contactcenter.routing.services import agent_ensure_for_user
from contactcenter.staff.models import Role

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "email"


@pytest.fixture(autouse=True)
def _intake_settings(settings, tmp_path):
    settings.PRIVATE_FILES_ROOT = tmp_path / "private"
    settings.INTAKE_EMAIL_ADDRESS = "Contact Center <contact@example.gov>"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def held_email(queues, always_open):
    """The corpus's message with attachments, received and accepted by ``user``."""
    from contactcenter.desk.services import desk_offer_accept, desk_presence_set

    def make(user, name: str = "multipart_attachments.eml"):
        received = email_receive(raw=(CORPUS / name).read_bytes(), source="import")
        inquiry = received.email.inquiry
        assert inquiry is not None
        agent = agent_ensure_for_user(user=user)
        offered = desk_presence_set(agent=agent, presence="available")
        assert offered is not None and offered.inquiry_id == inquiry.pk
        desk_offer_accept(agent=agent, item_id=offered.pk)
        return inquiry

    return make


def test_the_thread_shows_the_message_and_its_attachments_and_a_reply_goes_out(
    signed_in, held_email, settings
):
    client, user = signed_in(Role.TIER1)
    inquiry = held_email(user)
    page = client.get(reverse("desk:inquiry", args=[inquiry.reference_number]))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="email-thread"' in html and 'data-testid="email-reply"' in html
    attachment = inquiry.emails.get().attachments.exclude(stored_path="").first()
    assert attachment is not None
    link = reverse("desk:inquiry-email-attachment", args=[inquiry.reference_number, attachment.pk])
    assert link in html

    download = client.get(link)
    assert download.status_code == 200
    assert download["Content-Type"] == "application/octet-stream"
    assert download["Content-Disposition"].startswith("attachment;")
    kept = Path(settings.PRIVATE_FILES_ROOT) / "intake" / attachment.stored_path
    assert b"".join(download.streaming_content) == kept.read_bytes()

    answer = client.post(
        reverse("desk:inquiry-action", args=[inquiry.reference_number, "email-reply"]),
        {"email-body": "We have your letter and will answer within five days."},
        follow=True,
    )
    assert "Your reply is on its way by email." in answer.content.decode()
    sent = OutboundEmail.objects.get(inquiry=inquiry, kind="reply")
    assert "within five days" in sent.body


def test_case_details_are_refused_for_a_person_not_verified(signed_in, held_email):
    client, user = signed_in(Role.TIER1)
    inquiry = held_email(user)
    answer = client.post(
        reverse("desk:inquiry-action", args=[inquiry.reference_number, "email-reply"]),
        {"email-body": "Your case was approved.", "email-includes_case_details": "on"},
        follow=True,
    )
    assert answer.status_code == 200
    assert not OutboundEmail.objects.filter(inquiry=inquiry, kind="reply").exists()


def test_a_bounced_address_is_shown_and_no_reply_box_is_offered(signed_in, held_email):
    client, user = signed_in(Role.TIER1)
    inquiry = held_email(user)
    UndeliverableAddress.objects.create(address=inquiry.contact_email.lower(), status="5.1.1")
    html = client.get(reverse("desk:inquiry", args=[inquiry.reference_number])).content.decode()
    assert 'data-testid="email-undeliverable"' in html
    assert 'data-testid="email-reply"' not in html


def test_an_attachment_of_another_inquiry_or_for_the_public_is_not_found(
    signed_in, held_email, client
):
    staff_client, user = signed_in(Role.TIER1)
    inquiry = held_email(user)
    other = email_receive(raw=(CORPUS / "plain.eml").read_bytes(), source="import").email.inquiry
    attachment = inquiry.emails.get().attachments.exclude(stored_path="").first()
    wrong = reverse("desk:inquiry-email-attachment", args=[other.reference_number, attachment.pk])
    assert staff_client.get(wrong).status_code == 404
    staff_client.logout()
    right = reverse("desk:inquiry-email-attachment", args=[inquiry.reference_number, attachment.pk])
    assert client.get(right).status_code in (302, 403)
