"""Polling a real IMAP server (pymap, STARTTLS): received, then marked, never the other way."""

from __future__ import annotations

import dataclasses

import pytest

from contactcenter.inquiries.models import Inquiry
from contactcenter.intake import imap as imap_module
from contactcenter.intake.imap import mailbox_poll
from contactcenter.intake.models import InboundEmail, Outcome
from contactcenter.routing.models import WorkItem
from tests.intake.conftest import corpus
from tests.intake.imap_server import imap_start

pytestmark = pytest.mark.usefixtures("mail_queues")

SEEN = b"\\Seen"


@pytest.fixture(scope="module")
def imap_server(tmp_path_factory):
    server = imap_start(tmp_path_factory.mktemp("imap"))
    yield server
    server.stop()


@pytest.fixture
def mailbox(imap_server):
    """An empty INBOX for each test."""
    client = imap_server.client()
    try:
        client.select_folder("INBOX")
        uids = client.search(["ALL"])
        if uids:
            client.delete_messages(uids)
            client.expunge()
    finally:
        client.logout()
    return imap_server


def test_poll_receives_and_marks_seen(mailbox):
    mailbox.deliver(corpus("plain.eml"), corpus("reply_gmail.eml"), corpus("auto_reply.eml"))
    counts = mailbox_poll(config=mailbox.config)
    assert (counts.new_inquiries, counts.replies_joined, counts.ignored) == (1, 1, 1)
    assert all(SEEN in flags for flags in mailbox.flags().values())
    assert InboundEmail.objects.filter(source="imap").count() == 3
    again = mailbox_poll(config=mailbox.config)  # nothing unseen is left
    assert again.as_dict()["already_seen"] == 0 and again.new_inquiries == 0


def test_poll_moves_to_the_done_folder(mailbox):
    client = mailbox.client()
    if not client.folder_exists("Received"):
        client.create_folder("Received")
    client.logout()
    mailbox.deliver(corpus("spanish.eml"))
    config = dataclasses.replace(mailbox.config, done_folder="Received")
    assert mailbox_poll(config=config).new_inquiries == 1
    assert mailbox.flags("INBOX") == {}
    assert len(mailbox.flags("Received")) == 1


def test_killed_between_fetch_and_commit_loses_and_duplicates_nothing(mailbox, monkeypatch):
    mailbox.deliver(corpus("plain.eml"), corpus("spanish.eml"), corpus("html_only.eml"))
    real_receive = imap_module.email_receive
    calls = []

    def dies_on_the_second(*, raw, source):
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt  # the worker is killed with the message fetched
        return real_receive(raw=raw, source=source)

    monkeypatch.setattr(imap_module, "email_receive", dies_on_the_second)
    with pytest.raises(KeyboardInterrupt):
        mailbox_poll(config=mailbox.config)
    flags = mailbox.flags()
    assert sum(SEEN in f for f in flags.values()) == 1  # only the committed one is marked
    assert Inquiry.objects.count() == 1
    monkeypatch.setattr(imap_module, "email_receive", real_receive)
    counts = mailbox_poll(config=mailbox.config)
    assert counts.new_inquiries == 2 and counts.already_seen == 0
    assert Inquiry.objects.count() == 3 and WorkItem.objects.count() == 3
    assert all(SEEN in f for f in mailbox.flags().values())


def test_killed_between_commit_and_mark_is_recognised_next_run(mailbox, monkeypatch):
    mailbox.deliver(corpus("plain.eml"))
    real_mark = imap_module._mark_done

    def dies(client, uid, config):
        raise ConnectionResetError  # the connection drops after the commit

    monkeypatch.setattr(imap_module, "_mark_done", dies)
    with pytest.raises(ConnectionResetError):
        mailbox_poll(config=mailbox.config)
    assert Inquiry.objects.count() == 1
    assert not any(SEEN in f for f in mailbox.flags().values())
    monkeypatch.setattr(imap_module, "_mark_done", real_mark)
    counts = mailbox_poll(config=mailbox.config)
    assert (counts.already_seen, counts.new_inquiries) == (1, 0)
    assert Inquiry.objects.count() == 1
    assert all(SEEN in f for f in mailbox.flags().values())


def test_malformed_mail_never_stops_the_run(mailbox):
    mailbox.deliver(corpus("malformed.eml"), corpus("plain.eml"))
    counts = mailbox_poll(config=mailbox.config)
    assert (counts.kept_aside, counts.new_inquiries) == (1, 1)
    assert InboundEmail.objects.get(outcome=Outcome.KEPT_ASIDE).raw_path


def test_an_untrusted_certificate_is_refused(mailbox):
    import ssl

    config = dataclasses.replace(mailbox.config, ca_file="")
    with pytest.raises(ssl.SSLError):
        mailbox_poll(config=config)
