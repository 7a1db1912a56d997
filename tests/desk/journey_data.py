"""Contacts on several channels for the journeys tests, with hand-worked figures.

The agency's time zone is America/New_York (clocks went back on 2026-11-01). The range is
2026-11-02 to 2026-11-08; every contact's seven days have passed by 2026-11-20.

| # | person/case | local time | channel | start (VA: assistant) | queue (agent took) | closed as |
| - | - | - | - | - | - | - |
| 1 | A / A1 | Mon 11-02 23:50 (11-03 04:50 UTC) | phone | IVR | general | resolved |
| 2 | A / A1 | Mon 11-09 10:00 (day 7 after #1, past range) | chat | VA | general | resolved |
| 3 | B / B1 | Tue 11-03 09:00 | secure message | - | general | resolved |
| 4 | B / B1 | Wed 11-04 00:10 (day 1 after #3) | chat | VA | premium, untaken | no answer |
| 5 | C / C1 | Wed 10-28 12:00 (before the range) | phone | - | - | resolved |
| 6 | C / C2 | Wed 11-04 12:00 (day 7 after #5: 7 days and 1 hour) | phone | IVR | - | resolved |
| 7 | D / D1 | Tue 10-27 12:00 (before the range) | web form | - | - | referred |
| 8 | D / D1 | Wed 11-04 08:00 (day 8 after #7: under 8 days) | web form | - | - | resolved |
| 9 | nobody verified | Fri 11-06 14:00 | phone | IVR | general | resolved |
| 10 | E / E1 | Sun 11-08 23:30 (11-09 04:30 UTC, in range) | phone | - | - | open |
| 11 | (assistant only) | Sat 11-07 15:00 | virtual assistant | VA | - | - |

Besides, a conversation with the assistant in which the person asked nothing (not a contact).

Figures for the range: contacts 7 inquiries (#1, 3, 4, 6, 8, 9, 10) + 1 assistant-only = 8;
verified 6 (#1, 3, 4, 6, 8, 10), people 5, cases 5. Repeats: #4 (day 1) and #6 (day 7) = 2,
33.33 %; #8 (day 8) is not one. Resolved at first contact: #6 and #8 of 6 = 33.33 % (#1 is
followed by #2 on day 7, #3 by #4, #4 closed "no answer", #10 open). Self-service starts: #1,
#4, #6, #9 and #11 = 5; reached a person: #1 and #9 = 2, 25.00 % of contacts, 40.00 % of
starts.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from contactcenter.chat.models import Conversation
from contactcenter.chat.models import Message as ChatMessage
from contactcenter.inquiries.models import Inquiry, InquiryState
from contactcenter.inquiries.services import inquiry_open, inquiry_verified_by_account
from contactcenter.ivr.models import Call, FlowVersion
from contactcenter.routing.models import Agent, Queue, WorkItem, WorkKind, WorkState
from contactcenter.routing.reference_data import queues_load
from contactcenter.staff.models import Role
from tests.factories import CaseFactory, PersonFactory, StaffUserFactory

ZONE = ZoneInfo("America/New_York")
FIRST, LAST = dt.date(2026, 11, 2), dt.date(2026, 11, 8)
SETTLED = dt.date(2026, 11, 20)


def local(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=ZONE)


def _flow() -> FlowVersion:
    return FlowVersion.objects.filter(line="journeys").first() or FlowVersion.objects.create(
        line="journeys", version=1, source_file="journeys.yaml", source="", checksum="0" * 64,
        definition={},
    )  # fmt: skip


def contact(
    *, at: dt.datetime, channel: str, case=None, start: str = "", queue: Queue | None = None,
    agent: Agent | None = None, closed_as: str = "",
) -> Inquiry:  # fmt: skip
    """One contact as the channels leave it: the inquiry (verified through the person's
    account when ``case`` is given), its IVR call or assistant conversation, its work item."""
    inquiry = inquiry_open(channel=channel, person=case.applicant if case else None, case=case)
    if case is not None:
        inquiry = inquiry_verified_by_account(inquiry=inquiry, case=case, verified_as="applicant")
    if start == "ivr":
        Call.objects.create(
            call_sid="CA" + secrets.token_hex(16), line="journeys", flow_version=_flow(),
            inquiry=inquiry, started_at=at, ended_at=at,
        )  # fmt: skip
    elif start == "assistant":
        conversation = Conversation.objects.create(
            token_digest=secrets.token_hex(32), inquiry=inquiry, state="ended"
        )
        ChatMessage.objects.create(conversation=conversation, sender="person", body="a question")
    if queue is not None:
        WorkItem.objects.create(
            queue=queue, inquiry=inquiry, channel=channel,
            kind=WorkKind.CHAT if channel == "chat" else WorkKind.CALL, tier=queue.tier,
            language="en", enqueued_at=at,
            state=WorkState.DONE if agent else WorkState.CANCELLED, assigned_to=agent,
            assigned_at=at + dt.timedelta(seconds=30) if agent else None,
        )  # fmt: skip
    changes: dict = {"created_at": at}
    if closed_as:
        changes.update(state=InquiryState.CLOSED, disposition=closed_as, closed_at=at)
    Inquiry.objects.filter(pk=inquiry.pk).update(**changes)
    inquiry.refresh_from_db()
    return inquiry


@dataclass
class World:
    contacts: dict[int, Inquiry]
    cases: dict[str, object]
    agent: Agent
    general: Queue
    premium: Queue


def build() -> World:
    queues_load()
    general = Queue.objects.get(code="t1-general-en")
    premium = Queue.objects.get(code="t1-premium-processing")
    agent = Agent.objects.create(
        user=StaffUserFactory(role=Role.TIER1, username="agent.rivera"), tiers=["tier1"],
        languages=["en"], capacity={"phone": 1, "chat": 3},
    )  # fmt: skip
    people = {name: PersonFactory() for name in "ABCDE"}
    cases = {
        "A1": CaseFactory(applicant=people["A"]), "B1": CaseFactory(applicant=people["B"]),
        "C1": CaseFactory(applicant=people["C"]), "C2": CaseFactory(applicant=people["C"]),
        "D1": CaseFactory(applicant=people["D"]), "E1": CaseFactory(applicant=people["E"]),
    }  # fmt: skip
    resolved = "resolved_first_contact"
    made = {
        1: contact(at=local(2026, 11, 2, 23, 50), channel="phone", case=cases["A1"], start="ivr",
                   queue=general, agent=agent, closed_as=resolved),
        2: contact(at=local(2026, 11, 9, 10, 0), channel="chat", case=cases["A1"],
                   start="assistant", queue=general, agent=agent, closed_as=resolved),
        3: contact(at=local(2026, 11, 3, 9, 0), channel="secure_message", case=cases["B1"],
                   queue=general, agent=agent, closed_as=resolved),
        4: contact(at=local(2026, 11, 4, 0, 10), channel="chat", case=cases["B1"],
                   start="assistant", queue=premium, closed_as="no_answer"),
        5: contact(at=local(2026, 10, 28, 12, 0), channel="phone", case=cases["C1"],
                   closed_as=resolved),
        6: contact(at=local(2026, 11, 4, 12, 0), channel="phone", case=cases["C2"], start="ivr",
                   closed_as=resolved),
        7: contact(at=local(2026, 10, 27, 12, 0), channel="webform", case=cases["D1"],
                   closed_as="referred"),
        8: contact(at=local(2026, 11, 4, 8, 0), channel="webform", case=cases["D1"],
                   closed_as=resolved),
        9: contact(at=local(2026, 11, 6, 14, 0), channel="phone", start="ivr", queue=general,
                   agent=agent, closed_as=resolved),
        10: contact(at=local(2026, 11, 8, 23, 30), channel="phone", case=cases["E1"]),
    }  # fmt: skip
    for asked in (True, False):
        conversation = Conversation.objects.create(token_digest=secrets.token_hex(32))
        Conversation.objects.filter(pk=conversation.pk).update(created_at=local(2026, 11, 7, 15))
        if asked:
            ChatMessage.objects.create(conversation=conversation, sender="person", body="hours?")
    return World(contacts=made, cases=cases, agent=agent, general=general, premium=premium)
