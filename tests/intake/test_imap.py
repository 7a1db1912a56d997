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

# Real commits (a transactional test database): the poll refuses to run inside a transaction,
# and what it proves is that a message is marked only after its own commit.
pytestmark = [pytest.mark.usefixtures("mail_queues"), pytest.mark.django_db(transaction=True)]

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


# (messages per transaction, the inquiry opening that dies, messages committed before it)
KILLS = [(1, 2, 1), (2, 3, 2), (3, 2, 0)]


@pytest.mark.parametrize(("chunk", "die_at", "committed"), KILLS)
def test_killed_between_fetch_and_commit_loses_and_duplicates_nothing(
    mailbox, monkeypatch, chunk, die_at, committed
):
    mailbox.deliver(corpus("plain.eml"), corpus("spanish.eml"), corpus("html_only.eml"))
    from contactcenter.intake import services as intake_services

    # Called for each new inquiry once it is written and queued (one by one or together).
    real_build = intake_services._acknowledgement_build
    calls = []

    def dies(email, parsed, inquiry, chunk):
        calls.append(inquiry.pk)  # written, queued: the transaction is half done
        if len(calls) == die_at:
            raise KeyboardInterrupt  # the worker is killed before the commit
        return real_build(email, parsed, inquiry, chunk)

    monkeypatch.setattr(intake_services, "_acknowledgement_build", dies)
    config = dataclasses.replace(mailbox.config, chunk=chunk)
    with pytest.raises(KeyboardInterrupt):
        mailbox_poll(config=config)
    flags = mailbox.flags()
    assert sum(SEEN in f for f in flags.values()) == committed  # only committed ones marked
    assert Inquiry.objects.count() == committed and InboundEmail.objects.count() == committed
    assert not Inquiry.objects.filter(pk__in=calls[committed:]).exists()  # rolled back whole
    monkeypatch.setattr(intake_services, "_acknowledgement_build", real_build)
    counts = mailbox_poll(config=config)
    assert counts.new_inquiries == 3 - committed and counts.already_seen == 0
    assert Inquiry.objects.count() == 3 and WorkItem.objects.count() == 3
    assert all(SEEN in f for f in mailbox.flags().values())


def test_each_chunk_is_marked_in_one_command_after_its_commit(mailbox, monkeypatch):
    from django.db import connection

    mailbox.deliver(corpus("plain.eml"), corpus("spanish.eml"), corpus("html_only.eml"))
    real_mark = imap_module._mark_done
    marks = []

    def mark_after_commit(client, uids, config):
        # Outside any transaction, every message of the chunk already recorded: committed.
        assert not connection.in_atomic_block
        assert InboundEmail.objects.count() == sum(len(done) for done in marks) + len(uids)
        assert not any(SEEN in f for uid, f in mailbox.flags().items() if uid in uids)
        marks.append(list(uids))
        real_mark(client, uids, config)

    monkeypatch.setattr(imap_module, "_mark_done", mark_after_commit)
    counts = mailbox_poll(config=dataclasses.replace(mailbox.config, chunk=2))
    assert counts.new_inquiries == 3
    assert [len(done) for done in marks] == [2, 1]
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


def test_never_polls_inside_a_transaction(imap_server):
    from django.db import transaction

    with transaction.atomic(), pytest.raises(RuntimeError, match="outside a transaction"):
        mailbox_poll(config=imap_server.config)


@pytest.mark.django_db
def test_the_periodic_job_only_enqueues_the_poll_after_commit(
    settings, django_capture_on_commit_callbacks
):
    from contactcenter.core.periodic import periodic_jobs
    from contactcenter.intake.imap import poll_mailbox
    from contactcenter.intake.periodic import mailbox_poll_enqueue

    assert {"intake.mail_poll", "intake.outbound_requeue"} <= {job.name for job in periodic_jobs()}
    settings.INTAKE_IMAP_HOST = ""
    assert mailbox_poll_enqueue() is False
    settings.INTAKE_IMAP_HOST = "127.0.0.1"
    backend = poll_mailbox.get_backend()
    backend.clear()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert mailbox_poll_enqueue() is True
    assert not backend.results  # nothing before the commit
    for callback in callbacks:
        callback()
    assert len(backend.results) == 1


# --- A worker really killed (SIGKILL) in the middle of its transaction ---------------------

POLLER = """
import json, os, signal
import django
django.setup()
from contactcenter.routing.reference_data import queues_load
queues_load()
from contactcenter.intake import services
from contactcenter.intake.imap import mailbox_poll
real_build, opened = services._acknowledgement_build, []
def dying(email, parsed, inquiry, chunk):
    opened.append(inquiry.pk)
    if len(opened) == int(os.environ["DIE_AT"]):
        os.kill(os.getpid(), signal.SIGKILL)  # the inquiry is written, not committed
    return real_build(email, parsed, inquiry, chunk)
services._acknowledgement_build = dying
print(json.dumps(mailbox_poll().as_dict()))
"""


@pytest.mark.parametrize(("chunk", "die_at", "committed"), KILLS[:2])
def test_a_poller_killed_mid_transaction_loses_and_duplicates_nothing(
    mailbox, migrated_sqlite, tmp_path, chunk, die_at, committed
):
    import json
    import sqlite3
    import subprocess
    import sys

    from tests.processes import PROJECT_DIR, project_env

    mailbox.deliver(corpus("plain.eml"), corpus("spanish.eml"), corpus("html_only.eml"))
    config = mailbox.config
    env = project_env(
        tmp_path, migrated_sqlite,
        INTAKE_IMAP_HOST=config.host, INTAKE_IMAP_PORT=str(config.port),
        INTAKE_IMAP_USER=config.user, INTAKE_IMAP_PASSWORD=config.password,
        INTAKE_IMAP_TLS="starttls", INTAKE_IMAP_CA_FILE=config.ca_file,
        TASKS_BACKEND="django_tasks.backends.dummy.DummyBackend",
        INTAKE_RECEIVE_CHUNK=str(chunk),
    )  # fmt: skip

    def poll(die_at: int) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-c", POLLER], env={**env, "DIE_AT": str(die_at)},
            cwd=PROJECT_DIR, capture_output=True, text=True, timeout=120,
        )  # fmt: skip

    killed = poll(die_at=die_at)
    assert killed.returncode == -9, killed.stderr[-2000:]
    assert sum(SEEN in f for f in mailbox.flags().values()) == committed
    finished = poll(die_at=0)
    assert finished.returncode == 0, finished.stderr[-2000:]
    counts = json.loads(finished.stdout.strip().splitlines()[-1])
    assert (counts["new_inquiries"], counts["already_seen"]) == (3 - committed, 0)
    assert all(SEEN in f for f in mailbox.flags().values())
    database = sqlite3.connect(tmp_path / "db.sqlite3")
    try:
        emails = database.execute("select count(*) from intake_inboundemail").fetchone()[0]
        inquiries = database.execute("select count(*) from inquiries_inquiry").fetchone()[0]
        message_ids = database.execute("select message_id from intake_inboundemail").fetchall()
    finally:
        database.close()
    assert (emails, inquiries) == (3, 3)
    assert len({row[0] for row in message_ids}) == 3


def test_sizes_are_asked_a_window_at_a_time_and_chunks_keep_their_bounds(monkeypatch):
    """A large mailbox's first chunk does not wait for every message's size; the chunks are
    the same as with every size known (at most so many messages and bytes)."""
    monkeypatch.setattr(imap_module, "RECEIVE_CHUNK_BYTES", 250)
    sizes = {uid: (200 if uid == 7 else 60) for uid in range(1, 12)}
    asked: list[list[int]] = []

    class Client:
        def fetch(self, uids, items):
            assert items == ["RFC822.SIZE"]
            asked.append(list(uids))
            return {uid: {b"RFC822.SIZE": sizes[uid]} for uid in uids}

    config = imap_module.MailboxSettings(
        host="imap.example", port=993, user="u", password="p", chunk=3
    )
    monkeypatch.setattr(imap_module, "SIZE_WINDOW_CHUNKS", 2)
    chunks = imap_module._chunks(Client(), list(range(1, 12)), config)
    assert next(chunks) == [1, 2, 3] and asked == [[1, 2, 3, 4, 5, 6]]  # one window, not all
    assert list(chunks) == [[4, 5, 6], [7], [8, 9, 10], [11]]  # 7 is too big to share
    assert asked == [[1, 2, 3, 4, 5, 6], [7, 8, 9, 10, 11]]
