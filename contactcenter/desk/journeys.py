"""Contact journeys: each person's contacts across channels in order, and the figures worked
out from them for a range of the agency's days (``docs/journeys.md`` defines each).

A contact is an inquiry (every call, handed-over chat, secure message and web form is one) or
a conversation with the virtual assistant that ended without a hand-over. Contacts are tied
to a person only by a proved identity: an inquiry whose identity check passed, or that came
from the person's signed-in account (``verified_as`` set). That sets both its case and the
case's applicant, so "the same person" and "the same case" never disagree: a contact about a
case is a contact of its applicant, a representative's included. A name, number or receipt
number only typed or heard (an unverified hint) ties nothing.

- **Repeat contact**: an identified contact that follows another of the same person by at
  most seven agency days (the same day counts; day 7 does, day 8 does not).
- **Resolved at first contact**: an identified contact closed with a wrap-up code that counts
  as resolved and followed by no contact of the same person within seven agency days. Counted
  only once those seven days have passed (the next agency day after the seventh); until then
  the contact is "still open".
- **Started in self-service**: a call that reached the phone line's menu (it has an IVR call)
  or a chat that began with the virtual assistant; **reached a person** when an agent
  accepted any of its work (a live call or chat, a callback).

The figures cost three queries whatever the number of contacts (the contacts with what
decides each flag, the assistant's conversations, the queues' names); the figures are counts
and rates, so reading them discloses nothing. The journeys behind a figure show contacts of
named cases: they are read only through ``journeys_for_viewer`` and the two single-journey
selectors, which check the role and write one disclosure-log row per case shown, in one
statement, before returning.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from itertools import pairwise
from zoneinfo import ZoneInfo

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from contactcenter.audit.models import DisclosureChannel
from contactcenter.cases.selectors import cases_contact_history_disclose
from contactcenter.chat.models import Conversation, Sender
from contactcenter.chat.models import Message as ChatMessage
from contactcenter.core.errors import InvalidInput, NotFound
from contactcenter.core.languages import active_language
from contactcenter.inquiries.models import Channel, Disposition, Inquiry, InquiryState
from contactcenter.ivr.models import Call
from contactcenter.operations.intervals import agency_zone, local_day_bounds
from contactcenter.operations.service_level import percent
from contactcenter.routing.models import Queue, WorkItem

REPEAT_DAYS = 7
# The figures read every contact of the range (and a week either side): a quarter at most.
MAX_DAYS = 92
PAGE_SIZE = 20
JOURNEY_PAGE_SIZE = 50
NO_QUEUE = 0
# The lists behind the figures.
FIGURES = ("contacts", "repeats", "not_resolved", "self_service", "self_service_reached")
JOURNEY_PURPOSE = "contact journeys"


class JourneyNotFound(NotFound):
    pass


@dataclass(frozen=True, slots=True)
class JourneySpec:
    first: dt.date
    last: dt.date

    @classmethod
    def parse(cls, *, first: object, last: object) -> JourneySpec:
        """A range from a form or a query string; anything wrong is refused with the reason."""
        try:
            first_day = dt.date.fromisoformat(str(first))
            last_day = dt.date.fromisoformat(str(last))
        except ValueError:
            raise InvalidInput(_("Give the first and last day as YYYY-MM-DD.")) from None
        if last_day < first_day:
            raise InvalidInput(_("The last day comes before the first."))
        if (last_day - first_day).days + 1 > MAX_DAYS:
            raise InvalidInput(
                _("Journeys cover at most %(days)s days; choose a shorter range.")
                % {"days": MAX_DAYS}
            )
        return cls(first=first_day, last=last_day)


@dataclass(slots=True)
class _Contact:
    """One inquiry, with what decides its flags (no personal data)."""

    pk: int
    at: dt.datetime
    day: dt.date
    channel: str
    person_id: int | None
    case_id: int | None
    queue_id: int
    resolved: bool
    self_service: bool
    reached: bool
    in_range: bool
    repeat: bool = False
    followed: bool = False


@dataclass(slots=True)
class JourneyCounts:
    contacts: int = 0
    identified: int = 0
    people: set[int] = field(default_factory=set)
    cases: set[int] = field(default_factory=set)
    repeats: int = 0
    # Identified contacts whose seven days have passed, and of those, resolved at first contact.
    settled: int = 0
    resolved_first: int = 0
    self_service_starts: int = 0
    self_service_reached: int = 0

    @property
    def still_open(self) -> int:
        return self.identified - self.settled

    @property
    def not_resolved(self) -> int:
        return self.settled - self.resolved_first

    @staticmethod
    def _rate(part: int, whole: int) -> Decimal | None:
        return percent(Fraction(part, whole)) if whole else None

    @property
    def repeat_percent(self) -> Decimal | None:
        return self._rate(self.repeats, self.identified)

    @property
    def resolved_first_percent(self) -> Decimal | None:
        return self._rate(self.resolved_first, self.settled)

    @property
    def reached_of_contacts_percent(self) -> Decimal | None:
        return self._rate(self.self_service_reached, self.contacts)

    @property
    def reached_of_starts_percent(self) -> Decimal | None:
        return self._rate(self.self_service_reached, self.self_service_starts)


@dataclass(frozen=True, slots=True)
class FigureRow:
    key: str  # "" for all contacts, a channel, or a queue's id as text
    label: str
    counts: JourneyCounts


@dataclass(frozen=True, slots=True)
class JourneyFigures:
    spec: JourneySpec
    total: FigureRow
    by_channel: list[FigureRow]
    by_queue: list[FigureRow]
    # The last agency day whose contacts are settled for first-contact resolution.
    settled_through: dt.date


def _local_day(moment: dt.datetime, zone: ZoneInfo) -> dt.date:
    return moment.astimezone(zone).date()


def _read_contacts(spec: JourneySpec, zone: ZoneInfo) -> list[_Contact]:
    """The range's inquiries, and the identified ones of the week either side (a repeat may
    follow a contact made before the range, and a contact late in it may be followed after
    it), oldest first, in one query."""
    begin, end = local_day_bounds(spec.first, spec.last, zone=zone)
    margin = dt.timedelta(days=REPEAT_DAYS + 1)
    identified = Q(case__isnull=False, person__isnull=False) & ~Q(verified_as="")
    rows = (
        Inquiry.objects.filter(
            Q(created_at__gte=begin, created_at__lt=end)
            | (identified & Q(created_at__gte=begin - margin, created_at__lt=end + margin))
        )
        .annotate(
            first_queue=Subquery(
                WorkItem.objects.filter(inquiry_id=OuterRef("pk"))
                .order_by("id")
                .values("queue_id")[:1]
            ),
            reached=Exists(
                WorkItem.objects.filter(inquiry_id=OuterRef("pk"), assigned_at__isnull=False)
            ),
            via_ivr=Exists(Call.objects.filter(inquiry_id=OuterRef("pk"))),
            via_assistant=Exists(Conversation.objects.filter(inquiry_id=OuterRef("pk"))),
            resolved_code=Exists(
                Disposition.objects.filter(code=OuterRef("disposition"), counts_as_resolved=True)
            ),
        )
        .order_by("created_at", "id")
        .values_list(
            "pk",
            "created_at",
            "channel",
            "person_id",
            "case_id",
            "verified_as",
            "state",
            "first_queue",
            "reached",
            "via_ivr",
            "via_assistant",
            "resolved_code",
        )
    )
    contacts = []
    for (pk, at, channel, person_id, case_id, verified_as, state, queue_id, reached, via_ivr,
         via_assistant, resolved_code) in rows:  # fmt: skip
        known = bool(verified_as) and person_id is not None and case_id is not None
        contacts.append(
            _Contact(
                pk=pk,
                at=at,
                day=_local_day(at, zone),
                channel=channel,
                person_id=person_id if known else None,
                case_id=case_id if known else None,
                queue_id=queue_id or NO_QUEUE,
                resolved=state == InquiryState.CLOSED and bool(resolved_code),
                self_service=bool(via_ivr or via_assistant),
                reached=bool(reached),
                in_range=begin <= at < end,
            )
        )
    _mark_repeats(contacts)
    return contacts


def _mark_repeats(contacts: Sequence[_Contact]) -> None:
    """Each identified contact is a repeat when the same person's contact before it (in time)
    is at most seven agency days earlier, and followed when the one after it is at most seven
    later. ``contacts`` is in time order, so neighbours are enough."""
    by_person: dict[int, list[_Contact]] = defaultdict(list)
    for contact in contacts:
        if contact.person_id is not None:
            by_person[contact.person_id].append(contact)
    for journey in by_person.values():
        for earlier, later in pairwise(journey):
            if (later.day - earlier.day).days <= REPEAT_DAYS:
                later.repeat = True
                earlier.followed = True


def _settled(contact: _Contact, today: dt.date) -> bool:
    """Whether the contact's seven days have all passed, so no repeat can still come."""
    return today > contact.day + dt.timedelta(days=REPEAT_DAYS)


def _assistant_only(spec: JourneySpec, zone: ZoneInfo) -> int:
    """Conversations with the virtual assistant in the range that were never handed to a
    person, and in which the person asked at least one question."""
    begin, end = local_day_bounds(spec.first, spec.last, zone=zone)
    return (
        Conversation.objects.filter(created_at__gte=begin, created_at__lt=end, inquiry__isnull=True)
        .filter(
            Exists(ChatMessage.objects.filter(conversation_id=OuterRef("pk"), sender=Sender.PERSON))
        )
        .count()
    )


def _count(counts: JourneyCounts, contact: _Contact, today: dt.date) -> None:
    counts.contacts += 1
    if contact.self_service:
        counts.self_service_starts += 1
        if contact.reached:
            counts.self_service_reached += 1
    if contact.person_id is None:
        return
    counts.identified += 1
    counts.people.add(contact.person_id)
    assert contact.case_id is not None
    counts.cases.add(contact.case_id)
    counts.repeats += contact.repeat
    if _settled(contact, today):
        counts.settled += 1
        counts.resolved_first += contact.resolved and not contact.followed


def _channel_label(channel: str) -> str:
    try:
        return str(Channel(channel).label)
    except ValueError:
        return channel


def _queue_labels(queue_ids: Iterable[int], language: str) -> dict[int, str]:
    labels = {
        queue.pk: queue.name(language)
        for queue in Queue.objects.filter(pk__in=[pk for pk in queue_ids if pk != NO_QUEUE])
    }
    labels[NO_QUEUE] = _("No queue")
    return labels


def journey_figures(spec: JourneySpec, *, today: dt.date | None = None) -> JourneyFigures:
    """The range's figures, all contacts together, by channel and by first queue."""
    zone = agency_zone()
    today = today or timezone.localdate(timezone=zone)
    contacts = _read_contacts(spec, zone)
    total = JourneyCounts()
    channels: dict[str, JourneyCounts] = defaultdict(JourneyCounts)
    queues: dict[int, JourneyCounts] = defaultdict(JourneyCounts)
    for contact in contacts:
        if not contact.in_range:
            continue
        for counts in (total, channels[contact.channel], queues[contact.queue_id]):
            _count(counts, contact, today)
    assistant = _assistant_only(spec, zone)
    if assistant:
        # Contacts that began and ended in self-service, with no person and no queue.
        for counts in (total, channels[Channel.VIRTUAL_ASSISTANT.value], queues[NO_QUEUE]):
            counts.contacts += assistant
            counts.self_service_starts += assistant
    names = _queue_labels(queues, active_language())
    return JourneyFigures(
        spec=spec,
        total=FigureRow(key="", label=_("All contacts"), counts=total),
        by_channel=[
            FigureRow(key=channel, label=_channel_label(channel), counts=counts)
            for channel, counts in sorted(channels.items(), key=lambda pair: -pair[1].contacts)
        ],
        by_queue=[
            FigureRow(key=str(queue_id), label=names.get(queue_id, str(queue_id)), counts=counts)
            for queue_id, counts in sorted(
                queues.items(), key=lambda pair: (pair[0] == NO_QUEUE, -pair[1].contacts)
            )
        ],
        settled_through=today - dt.timedelta(days=REPEAT_DAYS + 1),
    )


def _columns() -> list[str]:
    return [
        _("Group"), _("Contacts"), _("Contacts with a verified identity"), _("People"),
        _("Cases"), _("Repeat contacts within 7 days"), _("Repeat contact rate (%)"),
        _("Contacts whose 7 days have passed"), _("Resolved at first contact"),
        _("First-contact resolution (%)"), _("Started in self-service"),
        _("Started in self-service and reached a person"),
        _("Share of all contacts (%)"), _("Share of self-service starts (%)"),
    ]  # fmt: skip


def journey_figures_csv(figures: JourneyFigures) -> str:
    """The page's figures as CSV: all contacts, then by channel, then by first queue."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_("Grouped by"), *_columns()])

    def blank(value: object) -> object:
        return "" if value is None else value

    groups = [(_("All contacts"), [figures.total]), (_("Channel"), figures.by_channel),
              (_("Queue"), figures.by_queue)]  # fmt: skip
    for kind, rows in groups:
        for row in rows:
            counts = row.counts
            writer.writerow([
                kind, row.label, counts.contacts, counts.identified, len(counts.people),
                len(counts.cases), counts.repeats, blank(counts.repeat_percent), counts.settled,
                counts.resolved_first, blank(counts.resolved_first_percent),
                counts.self_service_starts, counts.self_service_reached,
                blank(counts.reached_of_contacts_percent),
                blank(counts.reached_of_starts_percent),
            ])  # fmt: skip
    return out.getvalue()


# The journeys themselves: personal data, read only through the audited selectors below.


@dataclass(frozen=True, slots=True)
class JourneyStep:
    at: dt.datetime
    reference_number: str
    receipt_number: str
    case_id: int
    channel_label: str
    queue_label: str
    agent: str
    outcome: str
    self_service: bool
    reached: bool
    repeat: bool
    # The contact is one the figure counted (the others are its neighbours, for context).
    counted: bool


@dataclass(frozen=True, slots=True)
class Journey:
    person_id: int
    steps: list[JourneyStep]

    @property
    def receipt_numbers(self) -> list[str]:
        return sorted({step.receipt_number for step in self.steps})


@dataclass(frozen=True, slots=True)
class JourneyPage:
    journeys: list[Journey]
    number: int
    pages: int
    total: int
    # Contacts of the figure with no verified identity: in the count, in no journey.
    unidentified: int = 0

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages


def _counted_by(
    figure: str, contact: _Contact, today: dt.date, *, channel: str, queue: int | None
) -> bool:
    if not contact.in_range:
        return False
    if channel and contact.channel != channel:
        return False
    if queue is not None and contact.queue_id != queue:
        return False
    if figure == "contacts":
        return True
    if figure == "repeats":
        return contact.repeat
    if figure == "not_resolved":
        return _settled(contact, today) and not (contact.resolved and not contact.followed)
    if figure == "self_service":
        return contact.self_service
    return contact.self_service and contact.reached


def _steps(
    where: Q, *, counted: set[int], repeats: set[int], zone: ZoneInfo
) -> dict[int, list[JourneyStep]]:
    """The contacts matching ``where`` with their labels, each person's in time order, in one
    query: the queue and agent of the first work an agent accepted (else the first queue), the
    wrap-up code's label in the viewer's language, else the state."""
    language = active_language()
    accepted = WorkItem.objects.filter(
        inquiry_id=OuterRef("pk"), assigned_to__isnull=False, assigned_at__isnull=False
    ).order_by("assigned_at", "id")
    rows = (
        Inquiry.objects.filter(where)
        .exclude(verified_as="")
        .annotate(
            agent_name=Subquery(accepted.values("assigned_to__user__username")[:1]),
            queue_name=Subquery(
                WorkItem.objects.filter(inquiry_id=OuterRef("pk"))
                .order_by("id")
                .values("queue__name_es" if language == "es" else "queue__name_en")[:1]
            ),
            disposition_label=Subquery(
                Disposition.objects.filter(code=OuterRef("disposition")).values(
                    "label_es" if language == "es" else "label_en"
                )[:1]
            ),
            via_ivr=Exists(Call.objects.filter(inquiry_id=OuterRef("pk"))),
            via_assistant=Exists(Conversation.objects.filter(inquiry_id=OuterRef("pk"))),
            reached=Exists(
                WorkItem.objects.filter(inquiry_id=OuterRef("pk"), assigned_at__isnull=False)
            ),
        )
        .order_by("created_at", "id")
        .values_list(
            "pk",
            "created_at",
            "reference_number",
            "case__receipt_number",
            "case_id",
            "person_id",
            "channel",
            "state",
            "agent_name",
            "queue_name",
            "disposition_label",
            "via_ivr",
            "via_assistant",
            "reached",
        )
    )
    journeys: dict[int, list[JourneyStep]] = defaultdict(list)
    for (pk, at, reference, receipt, case_id, person_id, channel, state, agent, queue_name,
         disposition_label, via_ivr, via_assistant, reached) in rows:  # fmt: skip
        journeys[person_id].append(
            JourneyStep(
                at=at.astimezone(zone),
                reference_number=reference,
                receipt_number=receipt,
                case_id=case_id,
                channel_label=_channel_label(channel),
                queue_label=queue_name or "",
                agent=agent or "",
                outcome=disposition_label or _state_label(state),
                self_service=bool(via_ivr or via_assistant),
                reached=bool(reached),
                repeat=pk in repeats,
                counted=pk in counted,
            )
        )
    return journeys


def _state_label(state: str) -> str:
    try:
        return str(InquiryState(state).label)
    except ValueError:
        return state


def _page_bounds(total: int, page: int, size: int) -> tuple[int, int]:
    pages = max((total + size - 1) // size, 1)
    if page < 1 or page > pages:
        raise JourneyNotFound(_("There is no such page of journeys."))
    return pages, (page - 1) * size


def journeys_for_viewer(
    *,
    viewer: User | AnonymousUser,
    spec: JourneySpec,
    figure: str,
    channel: str = "",
    queue: int | None = None,
    page: int = 1,
    today: dt.date | None = None,
) -> JourneyPage:
    """The journeys behind one figure of the range (optionally of one channel or first queue):
    each person with a contact the figure counted, with their contacts from a week before the
    range to a week after it, in order; people by their first counted contact. A page at a
    time, and before it is returned one disclosure-log row per case on the page."""
    if figure not in FIGURES:
        raise InvalidInput(_("Choose which figure's journeys to list."))
    if channel and channel not in Channel.values:
        raise InvalidInput(_("Unknown channel %(channel)s.") % {"channel": channel})
    zone = agency_zone()
    today = today or timezone.localdate(timezone=zone)
    _refuse_unless_allowed(viewer)
    contacts = _read_contacts(spec, zone)
    counted = [
        contact
        for contact in contacts
        if _counted_by(figure, contact, today, channel=channel, queue=queue)
    ]
    people: list[int] = []
    for contact in counted:
        if contact.person_id is not None and contact.person_id not in people:
            people.append(contact.person_id)
    pages, start = _page_bounds(len(people), page, PAGE_SIZE)
    shown = people[start : start + PAGE_SIZE]
    begin, end = local_day_bounds(spec.first, spec.last, zone=zone)
    margin = dt.timedelta(days=REPEAT_DAYS + 1)
    window = {contact.pk for contact in contacts if contact.person_id in set(shown)}
    steps = (
        _steps(
            Q(pk__in=window, created_at__gte=begin - margin, created_at__lt=end + margin),
            counted={contact.pk for contact in counted},
            repeats={contact.pk for contact in contacts if contact.repeat},
            zone=zone,
        )
        if shown
        else {}
    )
    journeys = [Journey(person_id=person, steps=steps[person]) for person in shown]
    _disclose(viewer, journeys, purpose=f"{JOURNEY_PURPOSE}: {figure} {spec.first}..{spec.last}")
    return JourneyPage(
        journeys=journeys, number=page, pages=pages, total=len(people),
        unidentified=sum(contact.person_id is None for contact in counted),
    )  # fmt: skip


def _refuse_unless_allowed(viewer: User | AnonymousUser) -> None:
    """The role check alone (no cases yet): refused before anything personal is read."""
    cases_contact_history_disclose(
        viewer=viewer, case_ids=(), channel=DisclosureChannel.DESK, purpose=JOURNEY_PURPOSE
    )


def _disclose(viewer: User | AnonymousUser, journeys: Sequence[Journey], *, purpose: str) -> None:
    cases_contact_history_disclose(
        viewer=viewer,
        case_ids=[step.case_id for journey in journeys for step in journey.steps],
        channel=DisclosureChannel.DESK,
        purpose=purpose,
    )


def _one_journey(*, viewer: User | AnonymousUser, where: Q, page: int, purpose: str) -> JourneyPage:
    _refuse_unless_allowed(viewer)
    zone = agency_zone()
    found = list(
        Inquiry.objects.filter(where).exclude(verified_as="").order_by("created_at", "id")
        .values_list("pk", "created_at")
    )  # fmt: skip
    if not found:
        raise JourneyNotFound(_("No contacts with a verified identity were found."))
    ids = [pk for pk, _at in found]
    # The same rule as the figures, over the contacts listed here.
    days = [_local_day(at, zone) for _pk, at in found]
    repeats = {
        ids[index]
        for index in range(1, len(ids))
        if (days[index] - days[index - 1]).days <= REPEAT_DAYS
    }
    pages, start = _page_bounds(len(ids), page, JOURNEY_PAGE_SIZE)
    chosen = ids[start : start + JOURNEY_PAGE_SIZE]
    steps = _steps(Q(pk__in=chosen), counted=set(), repeats=repeats, zone=zone)
    journeys = [Journey(person_id=person, steps=found) for person, found in steps.items()]
    _disclose(viewer, journeys, purpose=purpose)
    return JourneyPage(journeys=journeys, number=page, pages=pages, total=len(ids))


def person_journey_for_viewer(
    *, viewer: User | AnonymousUser, person_id: int, page: int = 1
) -> JourneyPage:
    """Every contact of one person (by a proved identity), oldest first, a page at a time."""
    return _one_journey(
        viewer=viewer, where=Q(person_id=person_id), page=page,
        purpose=f"{JOURNEY_PURPOSE}: person {person_id}",
    )  # fmt: skip


def case_journey_for_viewer(
    *, viewer: User | AnonymousUser, case_id: int, page: int = 1
) -> JourneyPage:
    """Every contact about one case (by a proved identity), oldest first, a page at a time."""
    return _one_journey(
        viewer=viewer, where=Q(case_id=case_id), page=page,
        purpose=f"{JOURNEY_PURPOSE}: case {case_id}",
    )  # fmt: skip
