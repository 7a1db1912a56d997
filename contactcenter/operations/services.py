"""The fold: contact events and presence changes into counts per interval.

``interval_facts_fold`` reads the event log past its watermark in id order, works out what
each event adds to which interval (the one its ``at`` falls in, however late it arrives), adds
that into ``IntervalFacts`` with one upsert per row touched (``col = col + excluded.col``), and
moves the watermark on, all in one transaction: a fold that fails adds nothing, and a fold run
again adds nothing twice. The presence history is folded the same way into ``AgentStateFacts``.

Why a row must settle before it is folded: ids are handed out when a row is inserted, but a
row becomes visible when its transaction commits. A transaction that inserted id 7 and commits
after another that inserted id 8 would be passed over for good once the watermark stood at 8.
So the fold only takes the rows, in id order, up to the first one stored less than
``OPERATIONS_FOLD_SETTLE_SECONDS`` ago; a row still invisible after that long belongs to a
transaction held open that long after it reported the step, which no service here does (on
SQLite, writers run one at a time and the question never arises).

The threshold T of "within" is the queue's ``service_level_seconds`` when the event is folded.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from contactcenter.core.domain_events import ContactEventKind as Kind
from contactcenter.operations.intervals import (
    agency_zone,
    interval_minutes,
    interval_start,
    spans_by_interval,
)
from contactcenter.operations.models import (
    NO_QUEUE,
    AgentContactFacts,
    AgentDailyFacts,
    AgentStateCursor,
    AgentStateFacts,
    ContactEventRecord,
    DailyFacts,
    FoldWatermark,
    IntervalFacts,
    OfficeFacts,
)
from contactcenter.routing.models import Presence, PresenceChange, Queue

logger = logging.getLogger(__name__)

EVENTS = "events"
PRESENCE = "presence"
BATCH_SIZE = 10_000

# The columns a fold adds into (every column of IntervalFacts but its key).
FACT_COLUMNS = (
    "started", "self_served", "queued", "answered", "answered_within", "abandoned",
    "abandoned_within", "abandoned_short", "callbacks_requested", "callbacks_within",
    "transferred", "handled", "wait_answered_ms", "wait_abandoned_ms", "talk_ms",
    "after_contact_ms",
)  # fmt: skip
FACT_KEY = ("interval_start", "queue_id", "channel", "language")
DAY_KEY = ("day", "queue_id", "channel", "language")
# The same for one agent's contacts, and for one office's requests.
AGENT_COLUMNS = ("answered", "handled", "talk_ms", "after_contact_ms", "transferred_out")
AGENT_KEY = ("interval_start", "agent_id", "queue_id", "channel")
OFFICE_COLUMNS = (
    "received", "transferred_in", "transferred_out", "resolved", "resolved_timed", "resolve_ms",
)  # fmt: skip
OFFICE_KEY = ("day", "office_id", "channel")
# An agent's day: their contacts' columns, then their time by state.
STATE_COLUMNS = {
    Presence.AVAILABLE: "available_ms", Presence.BUSY: "busy_ms", Presence.WRAP_UP: "wrap_up_ms",
    Presence.AWAY: "away_ms",
}  # fmt: skip
AGENT_DAY_COLUMNS = (*AGENT_COLUMNS, *STATE_COLUMNS.values())
# The channels of office work: their events name the office in ``detail["office_id"]``.
OFFICE_CHANNELS = frozenset({"service_request", "appointment"})
# Presence states counted; time signed out is not an agent's time.
COUNTED_PRESENCE = frozenset({Presence.AVAILABLE, Presence.BUSY, Presence.WRAP_UP, Presence.AWAY})
# Work that is not a live contact waiting in line: a callback to place later.
CALLBACK_WORK = "callback"

FactKey = tuple[dt.datetime, int, str, str]
AgentKey = tuple[dt.datetime, int, int, str]
OfficeKey = tuple[dt.date, int, str]
StateKey = tuple[dt.datetime, int, str]


@dataclass(slots=True)
class FoldResult:
    events: int = 0
    fact_rows: int = 0
    agent_rows: int = 0
    office_rows: int = 0
    presence_changes: int = 0
    state_rows: int = 0


@dataclass(slots=True)
class _Row:
    id: int
    kind: str
    channel: str
    at: dt.datetime
    language: str
    inquiry_id: int | None
    queue_id: int | None
    work_item_id: int | None
    detail: Mapping[str, object]
    agent_id: int | None = None
    record_id: int | None = None


@dataclass(slots=True)
class _Deltas:
    minutes: int
    zone: ZoneInfo
    facts: dict[FactKey, dict[str, int]] = field(default_factory=dict)
    agents: dict[AgentKey, dict[str, int]] = field(default_factory=dict)
    offices: dict[OfficeKey, dict[str, int]] = field(default_factory=dict)
    # Interval starts by the minute of UTC they hold: every zone's offset is whole minutes, so
    # one minute never straddles two intervals, and a day's events need a few hundred lookups.
    starts: dict[int, dt.datetime] = field(default_factory=dict)

    def start_of(self, at: dt.datetime) -> dt.datetime:
        minute = int(at.timestamp()) // 60
        start = self.starts.get(minute)
        if start is None:
            start = interval_start(at, minutes=self.minutes, zone=self.zone)
            self.starts[minute] = start
        return start

    def add(self, row: _Row, at: dt.datetime, queue_id: int | None, **amounts: int) -> None:
        key = (
            self.start_of(at),
            queue_id if queue_id is not None else NO_QUEUE,
            row.channel[:20],
            row.language[:8],
        )
        into = self.facts.get(key)
        if into is None:
            into = self.facts[key] = dict.fromkeys(FACT_COLUMNS, 0)
        for name, amount in amounts.items():
            into[name] += amount

    def add_agent(self, row: _Row, agent_id: int, **amounts: int) -> None:
        queue_id = row.queue_id if row.queue_id is not None else NO_QUEUE
        key = (self.start_of(row.at), agent_id, queue_id, row.channel[:20])
        into = self.agents.get(key)
        if into is None:
            into = self.agents[key] = dict.fromkeys(AGENT_COLUMNS, 0)
        for name, amount in amounts.items():
            into[name] += amount

    def add_office(self, row: _Row, office_id: int, **amounts: int) -> None:
        key = (self.start_of(row.at).astimezone(self.zone).date(), office_id, row.channel[:20])
        into = self.offices.get(key)
        if into is None:
            into = self.offices[key] = dict.fromkeys(OFFICE_COLUMNS, 0)
        for name, amount in amounts.items():
            into[name] += amount


def _milliseconds(seconds: float) -> int:
    return max(0, round(seconds * 1000))


def _waited(row: _Row) -> float | None:
    waited = row.detail.get("waited_seconds")
    return float(waited) if isinstance(waited, int | float) else None


def _upsert(table: str, key: Sequence[str], columns: Sequence[str], rows: list[list]) -> None:
    """Add ``rows`` (key values, then amounts) into ``table``: a new key is inserted, an
    existing one has each amount added to it, in one statement per row."""
    if not rows:
        return
    quote = connection.ops.quote_name
    names = [*key, *columns]
    # Only names from the models are interpolated; every value is bound.
    sql = (
        f"INSERT INTO {quote(table)} ({', '.join(quote(name) for name in names)}) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * len(names))}) "
        f"ON CONFLICT ({', '.join(quote(name) for name in key)}) DO UPDATE SET "
        + ", ".join(
            f"{quote(name)} = {quote(table)}.{quote(name)} + excluded.{quote(name)}"
            for name in columns
        )
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _moment(value: dt.datetime) -> Any:
    return connection.ops.adapt_datetimefield_value(value)


def _settled(rows: Iterable, *, cutoff: dt.datetime, recorded: str) -> list:
    """The rows up to (not including) the first one stored after ``cutoff``."""
    taken = []
    for row in rows:
        if getattr(row, recorded) > cutoff:
            break
        taken.append(row)
    return taken


# --- Contact events ---------------------------------------------------------------------------


# The kinds a later step is paired with: its queueing, answer, abandon, end, a reassignment
# (for the agent's own handle time) or, for office work, its receipt.
_HISTORY_KINDS = frozenset(
    {Kind.QUEUED, Kind.ANSWERED, Kind.ABANDONED, Kind.ENDED, Kind.TRANSFERRED, Kind.STARTED}
)


def _history(rows: Sequence[_Row], last_id: int) -> dict[int, list[_Row]]:
    """Earlier events of the inquiries whose wrap-ups, callbacks and office resolutions are in
    ``rows``: their queueing, answers, abandons, ends, transfers and receipts, oldest first, to
    pair a step with what came before.

    A wrap-up whose answer is in ``rows`` finds all it needs there (its end and any
    reassignment come after its answer), and so does a resolution whose receipt is; only the
    rest, and every callback, are looked up in the log, in one query."""
    in_rows: dict[int, list[_Row]] = defaultdict(list)
    answered: set[int | None] = set()
    received: set[tuple[str, int | None]] = set()
    wanted: set[int] = set()
    for row in rows:
        inquiry = row.inquiry_id
        if inquiry is None:
            continue
        kind = row.kind
        if kind in _HISTORY_KINDS:
            in_rows[inquiry].append(row)
            if kind == Kind.ANSWERED:
                answered.add(row.work_item_id)
            elif kind == Kind.STARTED:
                received.add((row.channel, row.record_id))
        elif (
            kind == Kind.CALLBACK_SCHEDULED
            or (kind == Kind.WRAPPED_UP and row.work_item_id not in answered)
            or (
                kind == Kind.RESOLVED
                and row.channel in OFFICE_CHANNELS
                and (row.channel, row.record_id) not in received
            )
        ):
            wanted.add(inquiry)
    found: dict[int, list[_Row]] = {
        inquiry: earlier for inquiry, earlier in in_rows.items() if inquiry not in wanted
    }
    if not wanted:
        return found
    for inquiry in wanted:
        found[inquiry] = []
    earlier = (
        ContactEventRecord.objects.filter(
            inquiry_id__in=wanted, id__lte=last_id, kind__in=list(_HISTORY_KINDS)
        )
        .order_by("id")
        .values_list(
            "id", "kind", "channel", "at", "language", "inquiry_id", "queue_id", "work_item_id",
            "detail", "agent_id", "record_id",
        )
    )  # fmt: skip
    for values in earlier:
        row = _Row(*values)
        assert row.inquiry_id is not None
        found[row.inquiry_id].append(row)
    return found


def _fold_wrapped_up(row: _Row, deltas: _Deltas, history: Sequence[_Row]) -> None:
    """Handle time, counted in the interval the agent's part ended in: talk from the answer to
    the end of the contact (or to the wrap-up, on channels that report no end), after-contact
    work from the end to the wrap-up. Work that was never answered was not handled."""
    answer = next(
        (
            earlier
            for earlier in reversed(history)
            if earlier.id < row.id
            and earlier.kind == Kind.ANSWERED
            and earlier.work_item_id == row.work_item_id
        ),
        None,
    )
    if answer is None or row.detail.get("work") == CALLBACK_WORK:
        return
    ended = next(
        (
            earlier
            for earlier in reversed(history)
            if answer.id < earlier.id < row.id and earlier.kind == Kind.ENDED
        ),
        None,
    )
    talk_end = ended.at if ended is not None else row.at
    talk_ms = _milliseconds((talk_end - answer.at).total_seconds())
    after_contact_ms = _milliseconds((row.at - talk_end).total_seconds())
    deltas.add(
        row, row.at, row.queue_id, handled=1, talk_ms=talk_ms, after_contact_ms=after_contact_ms
    )
    if row.agent_id is None:
        return
    # The agent who finished it, from when it became theirs: the answer, or a supervisor's
    # reassignment to them after it (a transfer with no step). Without one, the same time as
    # the queue's, so the agents' handled and handle time add up to the queues'.
    given = next(
        (
            earlier
            for earlier in reversed(history)
            if answer.id < earlier.id < row.id
            and earlier.kind == Kind.TRANSFERRED
            and earlier.work_item_id == row.work_item_id
            and earlier.agent_id == row.agent_id
            and "step" not in earlier.detail
        ),
        None,
    )
    if given is not None:
        talk_ms = _milliseconds((talk_end - given.at).total_seconds())
        after_contact_ms = _milliseconds((row.at - max(talk_end, given.at)).total_seconds())
    deltas.add_agent(
        row, row.agent_id, handled=1, talk_ms=talk_ms, after_contact_ms=after_contact_ms
    )


def _fold_callback(
    row: _Row, deltas: _Deltas, history: Sequence[_Row], thresholds: Mapping[int, int]
) -> None:
    """A callback chosen while waiting: counted in the queue the person was waiting in, within
    T when chosen within T of entering it. A callback arranged after an answer is not a
    removal from the line and is not counted here."""
    closed = {
        earlier.work_item_id
        for earlier in history
        if earlier.id < row.id and earlier.kind in (Kind.ANSWERED, Kind.ABANDONED)
    }
    waiting = next(
        (
            earlier
            for earlier in reversed(history)
            if earlier.id < row.id
            and earlier.kind == Kind.QUEUED
            and earlier.detail.get("work") != CALLBACK_WORK
            and earlier.work_item_id not in closed
        ),
        None,
    )
    if waiting is None or waiting.queue_id is None:
        return
    waited = (row.at - waiting.at).total_seconds()
    within = waited <= thresholds.get(waiting.queue_id, 0)
    deltas.add(
        waiting, row.at, waiting.queue_id, callbacks_requested=1, callbacks_within=int(within)
    )


def _office_id(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _fold_office(row: _Row, deltas: _Deltas, history: Mapping[int, list[_Row]]) -> None:
    """A service request's or appointment request's step, at the office its event names:
    received, sent on to another office (out of the one it left, into the one it reached),
    resolved, with the time from its receipt when the log still holds the receipt."""
    office_id = _office_id(row.detail.get("office_id"))
    if office_id is None:
        return
    if row.kind == Kind.STARTED:
        deltas.add_office(row, office_id, received=1)
    elif row.kind == Kind.TRANSFERRED:
        from_office_id = _office_id(row.detail.get("from_office_id"))
        if from_office_id is None or from_office_id == office_id:
            return  # a referral abroad on receipt: received and resolved there, not moved
        deltas.add_office(row, from_office_id, transferred_out=1)
        deltas.add_office(row, office_id, transferred_in=1)
    elif row.kind == Kind.RESOLVED:
        received = next(
            (
                earlier
                for earlier in history.get(row.inquiry_id or 0, [])
                if earlier.id < row.id
                and earlier.kind == Kind.STARTED
                and earlier.channel == row.channel
                and earlier.record_id == row.record_id
            ),
            None,
        )
        if received is None:
            deltas.add_office(row, office_id, resolved=1)
        else:
            took = _milliseconds((row.at - received.at).total_seconds())
            deltas.add_office(row, office_id, resolved=1, resolved_timed=1, resolve_ms=took)


def _fold_event(
    row: _Row,
    deltas: _Deltas,
    *,
    history: Mapping[int, list[_Row]],
    thresholds: Mapping[int, int],
    short_seconds: int,
) -> None:
    kind = row.kind
    if row.channel in OFFICE_CHANNELS and row.record_id is not None:
        _fold_office(row, deltas, history)
    queued = row.queue_id is not None and row.detail.get("work") != CALLBACK_WORK
    if kind == Kind.STARTED:
        deltas.add(row, row.at, None, started=1)
    elif kind == Kind.SELF_SERVED:
        deltas.add(row, row.at, None, self_served=1)
    elif kind == Kind.QUEUED and queued:
        deltas.add(row, row.at, row.queue_id, queued=1)
    elif kind == Kind.ANSWERED and queued:
        waited = _waited(row)
        if waited is None:
            return
        within = waited <= thresholds.get(row.queue_id or 0, 0)
        deltas.add(
            row, row.at, row.queue_id, answered=1, answered_within=int(within),
            wait_answered_ms=_milliseconds(waited),
        )  # fmt: skip
        if row.agent_id is not None:
            deltas.add_agent(row, row.agent_id, answered=1)
    elif kind == Kind.ABANDONED and queued:
        waited = _waited(row)
        if waited is None:
            return
        within = waited <= thresholds.get(row.queue_id or 0, 0)
        deltas.add(
            row, row.at, row.queue_id, abandoned=1, abandoned_within=int(within),
            abandoned_short=int(within and waited < short_seconds),
            wait_abandoned_ms=_milliseconds(waited),
        )  # fmt: skip
    elif kind == Kind.TRANSFERRED and row.detail.get("step", "done") == "done":
        deltas.add(row, row.at, row.queue_id, transferred=1)
        # The agent's own transfer names its sender; a supervisor's reassignment (no step)
        # names the agent it went to, who transferred nothing.
        if row.detail.get("step") == "done" and row.agent_id is not None:
            deltas.add_agent(row, row.agent_id, transferred_out=1)
    elif kind == Kind.WRAPPED_UP and row.work_item_id is not None and row.inquiry_id is not None:
        _fold_wrapped_up(row, deltas, history.get(row.inquiry_id, []))
    elif kind == Kind.CALLBACK_SCHEDULED and row.inquiry_id is not None:
        _fold_callback(row, deltas, history.get(row.inquiry_id, []), thresholds)


def _rows_count(rows: Sequence[_Row]) -> _Deltas:
    deltas = _Deltas(minutes=interval_minutes(), zone=agency_zone())
    if not rows:
        return deltas
    thresholds = dict(Queue.objects.values_list("id", "service_level_seconds"))
    history = _history(rows, rows[-1].id)
    short = int(settings.OPERATIONS_SHORT_ABANDON_SECONDS)
    for row in rows:
        _fold_event(row, deltas, history=history, thresholds=thresholds, short_seconds=short)
    return deltas


def contact_events_count(
    records: Sequence[ContactEventRecord],
) -> dict[FactKey, dict[str, int]]:
    """What ``records`` (log rows in id order) add to the interval facts, by the fold's rules,
    without writing anything: the fold adds it into ``IntervalFacts``; the wallboard adds it to
    what was folded, to show the rows still settling. At most two queries (thresholds, and the
    history of steps that pair with earlier ones outside ``records``)."""
    return _rows_count(
        [
            _Row(record.id, record.kind, record.channel, record.at, record.language,
                 record.inquiry_id, record.queue_id, record.work_item_id, record.detail or {},
                 record.agent_id, record.record_id)
            for record in records
        ]
    ).facts  # fmt: skip


_READ_COLUMNS = (
    "id", "kind", "channel", "at", "language", "inquiry_id", "queue_id", "work_item_id", "detail",
    "agent_id", "record_id",
)  # fmt: skip


def _batch_read(*, after_id: int, cutoff: dt.datetime, batch_size: int) -> tuple[list[_Row], int]:
    """The next rows past ``after_id`` in id order, up to the first stored after ``cutoff``
    (see ``_settled``), and how many rows the batch looked at.

    Read with one plain SELECT rather than as models: the fold reads every event once, and
    building a model per row cost it more than all its counting. Details repeat (the same few
    codes and waits), so each distinct text is decoded once per batch."""
    quote = connection.ops.quote_name
    table = quote(ContactEventRecord._meta.db_table)
    # Only names from the model are interpolated; every value is bound.
    sql = (
        f"SELECT {', '.join(quote(name) for name in _READ_COLUMNS)}, "  # noqa: S608
        f"CASE WHEN {quote('recorded_at')} > %s THEN 1 ELSE 0 END "
        f"FROM {table} WHERE {quote('id')} > %s ORDER BY {quote('id')} LIMIT %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [_moment(cutoff), after_id, batch_size])
        fetched = cursor.fetchall()
    details: dict[str, Mapping[str, object]] = {}
    rows = []
    for (
        row_id,
        kind,
        channel,
        at,
        language,
        inquiry,
        queue,
        item,
        detail,
        agent,
        record,
        late,
    ) in fetched:
        if late:
            break
        if at.tzinfo is None:  # SQLite gives the UTC it keeps as a naive datetime
            at = at.replace(tzinfo=dt.UTC)
        if isinstance(detail, str):
            decoded = details.get(detail)
            if decoded is None:
                decoded = details[detail] = json.loads(detail) or {}
            detail = decoded
        rows.append(
            _Row(row_id, kind, channel, at, language, inquiry, queue, item, detail or {}, agent,
                 record)
        )  # fmt: skip
    return rows, len(fetched)


def interval_facts_add(*, facts: Mapping[FactKey, Mapping[str, int]]) -> None:
    """Add counts into their intervals' ``IntervalFacts`` and the agency days' ``DailyFacts``,
    together (callers hold the transaction): the fold's only way to write counts, and the
    demo's. ``facts`` maps (interval start, queue id, channel, language) to amounts by column
    name; a column not given adds nothing."""
    if not facts:
        return
    zone = agency_zone()
    moments: dict[dt.datetime, Any] = {}
    days: dict[dt.datetime, dt.date] = {}
    rows = []
    daily: dict[tuple[dt.date, int, str, str], list[int]] = {}
    for (start, queue_id, channel, language), amounts in facts.items():
        if start not in moments:
            moments[start] = _moment(start)
            days[start] = start.astimezone(zone).date()
        values = [int(amounts.get(name, 0)) for name in FACT_COLUMNS]
        rows.append([moments[start], queue_id, channel, language, *values])
        key = (days[start], queue_id, channel, language)
        into = daily.get(key)
        if into is None:
            daily[key] = values
        else:
            daily[key] = [a + b for a, b in zip(into, values, strict=True)]
    _upsert(IntervalFacts._meta.db_table, FACT_KEY, FACT_COLUMNS, rows)
    _upsert(
        DailyFacts._meta.db_table, DAY_KEY, FACT_COLUMNS,
        [[connection.ops.adapt_datefield_value(day), *key, *values]
         for (day, *key), values in daily.items()],
    )  # fmt: skip


def _day_of(start: dt.datetime, days: dict[dt.datetime, dt.date], zone: ZoneInfo) -> dt.date:
    day = days.get(start)
    if day is None:
        day = days[start] = start.astimezone(zone).date()
    return day


def agent_facts_add(
    *,
    contacts: Mapping[AgentKey, Mapping[str, int]] | None = None,
    states: Mapping[StateKey, int] | None = None,
) -> None:
    """Add agents' contacts (interval start, agent, queue, channel: amounts by column) into
    ``AgentContactFacts`` and their time by state (interval start, agent, presence:
    milliseconds) into ``AgentStateFacts``, and both into the agency days' ``AgentDailyFacts``,
    together (callers hold the transaction): the folds' only way to write them, and the
    demo's. A state not counted (signed out) adds nothing to the day."""
    zone = agency_zone()
    days: dict[dt.datetime, dt.date] = {}
    daily: dict[tuple[dt.date, int], dict[str, int]] = {}

    def day_row(start: dt.datetime, agent_id: int) -> dict[str, int]:
        key = (_day_of(start, days, zone), agent_id)
        into = daily.get(key)
        if into is None:
            into = daily[key] = dict.fromkeys(AGENT_DAY_COLUMNS, 0)
        return into

    rows = []
    for (start, agent_id, queue_id, channel), amounts in (contacts or {}).items():
        values = [int(amounts.get(name, 0)) for name in AGENT_COLUMNS]
        rows.append([_moment(start), agent_id, queue_id, channel, *values])
        into = day_row(start, agent_id)
        for name, value in zip(AGENT_COLUMNS, values, strict=True):
            into[name] += value
    _upsert(AgentContactFacts._meta.db_table, AGENT_KEY, AGENT_COLUMNS, rows)
    state_rows = []
    for (start, agent_id, presence), milliseconds in (states or {}).items():
        state_rows.append([_moment(start), agent_id, presence, milliseconds])
        column = STATE_COLUMNS.get(presence)  # type: ignore[call-overload]
        if column is not None:
            day_row(start, agent_id)[column] += milliseconds
    _upsert(
        AgentStateFacts._meta.db_table, ("interval_start", "agent_id", "presence"),
        ("milliseconds",), state_rows,
    )  # fmt: skip
    _upsert(
        AgentDailyFacts._meta.db_table, ("day", "agent_id"), AGENT_DAY_COLUMNS,
        [[connection.ops.adapt_datefield_value(day), agent_id,
          *(columns[name] for name in AGENT_DAY_COLUMNS)]
         for (day, agent_id), columns in daily.items()],
    )  # fmt: skip


def office_facts_add(*, facts: Mapping[OfficeKey, Mapping[str, int]]) -> None:
    """Add offices' requests (agency day, office, channel: amounts by column) into
    ``OfficeFacts`` (callers hold the transaction): the fold's way to write them, and the
    demo's."""
    _upsert(
        OfficeFacts._meta.db_table, OFFICE_KEY, OFFICE_COLUMNS,
        [[connection.ops.adapt_datefield_value(day), office_id, channel,
          *(int(amounts.get(name, 0)) for name in OFFICE_COLUMNS)]
         for (day, office_id, channel), amounts in facts.items()],
    )  # fmt: skip


def _watermark(name: str) -> FoldWatermark:
    FoldWatermark.objects.get_or_create(name=name)
    return FoldWatermark.objects.select_for_update().get(name=name)


def _events_fold_batch(*, cutoff: dt.datetime, batch_size: int, result: FoldResult) -> bool:
    """Fold one batch; True when there may be more."""
    with transaction.atomic():
        mark = _watermark(EVENTS)
        rows, looked_at = _batch_read(after_id=mark.last_id, cutoff=cutoff, batch_size=batch_size)
        if not rows:
            return False
        deltas = _rows_count(rows)
        facts = deltas.facts
        interval_facts_add(facts=facts)
        # Each agent's and each office's share of the same batch, in the same transaction.
        agent_facts_add(contacts=deltas.agents)
        office_facts_add(facts=deltas.offices)
        mark.last_id = rows[-1].id
        mark.updated_at = timezone.now()
        mark.save(update_fields=["last_id", "updated_at"])
        result.events += len(rows)
        result.fact_rows += len(facts)
        result.agent_rows += len(deltas.agents)
        result.office_rows += len(deltas.offices)
        return len(rows) == looked_at == batch_size


# --- Agent presence ---------------------------------------------------------------------------


def _add_state(
    totals: dict[tuple[dt.datetime, int, str], int],
    cursor: AgentStateCursor,
    until: dt.datetime,
    *,
    minutes: int,
    zone: ZoneInfo,
) -> None:
    if until > cursor.counted_until and cursor.presence in COUNTED_PRESENCE:
        for start, length in spans_by_interval(
            cursor.counted_until, until, minutes=minutes, zone=zone
        ):
            key = (start, cursor.agent_id, cursor.presence)
            totals[key] = totals.get(key, 0) + round(length.total_seconds() * 1000)
    cursor.counted_until = max(cursor.counted_until, until)


def _states_advance(
    totals: dict[tuple[dt.datetime, int, str], int],
    cursors: dict[int, AgentStateCursor],
    changes: Iterable[PresenceChange],
    *,
    minutes: int,
    zone: ZoneInfo,
) -> None:
    """Count each agent's state up to each of their changes (in id order), moving the cursors."""
    for change in changes:
        cursor = cursors.get(change.agent_id)
        if cursor is None:
            cursors[change.agent_id] = AgentStateCursor(
                agent_id=change.agent_id, presence=change.presence,
                counted_until=change.changed_at,
            )  # fmt: skip
            continue
        _add_state(totals, cursor, change.changed_at, minutes=minutes, zone=zone)
        cursor.presence = change.presence


def agent_states_count(
    *,
    cursors: Iterable[AgentStateCursor],
    changes: Iterable[PresenceChange],
    until: dt.datetime,
) -> dict[tuple[dt.datetime, int, str], int]:
    """What the presence changes not yet folded, and every agent's state after them up to
    ``until``, add to ``AgentStateFacts`` (interval, agent, state: milliseconds), by the fold's
    rules, without writing: the cursors given are copied, not moved."""
    minutes, zone = interval_minutes(), agency_zone()
    copies = {
        cursor.agent_id: AgentStateCursor(
            agent_id=cursor.agent_id, presence=cursor.presence,
            counted_until=cursor.counted_until,
        )
        for cursor in cursors
    }  # fmt: skip
    totals: dict[tuple[dt.datetime, int, str], int] = {}
    _states_advance(totals, copies, changes, minutes=minutes, zone=zone)
    for cursor in copies.values():
        _add_state(totals, cursor, until, minutes=minutes, zone=zone)
    return totals


def _presence_fold_batch(*, cutoff: dt.datetime, batch_size: int, result: FoldResult) -> bool:
    """Fold one batch of presence changes, then count every agent's current state up to the
    cutoff, so an agent available all afternoon shows in the afternoon's intervals."""
    minutes, zone = interval_minutes(), agency_zone()
    with transaction.atomic():
        mark = _watermark(PRESENCE)
        candidates = list(
            PresenceChange.objects.filter(id__gt=mark.last_id)
            .order_by("id")
            .only("id", "agent_id", "presence", "changed_at")[:batch_size]
        )
        changes = _settled(candidates, cutoff=cutoff, recorded="changed_at")
        cursors = {cursor.agent_id: cursor for cursor in AgentStateCursor.objects.all()}
        totals: dict[tuple[dt.datetime, int, str], int] = {}
        _states_advance(totals, cursors, changes, minutes=minutes, zone=zone)
        more = len(changes) == len(candidates) == batch_size
        if not more:
            for cursor in cursors.values():
                _add_state(totals, cursor, cutoff, minutes=minutes, zone=zone)
        agent_facts_add(states=totals)
        AgentStateCursor.objects.bulk_create(
            list(cursors.values()),
            update_conflicts=True,
            unique_fields=["agent_id"],
            update_fields=["presence", "counted_until"],
        )
        if changes:
            mark.last_id = changes[-1].id
            mark.updated_at = timezone.now()
            mark.save(update_fields=["last_id", "updated_at"])
        result.presence_changes += len(changes)
        result.state_rows += len(totals)
        return more


def interval_facts_fold(
    *,
    now: dt.datetime | None = None,
    batch_size: int = BATCH_SIZE,
    progress: Callable[[FoldResult], object] | None = None,
) -> FoldResult:
    """Fold every settled event and presence change not yet counted; return how many.

    ``now`` (the present by default) less ``OPERATIONS_FOLD_SETTLE_SECONDS`` is the cutoff:
    rows stored later wait for the next run. Each batch of ``batch_size`` rows is one
    transaction (its counts and its watermark together), so a long backlog commits as it goes
    and ``progress`` hears after each. Two folds at once wait on each other's watermark row,
    so each row is still counted once.
    """
    cutoff = (now or timezone.now()) - dt.timedelta(seconds=settings.OPERATIONS_FOLD_SETTLE_SECONDS)
    result = FoldResult()
    for fold_batch in (_events_fold_batch, _presence_fold_batch):
        while True:
            more = fold_batch(cutoff=cutoff, batch_size=batch_size, result=result)
            if progress is not None:
                progress(result)
            if not more:
                break
    logger.info(
        "operations.folded",
        extra={"events": result.events, "presence_changes": result.presence_changes},
    )
    return result
