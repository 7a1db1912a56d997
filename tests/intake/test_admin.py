"""The intake admin: addresses masked, bodies not shown, kept-aside messages received again."""

from __future__ import annotations

import pytest
from django.urls import reverse

from contactcenter.intake import services as intake_services
from contactcenter.intake.models import InboundEmail, Outcome, UndeliverableAddress
from contactcenter.intake.parse import MalformedEmail
from contactcenter.intake.services import NotKeptAside, email_kept_aside_retry, email_receive
from tests.intake.conftest import corpus

pytestmark = pytest.mark.usefixtures("mail_queues")


@pytest.fixture
def mail_world():
    for name in ("multipart_attachments.eml", "exe_as_pdf.eml", "malformed.eml", "bounce.eml"):
        email_receive(raw=corpus(name), source="imap")
    return InboundEmail.objects.get(outcome=Outcome.NEW_INQUIRY, sender="sam.lee@example.com")


@pytest.mark.parametrize("model", ["inboundemail", "outboundemail", "undeliverableaddress"])
def test_lists_open_and_show_no_address(admin_client, mail_world, model):
    response = admin_client.get(reverse(f"admin:intake_{model}_changelist"))
    assert response.status_code == 200
    page = response.content.decode()
    for address in ("sam.lee@example.com", "billing@example.biz", "gone.person@example.net"):
        assert address not in page


def test_message_page_shows_attachments_but_not_the_body(admin_client, mail_world):
    url = reverse("admin:intake_inboundemail_change", args=[mail_world.pk])
    page = admin_client.get(url).content.decode()
    assert "receipt-notice.pdf" in page and "card.png" in page
    assert "attached are my receipt notice" not in page
    assert "sam.lee@example.com" not in page


def test_kept_aside_message_received_again_once_readable(monkeypatch, admin_client):
    def unreadable(raw):
        raise MalformedEmail("mime:pretend")

    monkeypatch.setattr(intake_services, "email_parse", unreadable)
    kept = email_receive(raw=corpus("plain.eml"), source="imap").email
    assert kept.outcome == Outcome.KEPT_ASIDE
    # Still unreadable: nothing changes.
    assert email_kept_aside_retry(email_id=kept.pk).email.pk == kept.pk
    monkeypatch.undo()
    response = admin_client.post(
        reverse("admin:intake_inboundemail_changelist"),
        {"action": "receive_again", "_selected_action": [kept.pk]},
        follow=True,
    )
    assert "1 received, 0 still unreadable." in response.content.decode()
    again = InboundEmail.objects.get(message_id="<plain-1.20261207@mail.example.net>")
    assert (again.outcome, again.source) == (Outcome.NEW_INQUIRY, "imap")
    with pytest.raises(NotKeptAside):
        email_kept_aside_retry(email_id=again.pk)


def test_an_undeliverable_address_can_be_lifted(admin_client, mail_world):
    marked = UndeliverableAddress.objects.get()
    url = reverse("admin:intake_undeliverableaddress_delete", args=[marked.pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == 302
    assert not UndeliverableAddress.objects.exists()
