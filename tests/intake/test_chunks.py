"""emails_receive: a chunk of messages in one transaction, each in its own savepoint. What one
message does, the next one of the same chunk sees; what one message breaks, the others keep."""

from __future__ import annotations

from email.message import EmailMessage

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from contactcenter.inquiries.models import Inquiry
from contactcenter.intake import services as intake_services
from contactcenter.intake.models import InboundEmail, OutboundEmail, OutboundKind, Outcome
from contactcenter.intake.services import (
    email_kept_aside_retry,
    emails_import,
    emails_receive,
    raw_read,
    receive_chunks,
)
from contactcenter.routing.models import WorkItem
from tests.intake.conftest import corpus

pytestmark = [pytest.mark.usefixtures("mail_queues"), pytest.mark.django_db]


def message(number: int, *, sender: str = "", in_reply_to: str = "", subject: str = "") -> bytes:
    email = EmailMessage()
    email["From"] = sender or f"person{number}@example.com"
    email["To"] = "contact@example.gov"
    email["Subject"] = subject or f"Question number {number}"
    email["Message-ID"] = f"<chunk-{number}@example.com>"
    if in_reply_to:
        email["In-Reply-To"] = in_reply_to
    email.set_content(
        f"I filed my application in March and have not heard back ({number}). "
        "Could you tell me what happens next and how long it usually takes?"
    )
    return bytes(email)


def test_one_message_failing_keeps_the_others_and_is_kept_aside(monkeypatch):
    """The new inquiries are written together; when that fails (here: message 2, after its
    inquiry and work item are written), it is rolled back and each message is received on
    its own, so only the failing one is kept aside."""
    real_build = intake_services._acknowledgement_build

    def fails_for_the_second(email, parsed, inquiry, chunk):
        if parsed.message_id == "<chunk-2@example.com>":  # written, queued: then it breaks
            raise RuntimeError("broken")
        return real_build(email, parsed, inquiry, chunk)

    monkeypatch.setattr(intake_services, "_acknowledgement_build", fails_for_the_second)
    raws = [message(1), message(2), message(3)]
    received = emails_receive(raws=raws, source="imap")
    assert [r.outcome for r in received] == [
        Outcome.NEW_INQUIRY, Outcome.KEPT_ASIDE, Outcome.NEW_INQUIRY,
    ]  # fmt: skip
    assert received[1].reason == "error:RuntimeError"
    assert raw_read(received[1].email) == raws[1]  # nothing the person sent is lost
    # The failing message's inquiry, work and acknowledgement were rolled back with it.
    assert Inquiry.objects.count() == 2 and WorkItem.objects.count() == 2
    acknowledged = set(OutboundEmail.objects.values_list("recipient", flat=True))
    assert acknowledged == {"person1@example.com", "person3@example.com"}
    # Once the fault is gone, staff receive it again: a new inquiry, acknowledged.
    monkeypatch.setattr(intake_services, "_acknowledgement_build", real_build)
    again = email_kept_aside_retry(email_id=received[1].email.pk)
    assert again.outcome == Outcome.NEW_INQUIRY
    assert OutboundEmail.objects.filter(recipient="person2@example.com").count() == 1


def test_a_database_fault_rolls_the_whole_chunk_back_to_be_taken_again(monkeypatch):
    from django.db import OperationalError

    real_build = intake_services._acknowledgement_build

    def deadlocks_on_the_second(email, parsed, inquiry, chunk):
        if parsed.message_id == "<chunk-2@example.com>":
            raise OperationalError("deadlock detected")
        return real_build(email, parsed, inquiry, chunk)

    monkeypatch.setattr(intake_services, "_acknowledgement_build", deadlocks_on_the_second)
    with pytest.raises(OperationalError):
        emails_receive(raws=[message(1), message(2), message(3)], source="imap")
    assert not InboundEmail.objects.exists() and not Inquiry.objects.exists()


def test_the_sender_cap_and_the_single_acknowledgement_count_the_same_chunk(settings):
    settings.INTAKE_NEW_PER_SENDER_PER_HOUR = 2
    raws = [message(n, sender="flood@example.com") for n in range(1, 5)]
    received = emails_receive(raws=raws, source="imap")
    assert [(r.outcome, r.reason) for r in received] == [
        (Outcome.NEW_INQUIRY, ""), (Outcome.NEW_INQUIRY, ""),
        (Outcome.REFUSED, "sender_rate_capped"), (Outcome.REFUSED, "sender_rate_capped"),
    ]  # fmt: skip
    acks = OutboundEmail.objects.filter(kind=OutboundKind.ACKNOWLEDGEMENT)
    assert acks.count() == 1 and acks.get().answers == received[0].email
    # The next chunk sees what this one committed.
    later = emails_receive(raws=[message(5, sender="flood@example.com")], source="imap")
    assert later[0].reason == "sender_rate_capped"


def test_a_reply_in_the_same_chunk_joins_its_inquiry_and_a_copy_is_seen_once():
    first = message(1)
    reply = message(2, in_reply_to="<chunk-1@example.com>", subject="Re: Question number 1")
    received = emails_receive(raws=[first, reply, first], source="imap")
    assert [r.outcome for r in received] == [
        Outcome.NEW_INQUIRY, Outcome.REPLY_JOINED, "already_seen",
    ]  # fmt: skip
    assert received[1].email.inquiry == received[0].email.inquiry
    assert received[1].email.joined_by == "in_reply_to"
    assert received[2].email == received[0].email
    assert Inquiry.objects.count() == 1 and InboundEmail.objects.count() == 2


def test_the_chunk_does_its_look_ups_once():
    """A chunk's queries grow with the messages written, not with look-ups per message: a new
    inquiry costs its savepoints and its writes (the inquiry with its two history events in
    one statement on PostgreSQL, the work item, the email, the acknowledgement, the contact
    events), nothing read."""
    emails_receive(raws=[message(100)], source="imap")  # the first of anything
    with CaptureQueriesContext(connection) as one:
        emails_receive(raws=[message(101)], source="imap")
    with CaptureQueriesContext(connection) as eleven:
        emails_receive(raws=[message(n) for n in range(102, 113)], source="imap")
    per_message = (len(eleven) - len(one)) / 10
    # Eleven new inquiries are written together: as many statements as one.
    assert per_message <= 0.5, per_message


def test_new_inquiries_written_together_are_what_one_by_one_writes(
    django_capture_on_commit_callbacks,
):
    """A chunk's new inquiries (written together) and one message received alone (one by one)
    leave the same rows: the inquiry and its history, the work item, the email row, the
    acknowledgement handed to the task queue, the contact events in the operations log."""
    from contactcenter.inquiries.models import EventKind
    from contactcenter.intake.services import email_receive
    from contactcenter.operations.models import ContactEventRecord

    with django_capture_on_commit_callbacks(execute=True):
        alone = email_receive(raw=message(1), source="imap")
        chunk = emails_receive(raws=[message(n) for n in range(2, 6)], source="imap")

    def shape(received):
        inquiry = received.email.inquiry
        item = WorkItem.objects.get(inquiry=inquiry)
        events = ContactEventRecord.objects.filter(inquiry_id=inquiry.pk).order_by("at", "kind")
        ack = OutboundEmail.objects.get(inquiry=inquiry)
        return (
            received.outcome,
            (inquiry.channel, inquiry.language, inquiry.topic, inquiry.state),
            list(inquiry.events.order_by("id").values_list("kind", "actor_label")),
            (item.kind, item.channel, item.queue.code, item.state),
            sorted((e.kind, e.queue_id == item.queue_id, e.work_item_id == item.pk)
                   for e in events),
            (ack.kind, ack.answers_id == received.email.pk, ack.recipient == received.email.sender),
        )  # fmt: skip

    expected = shape(alone)
    assert expected[2] == [(EventKind.OPENED, "system"), (EventKind.MESSAGE, "person")]
    assert [shape(received) for received in chunk] == [expected] * 4
    assert len({r.email.inquiry.reference_number for r in [alone, *chunk]}) == 5


def test_import_goes_chunk_by_chunk_and_again_changes_nothing(settings):
    settings.INTAKE_RECEIVE_CHUNK = 2
    raws = [corpus("plain.eml"), corpus("malformed.eml"), corpus("spanish.eml")]
    counts = emails_import(messages=iter(raws))
    assert (counts.new_inquiries, counts.kept_aside) == (2, 1)
    assert emails_import(messages=iter(raws)).already_seen == 3
    assert InboundEmail.objects.count() == 3


def test_chunks_hold_at_most_so_many_messages_and_bytes():
    raws = [b"a" * 10, b"b" * 10, b"c" * 30, b"d" * 5]
    assert list(receive_chunks(raws, size=2, max_bytes=25)) == [
        [b"a" * 10, b"b" * 10], [b"c" * 30], [b"d" * 5],
    ]  # fmt: skip


def test_a_chunks_acknowledgements_go_to_the_task_queue_as_one_task_after_the_commit(
    django_capture_on_commit_callbacks, mailoutbox
):
    from contactcenter.intake.models import OutboundState
    from contactcenter.intake.services import deliver_outbound_emails

    backend = deliver_outbound_emails.get_backend()
    backend.clear()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        emails_receive(raws=[message(n) for n in range(1, 4)], source="imap")
    assert not backend.results  # nothing before the commit
    for callback in callbacks:
        callback()
    tasks = [r for r in backend.results if r.task.name == "deliver_outbound_emails"]
    assert len(tasks) == 1 and len(backend.results) == 1
    ids = tasks[0].args[0]
    assert sorted(ids) == sorted(OutboundEmail.objects.values_list("pk", flat=True))
    # Run by a worker: each email sent on its own; one that is gone does not stop the others.
    assert deliver_outbound_emails.call([*ids, 999_999]) == {"sent": 3, "error": 1}
    assert len(mailoutbox) == 3
    assert set(OutboundEmail.objects.values_list("state", flat=True)) == {OutboundState.SENT}


def test_replies_written_together_join_like_one_by_one_and_queue_work_once():
    """Replies in a chunk are written with the new questions: each joins its inquiry's
    history; an inquiry whose work is still waiting gets no second item; one whose work is
    done is queued again, once, though two replies came; a reply to a closed inquiry reopens
    it (one by one, as before)."""
    from contactcenter.inquiries.models import EventKind, InquiryState
    from contactcenter.inquiries.services import inquiry_resolve
    from contactcenter.routing.models import WorkState

    waiting, done, closed = emails_receive(raws=[message(1), message(2), message(3)], source="imap")
    WorkItem.objects.filter(inquiry=done.email.inquiry).update(state=WorkState.DONE)
    inquiry_resolve(inquiry=closed.email.inquiry, actor=None, disposition="resolved_first_contact")
    assert Inquiry.objects.get(pk=closed.email.inquiry_id).state == InquiryState.CLOSED

    def reply(number: int, to: int) -> bytes:
        return message(
            number, sender=f"person{to}@example.com", in_reply_to=f"<chunk-{to}@example.com>",
            subject="Re: my question",
        )  # fmt: skip

    received = emails_receive(
        raws=[reply(11, 1), reply(12, 2), reply(13, 2), reply(14, 3), message(15)], source="imap"
    )
    assert [r.outcome for r in received] == [Outcome.REPLY_JOINED] * 4 + [Outcome.NEW_INQUIRY]
    assert [r.email.inquiry_id for r in received[:4]] == [
        waiting.email.inquiry_id, done.email.inquiry_id, done.email.inquiry_id,
        closed.email.inquiry_id,
    ]  # fmt: skip
    assert {r.email.joined_by for r in received[:4]} == {"in_reply_to"}

    def items(result):
        return list(WorkItem.objects.filter(inquiry_id=result.email.inquiry_id)
                    .order_by("id").values_list("state", flat=True))  # fmt: skip

    assert items(waiting) == [WorkState.QUEUED]
    assert items(done) == [WorkState.DONE, WorkState.QUEUED]
    assert Inquiry.objects.get(pk=closed.email.inquiry_id).state != InquiryState.CLOSED
    assert items(closed)[-1] == WorkState.QUEUED
    messages = Inquiry.objects.get(pk=done.email.inquiry_id).events.filter(kind=EventKind.MESSAGE)
    assert messages.count() == 3  # the question and both replies
    # No acknowledgement for a reply.
    assert not OutboundEmail.objects.filter(answers__in=[r.email for r in received[:4]]).exists()


def test_replies_in_a_chunk_cost_their_look_up_not_ten_statements_each():
    firsts = emails_receive(raws=[message(n) for n in range(1, 12)], source="imap")
    assert all(r.outcome == Outcome.NEW_INQUIRY for r in firsts)

    def reply(number: int, to: int) -> bytes:
        return message(number, sender=f"person{to}@example.com",
                       in_reply_to=f"<chunk-{to}@example.com>")  # fmt: skip

    with CaptureQueriesContext(connection) as one:
        emails_receive(raws=[reply(101, 1)], source="imap")
    with CaptureQueriesContext(connection) as eleven:
        received = emails_receive(raws=[reply(100 + n, n) for n in range(2, 12)], source="imap")
    assert {r.outcome for r in received} == {Outcome.REPLY_JOINED}
    per_reply = (len(eleven) - len(one)) / 9
    assert per_reply <= 1.5, per_reply  # finding its inquiry; the writes are shared
