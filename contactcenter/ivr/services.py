"""Every write of the phone line: loading flows, answering a turn of a call, ending a call.

:func:`call_answer` is the one path a call takes, from the TwiML webhook or the simulator: it
reads the call row (or writes it, for the first request), answers a retried step from the stored
turn (so no effect happens twice), runs the pure step function, carries out its effects through
the other apps' services (under the row lock when they write), stores the turn only if the call
is still where it was read, and returns the TwiML.
"""

from __future__ import annotations

import collections
import datetime as dt
import functools
import hashlib
import json
import logging
import math
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.models import Q
from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from contactcenter.audit.models import DisclosureChannel
from contactcenter.cases.selectors import (
    CaseNotFound,
    case_contact_email_for_service,
    case_status_public,
)
from contactcenter.core.db_inserts import ThenSave
from contactcenter.core.db_prepared import HotCursor
from contactcenter.core.errors import ApplicationError, ErrorCode, InvalidInput, NotFound
from contactcenter.core.receipt_numbers import ReceiptNumber
from contactcenter.core.redaction import redact
from contactcenter.inquiries.models import Disposition, Inquiry, InquiryState
from contactcenter.inquiries.services import (
    inquiry_add_message,
    inquiry_open,
    inquiry_record_settled,
    inquiry_resolve,
    inquiry_schedule_callback,
)
from contactcenter.ivr.engine import ENDED, QUEUED, Event, Turn, step
from contactcenter.ivr.flows import Flow, FlowInvalid, flow_files, flow_parse
from contactcenter.ivr.models import Call, CallTurn, FlowVersion, Outcome
from contactcenter.ivr.twiml import render
from contactcenter.routing.calendar import live_help_open
from contactcenter.routing.models import WorkItem, WorkKind, WorkState
from contactcenter.routing.services import NoQueue, QueueChoice, queue_for, work_item_enqueue

logger = logging.getLogger(__name__)

ENDED_STATUSES = frozenset({"completed", "busy", "failed", "no-answer", "canceled"})
DEFAULT_SECONDS_PER_CALLER = 180  # estimate when a queue has answered nobody in the last hour


def clock() -> dt.datetime:
    """The time live hours are judged by (one place, so tests can set the hour)."""
    return timezone.now()


class IvrError(ApplicationError):
    pass


class LineNotFound(NotFound):
    code = ErrorCode.LINE_NOT_FOUND


class StepOutOfOrder(IvrError):
    code = ErrorCode.STEP_OUT_OF_ORDER
    http_status = 409


class CallChanging(IvrError):
    code = ErrorCode.CALL_CHANGED
    http_status = 409


# --- Flows -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FlowLoadResult:
    line: str
    version: int
    created: bool  # False: the file was unchanged and the active version kept


@transaction.atomic
def flow_load(*, path: Path) -> FlowLoadResult:
    """Load one flow file as the active version of its line (a new version only if changed).

    Raises FlowInvalid, naming the file, node and problem; nothing changes then."""
    text = path.read_text(encoding="utf-8")
    flow = flow_parse(text, file=path.name)
    if path.stem != flow.line:
        raise FlowInvalid([(path.name, "", f"the file of line {flow.line!r} must be named "
                                           f"{flow.line}.yaml")])  # fmt: skip
    checksum = hashlib.sha256(text.encode()).hexdigest()
    versions = FlowVersion.objects.select_for_update().filter(line=flow.line)
    latest = versions.order_by("-version").first()
    if latest is not None and latest.checksum == checksum:
        # Unchanged: whatever is active stays active, so a version restored after a bad
        # release is not undone by the next start; `flow-load --restore` moves it again.
        active = versions.filter(active=True).first()
        if active is None:
            _activate(latest)
            active = latest
        return FlowLoadResult(flow.line, active.version, created=False)
    version = FlowVersion.objects.create(
        line=flow.line,
        version=(latest.version + 1) if latest else 1,
        source_file=path.name,
        source=text,
        checksum=checksum,
        definition=flow.as_dict(),
    )
    _activate(version)
    logger.info("ivr.flow_loaded", extra={"line": flow.line, "version": version.version})
    return FlowLoadResult(flow.line, version.version, created=True)


def flows_load_all(*, directory: Path | None = None) -> list[FlowLoadResult]:
    """Every flow file; checks them all first, so one bad file loads none."""
    paths = flow_files(directory) if directory else flow_files()
    problems: list[tuple[str, str, str]] = []
    for path in paths:
        try:
            flow_parse(path.read_text(encoding="utf-8"), file=path.name)
        except FlowInvalid as error:
            problems.extend(error.problems)
    if problems:
        raise FlowInvalid(problems)
    with transaction.atomic():
        return [flow_load(path=path) for path in paths]


def _activate(version: FlowVersion) -> None:
    now = timezone.now()
    FlowVersion.objects.filter(line=version.line, active=True).exclude(pk=version.pk).update(
        active=False
    )
    version.active = True
    version.activated_at = now
    version.save(update_fields=["active", "activated_at"])
    _FLOW_CACHE.pop(version.line, None)


@transaction.atomic
def flow_activate(*, line: str, version: int | None = None) -> FlowVersion:
    """Make ``version`` (default: the one before the active one) the active version."""
    versions = FlowVersion.objects.select_for_update().filter(line=line)
    if version is None:
        active = versions.filter(active=True).first()
        if active is None:
            raise LineNotFound(_("No flow is loaded for line %(line)s.") % {"line": line})
        target = versions.filter(version__lt=active.version).order_by("-version").first()
        if target is None:
            raise IvrError(
                _("Line %(line)s has no earlier version.") % {"line": line},
                code=ErrorCode.NO_EARLIER_VERSION,
            )
    else:
        target = versions.filter(version=version).first()
        if target is None:
            raise LineNotFound(
                _("Line %(line)s has no version %(version)s.") % {"line": line, "version": version}
            )
    _activate(target)
    return target


# Parsed flows by line, checked against the active version's id on every use (one small
# indexed query), so a newly loaded or restored version takes effect on the next call.
_FLOW_CACHE: dict[str, tuple[int, Flow]] = {}


_ACTIVE_VERSION = (
    f"SELECT id FROM {FlowVersion._meta.db_table} WHERE line = %s AND active = %s "  # noqa: S608
    "ORDER BY id LIMIT 1"
)


def active_flow(line: str) -> tuple[FlowVersion, Flow]:
    row = _hot_statement(_ACTIVE_VERSION, [line, True], fetch=True)  # every new call
    if row is None:
        raise LineNotFound(_("No phone line %(line)s.") % {"line": line})
    version = FlowVersion.from_db(connection.alias, ["id", "line"], [row[0], line])
    return version, _flow_for(version)


def _flow_for(version: FlowVersion) -> Flow:
    return _flow_by_id(version.line, version.pk)


def _flow_by_id(line: str, version_id: int) -> Flow:
    cached = _FLOW_CACHE.get(line)
    if cached and cached[0] == version_id:
        return cached[1]
    definition = FlowVersion.objects.values_list("definition", flat=True).get(pk=version_id)
    flow = Flow.from_dict(definition)
    _FLOW_CACHE[line] = (version_id, flow)
    return flow


# --- Answering a call ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CallRequest:
    line: str
    call_sid: str
    step: int
    from_number: str = ""
    digits: str = ""
    speech: str = ""


def step_url(line: str, step_number: int) -> str:
    return f"{_step_path(line, get_script_prefix())}?n={step_number}"


@functools.lru_cache(maxsize=256)
def _step_path(line: str, _script_prefix: str) -> str:
    # Reversed once per line (and prefix): reverse() on every turn was a measurable cost.
    return reverse("ivr:step", args=[line])


def hours_text() -> dict[str, str]:
    def clock(value: str, language: str) -> str:
        hour, minute = (int(part) for part in value.split(":"))
        suffix = ("a.m." if hour < 12 else "p.m.") if language == "en" else (
            "a. m." if hour < 12 else "p. m.")  # fmt: skip
        shown = hour % 12 or 12
        return f"{shown}{f':{minute:02d}' if minute else ''} {suffix}"

    # Both languages side by side, like the flow files.
    opens, closes = settings.LIVE_HELP_OPENS_AT, settings.LIVE_HELP_CLOSES_AT
    return {
        "en": f"Monday through Friday, {clock(opens, 'en')} to {clock(closes, 'en')} "
        "Eastern time, except federal holidays",
        "es": f"de lunes a viernes, de {clock(opens, 'es')} a {clock(closes, 'es')}, hora del "
        "Este, excepto los días feriados federales",
    }


def _mask_heard(flow: Flow, node_id: str, request: CallRequest) -> str:
    heard = (request.digits or request.speech).strip()[:200]
    if not heard:
        return ""
    node = flow.nodes.get(node_id)
    if node and node.get("kind") == "collect":
        return f"[{str(node['value']).upper().replace('_', '-')}]"  # never the value itself
    return redact(heard).text


def _ensure_inquiry(call: Call, flow: Flow, state: dict[str, Any], *, save: bool = True) -> Inquiry:
    """The call's inquiry, opened now if it has none (``save=False``: the caller saves the
    call's ``inquiry`` field itself)."""
    if call.inquiry_id is None:
        topic = f"{flow.line}/{state.get('topic') or 'general'}"
        call.inquiry = inquiry_open(
            channel=flow.channel, language=state.get("language", "en"), topic=topic
        )
        if save:
            call.save(update_fields=["inquiry", "updated_at"])
    assert call.inquiry is not None
    return call.inquiry


_TRANSCRIPT = (
    f"SELECT step, heard, said FROM {CallTurn._meta.db_table} "  # noqa: S608
    "WHERE call_id = %s AND step >= %s ORDER BY step"
)


def _transcript(call: Call) -> tuple[str, int]:
    """The turns not yet written to the inquiry, as one text, and the step to start from next
    time (the stored TwiML is not read)."""
    turns = _hot_statement(_TRANSCRIPT, [call.pk, call.transcript_posted], fetch="all")
    return _transcript_text(turns, call.transcript_posted)


def _transcript_text(turns: list[tuple[int, str, str]], posted: int) -> tuple[str, int]:
    lines: list[str] = []
    for _step, heard, said in turns:
        if heard:
            lines.append(f"Caller: {heard}")
        if said:
            lines.append(f"IVR: {said}")
    posted = turns[-1][0] + 1 if turns else posted
    return "\n".join(lines)[:10_000], posted


def _post_transcript(call: Call, flow: Flow, state: dict[str, Any], *, save: bool = True) -> None:
    """Append the turns not yet written to the inquiry, as one message (masked again there).

    ``save=False``: the caller saves the call's ``inquiry`` and ``transcript_posted``."""
    inquiry = _ensure_inquiry(call, flow, state, save=save)
    text, posted = _transcript(call)
    if posted != call.transcript_posted:
        call.transcript_posted = posted
        if save:
            call.save(update_fields=["transcript_posted", "updated_at"])
    if text and inquiry.state != InquiryState.CLOSED:
        inquiry_add_message(inquiry=inquiry, body=text, actor_label="ivr")


def hold_estimate(item: WorkItem, *, now: dt.datetime | None = None) -> dict[str, int]:
    """Position in line and an estimated wait in minutes, from how fast the queue has been
    answered in the last hour."""
    now = now or timezone.now()
    if item.state != WorkState.QUEUED:
        position = 1
    else:
        position = WorkItem.objects.filter(
            queue_id=item.queue_id, state=WorkState.QUEUED, enqueued_at__lte=item.enqueued_at
        ).count()
    answered = WorkItem.objects.filter(
        queue_id=item.queue_id, assigned_at__gte=now - dt.timedelta(hours=1)
    ).count()
    seconds_per_caller = 3600 / answered if answered else DEFAULT_SECONDS_PER_CALLER
    return {"position": max(position, 1),
            "minutes": max(1, math.ceil(max(position, 1) * seconds_per_caller / 60))}  # fmt: skip


def _lookup_case(data: dict[str, Any]) -> dict[str, Any]:
    for candidate in data.get("candidates", []):
        try:
            status = case_status_public(
                receipt_number=ReceiptNumber.parse(candidate), language=data["language"]
            )
        except (CaseNotFound, ApplicationError):
            continue
        return {
            "found": True,
            "receipt": status.receipt_number,  # kept in the call's state until it ends
            "form": status.form,
            "status_text": status.status_text,
            "status_date": status.status_date.isoformat(),
        }
    return {"found": False}


def _perform(call: Call, flow: Flow, turn: Turn) -> dict[str, Any] | None:
    """Carry out a turn's effects; return the awaited effect's result, if any."""
    result: dict[str, Any] | None = None
    for effect in turn.effects:
        data = dict(effect.data)
        if effect.kind == "lookup_case":
            result = _lookup_case(data)
        elif effect.kind == "send_link":
            result = {"sent": _send_link(call, flow, turn.state, data)}
        elif effect.kind == "enqueue":
            inquiry = _ensure_inquiry(call, flow, turn.state)
            choice = QueueChoice(
                tier=data["tier"], language=data["language"], channel=flow.channel,
                skill=data["skill"], topic=data["topic"],
            )  # fmt: skip
            try:
                queue = queue_for(choice)
            except NoQueue:  # the queues are not loaded, or none takes this work
                logger.error("ivr.no_queue", extra={"call_id": call.pk, "tier": data["tier"]})
                result = {"queue": ""}
                continue
            call.work_item = work_item_enqueue(
                inquiry=inquiry, kind=WorkKind.CALL, queue=queue, channel="phone"
            )
            call.queued_at = timezone.now()
            call.save(update_fields=["work_item", "queued_at", "updated_at"])
            result = {"queue": queue.code}
        elif effect.kind == "callback":
            result = {"scheduled": _callback(call, flow, turn.state)}
    return result


LINK_MESSAGE = "case_status_link"
# One emailed link per address a day: anyone who knows a receipt number can ask for one, and
# the person on file should not be flooded by repeated calls.
LINK_EMAIL_EVERY = dt.timedelta(days=1)


def _send_link(call: Call, flow: Flow, state: dict[str, Any], data: dict[str, Any]) -> bool:
    """Text the link to the number calling, or email it to the address on file for the case
    the call found (``data["case"]``); False when there is nowhere to send it."""
    from contactcenter.notifications.models import Notification
    from contactcenter.notifications.services import notification_queue

    language = state.get("language", "en")
    if data.get("via") == "email":
        recipient = _case_email(str(data.get("case") or ""))
        if not recipient:
            logger.info("ivr.link_not_emailed", extra={"call_id": call.pk})
            return False
        recent = Notification.objects.filter(
            channel="email", recipient__iexact=recipient, template=LINK_MESSAGE,
            created_at__gte=timezone.now() - LINK_EMAIL_EVERY,
        )  # fmt: skip
        if recent.exists():  # already on its way today: the caller hears it was sent
            logger.info("ivr.link_email_recent", extra={"call_id": call.pk})
            return True
        channel = "email"
    else:
        recipient, channel = call.from_number, "sms"
    inquiry = _ensure_inquiry(call, flow, state)
    try:
        notification_queue(
            channel=channel, recipient=recipient, template=LINK_MESSAGE, language=language,
            inquiry=inquiry,
        )  # fmt: skip
    except InvalidInput:  # a withheld or non-E.164 caller id, or an address that cannot be used
        logger.info("ivr.link_not_sent", extra={"call_id": call.pk, "channel": channel})
        return False
    return True


def _case_email(receipt: str) -> str:
    """The email address on file for the applicant of the case, or "" when there is none (or
    the case is protected: the caller hears the same "cannot send" as for no address, so the
    answer does not tell anyone that a case is protected). Read through the case selector that
    writes the disclosure log, under the phone line's name."""
    if not receipt:
        return ""
    try:
        number = ReceiptNumber.parse(receipt)
    except ApplicationError:
        return ""
    return case_contact_email_for_service(
        receipt_number=number, service="ivr", channel=DisclosureChannel.PHONE,
        purpose="status link emailed to the address on file at the caller's request",
    )  # fmt: skip


def _callback(call: Call, flow: Flow, state: dict[str, Any]) -> bool:
    from contactcenter.notifications.recipients import is_e164

    inquiry = _ensure_inquiry(call, flow, state)
    if not is_e164(call.from_number):  # withheld ("anonymous") or not a dialable number
        logger.info("ivr.callback_without_number", extra={"call_id": call.pk})
        return False
    # The callback keeps the caller's place: their original arrival time, not now.
    arrived = call.work_item.enqueued_at if call.work_item else call.started_at
    _post_transcript(call, flow, state)
    inquiry_schedule_callback(
        inquiry=inquiry, actor=None, phone=call.from_number, enqueued_at=arrived
    )
    return True


def _finish(call: Call, flow: Flow, state: dict[str, Any], *, outcome: str,
            transcript: tuple[str, int] | None = None) -> None:  # fmt: skip
    """The call ended: record the outcome, write the transcript, close what is settled.

    ``transcript``: the turns not yet posted and the next step to post, already read."""
    call.outcome = outcome
    call.ended_at = timezone.now()
    # Collected values (receipt and A-Numbers, dates) are not kept once the call is over.
    call.state = {**state, "vars": dict.fromkeys(state.get("vars") or {}, "[removed]")}
    disposition = {
        Outcome.SELF_SERVED: Disposition.RESOLVED_FIRST_CONTACT,
        Outcome.AFTER_HOURS: Disposition.REFERRED,
        Outcome.ABANDONED: Disposition.NO_ANSWER,
    }.get(Outcome(outcome))
    if call.inquiry_id is None and disposition:
        # Nothing was opened for the call on the way (no queue, text or callback): the most
        # common call, written as one inquiry already closed.
        text, call.transcript_posted = transcript or _transcript(call)
        call.inquiry = inquiry_record_settled(
            channel=flow.channel, language=state.get("language", "en"),
            topic=f"{flow.line}/{state.get('topic') or 'general'}", transcript=text,
            actor_label="ivr", disposition=disposition, note=f"IVR outcome: {outcome}",
            then_save=ThenSave(call, "inquiry", _CALL_END_FIELDS),  # the call's end, with it
        )  # fmt: skip
    else:
        _post_transcript(call, flow, state, save=False)
        _call_end_store(call)  # one write of the call for all of the above
        inquiry = call.inquiry
        assert inquiry is not None
        inquiry.refresh_from_db()
        if disposition and inquiry.state != InquiryState.CLOSED:
            inquiry_resolve(inquiry=inquiry, actor=None, disposition=disposition,
                            note=f"IVR outcome: {outcome}")  # fmt: skip
    logger.info("ivr.call_ended", extra={"call_id": call.pk, "outcome": outcome})


_CALL_END_FIELDS = ("outcome", "ended_at", "state", "transcript_posted", "updated_at")
_CALL_END = (
    f"UPDATE {Call._meta.db_table} SET outcome = %s, ended_at = %s, state = %s, "  # noqa: S608
    "inquiry_id = %s, transcript_posted = %s, updated_at = %s WHERE id = %s"
)


def _call_end_store(call: Call) -> None:
    """Write what the end of a call changed (outcome, end time, cleared state, inquiry,
    transcript position), as ``save(update_fields=...)`` would, by hand like every turn."""
    db = connections[DEFAULT_DB_ALIAS]
    call.updated_at = timezone.now()
    values = [
        _call_field(name).get_db_prep_save(getattr(call, name), db)
        for name in ("outcome", "ended_at", "state", "inquiry_id", "transcript_posted",
                     "updated_at", "id")
    ]  # fmt: skip
    _hot_statement(_CALL_END, values)


@functools.cache
def _call_select(vendor: str, lock: bool) -> str:
    db = connections[DEFAULT_DB_ALIAS]
    columns = ", ".join(db.ops.quote_name(field.column) for field in _call_fields())
    locking = " FOR UPDATE" if lock and db.features.has_select_for_update else ""
    return f"SELECT {columns} FROM {Call._meta.db_table} WHERE call_sid = %s{locking}"  # noqa: S608


@functools.cache
def _call_field(attname: str) -> Any:
    return next(field for field in _call_fields() if field.attname == attname)


@functools.cache
def _call_attnames() -> list[str]:
    return [field.attname for field in _call_fields()]


def _call_locked(call_sid: str, *, lock: bool = True) -> Call | None:
    """The call row, locked until the transaction ends (``lock=False``: read as it stands).

    Hand-written because this runs on every turn and compiling the ORM's query for it was the
    largest part of a turn's own CPU; the statement and its one parameter are fixed."""
    db = connections[DEFAULT_DB_ALIAS]
    row = _hot_statement(_call_select(db.vendor, lock), [call_sid], fetch=True)
    if row is None:
        return None
    values = list(row)
    for index, column, converters in _call_converters(db.vendor):
        for converter in converters:  # what the ORM converts, converted alike
            values[index] = converter(values[index], column, db)
    return Call.from_db(db.alias, _call_attnames(), values)


@functools.cache
def _call_converters(vendor: str) -> tuple[tuple[int, Any, tuple[Any, ...]], ...]:
    # Per backend, looked up once (the ones Django's compiler finds for each query): what they
    # take from the connection they were found on is the database's time zone, from settings.
    found = []
    for index, column in enumerate(_call_columns()):
        converters = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
        if converters:
            found.append((index, column, tuple(converters)))
    return tuple(found)


def _hot_statement(sql: str, params: list[Any], *, fetch: bool | str = False) -> Any:
    """Run one of a call's fixed statements; ``fetch`` True gives one row, "all" every row.

    Django binds parameters on the client, so PostgreSQL would parse and plan these on every
    turn; there a plain psycopg cursor binds on the server and prepares each once per pooled
    connection (as the routing claim does). Text results, so Django's converters apply."""
    db = connections[DEFAULT_DB_ALIAS]
    if db.vendor == "postgresql":
        db.ensure_connection()
        # Django's error classes (and its note that the connection may be broken), as for any
        # statement run through Django.
        with db.wrap_database_errors, HotCursor(db.connection) as cursor:
            cursor.execute(sql, params, prepare=True)
            return _fetched(cursor, fetch)
    with db.cursor() as cursor:
        cursor.execute(sql, params)
        return _fetched(cursor, fetch)


def _fetched(cursor: Any, fetch: bool | str) -> Any:
    if fetch == "all":
        return cursor.fetchall()
    return cursor.fetchone() if fetch else None


@functools.cache
def _call_fields() -> tuple[Any, ...]:
    return tuple(Call._meta.concrete_fields)


@functools.cache
def _call_columns() -> tuple[Any, ...]:
    return tuple(field.get_col(Call._meta.db_table) for field in _call_fields())


_TURN_INSERT = (
    f"INSERT INTO {CallTurn._meta.db_table} (call_id, step, heard, said, node, twiml, created_at) "  # noqa: S608
    "VALUES (%s, %s, %s, %s, %s, %s, %s)"
)
_CALL_ADVANCE = (
    f"UPDATE {Call._meta.db_table} SET state = %s, next_step = %s, updated_at = %s WHERE id = %s"  # noqa: S608
)
# A turn taken without the row lock moves the call on only if it is still at this step, and
# stores the turn only if it did: one statement, atomic on its own.
_CALL_ADVANCE_IF_AT = _CALL_ADVANCE + " AND next_step = %s"
# On PostgreSQL also only if nothing else wrote the row since it was read (its updated_at): the
# row may have been read a turn ago (_KnownCalls), or an agent or the provider may have written
# it meanwhile.
_CALL_ADVANCE_IF_UNCHANGED = _CALL_ADVANCE_IF_AT + " AND updated_at = %s"
_TURN_INSERT_AFTER_ADVANCE = (  # identifiers only are formatted in; values are parameters
    f"WITH moved AS ({_CALL_ADVANCE_IF_UNCHANGED} RETURNING id) "  # noqa: S608
    f"INSERT INTO {CallTurn._meta.db_table} (call_id, step, heard, said, node, twiml, created_at) "
    "SELECT id, %s, %s, %s, %s, %s, %s FROM moved RETURNING call_id"
)


# The last turn of a call, taken without the row lock: the same conditional move and turn,
# and in the same statement the turns still to be posted to the inquiry. The turn written here
# is not visible to the statement's own read, so the caller adds it; the first row (-1) says
# the call was moved at all.
_LAST_TURN_STORE = (  # identifiers only are formatted in; values are parameters
    f"WITH moved AS ({_CALL_ADVANCE_IF_UNCHANGED} RETURNING id), "  # noqa: S608
    f"turn AS (INSERT INTO {CallTurn._meta.db_table} "
    "(call_id, step, heard, said, node, twiml, created_at) "
    "SELECT id, %s, %s, %s, %s, %s, %s FROM moved RETURNING call_id) "
    "SELECT -1 AS step, '' AS heard, '' AS said FROM turn UNION ALL "
    f"SELECT step, heard, said FROM {CallTurn._meta.db_table} "
    "WHERE call_id = %s AND step >= %s AND EXISTS (SELECT 1 FROM turn) ORDER BY 1"
)


def _turn_store(call: Call, *, step: int, node: str, heard: str, said: str, twiml: str,
                state: dict[str, Any], only_if_next: bool = False,
                unposted: list[tuple[int, str, str]] | None = None) -> bool:  # fmt: skip
    """Store the answered turn and move the call on: the two writes of every turn, by hand for
    the same reason as :func:`_call_locked` (what is written is what the ORM wrote). On
    PostgreSQL both go in one statement, one round trip.

    ``only_if_next``: the call's row is not locked; nothing is written (and False is returned)
    if another request already answered this step, or (PostgreSQL) anything else wrote the row
    since it was read. ``unposted`` (with ``only_if_next``, on
    PostgreSQL): filled with the call's turns not yet posted to its inquiry, this one last."""
    now = timezone.now()
    state_value = Call._meta.get_field("state").get_db_prep_save(state, connection)
    turn: list[Any] = [call.pk, step, heard, said, node, twiml, now]
    advance: list[Any] = [state_value, step + 1, now, call.pk]
    if only_if_next:
        if connection.vendor == "postgresql" and unposted is not None:
            rows = _hot_statement(
                _LAST_TURN_STORE,
                [*advance, step, call.updated_at, *turn[1:], call.pk, call.transcript_posted],
                fetch="all",
            )
            if not rows:
                return False
            unposted.extend((row[0], row[1], row[2]) for row in rows[1:])
            unposted.append((step, heard, said))
        elif connection.vendor == "postgresql":
            stored = _hot_statement(
                _TURN_INSERT_AFTER_ADVANCE,
                [*advance, step, call.updated_at, *turn[1:]],
                fetch=True,
            )
            if stored is None:
                return False
        else:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(_CALL_ADVANCE_IF_AT, [*advance, step])
                if cursor.rowcount != 1:
                    return False
                cursor.execute(_TURN_INSERT, turn)
    elif connection.vendor == "postgresql":
        _hot_statement(f"WITH turn AS ({_TURN_INSERT}) {_CALL_ADVANCE}", turn + advance)
    else:
        _hot_statement(_TURN_INSERT, turn)
        _hot_statement(_CALL_ADVANCE, advance)
    call.state, call.next_step, call.updated_at = state, step + 1, now
    return True


@functools.cache
def _call_insert(vendor: str) -> str:
    """A new call's row from the line's active flow version, in one statement that writes
    nothing when the call is already there (a retried or doubled first request) or the line
    has no active flow: both then come back as no row."""
    db = connections[DEFAULT_DB_ALIAS]
    fields = [field for field in _call_fields() if not field.primary_key]
    columns = ", ".join(db.ops.quote_name(field.column) for field in fields)
    values = ", ".join("v.id" if field.attname == "flow_version_id" else "%s" for field in fields)
    return (
        f"INSERT INTO {Call._meta.db_table} ({columns}) SELECT {values} "  # noqa: S608
        f"FROM {FlowVersion._meta.db_table} v WHERE v.line = %s AND v.active = %s "
        "ON CONFLICT (call_sid) DO NOTHING RETURNING id, flow_version_id"
    )


def _call_start(request: CallRequest) -> Call | None:
    """The call's row written for its first request (no transaction, no lock: the turn is
    then stored like any other, only if the call is still at step 0); None when it was not
    written."""
    db = connections[DEFAULT_DB_ALIAS]
    now = timezone.now()
    call = Call(call_sid=request.call_sid, line=request.line, from_number=request.from_number[:32],
                started_at=now, created_at=now, updated_at=now)  # fmt: skip
    params = [
        field.get_db_prep_save(getattr(call, field.attname), db)
        for field in _call_fields()
        if not field.primary_key and field.attname != "flow_version_id"
    ]
    row = _hot_statement(_call_insert(db.vendor), [*params, request.line, True], fetch=True)
    if row is None:
        return None
    call.pk, call.flow_version_id = row
    call._state.adding, call._state.db = False, db.alias
    return call


def _locked_call(request: CallRequest) -> Call:
    """The call's row, locked; it exists by now (even a first request wrote it before any turn
    took this path)."""
    call = _call_locked(request.call_sid)
    if call is None:
        raise NotFound(_("No call %(sid)s is in progress.") % {"sid": request.call_sid})
    return call


# Effects that only read: a turn whose effects are all of these needs no lock on the call.
_READ_ONLY_EFFECTS = frozenset({"lookup_case"})


class _NeedsLock(Exception):
    """The turn writes more than itself (a queue, a text, a callback, the end of the call)."""


class _Moved(Exception):
    """The call's row changed after it was read (another request answered this step, or an
    agent or the provider wrote it): nothing was written; read it again."""


class _KnownCalls:
    """The calls this process answered last, as their last turn left them, so the next turn
    of the same call (Twilio sends a call's requests one after another) needs no read.

    Only a hint: the next turn's write goes through only if the row still has the step and
    ``updated_at`` kept here, and otherwise the turn starts again from a read. An entry is
    taken when used, dropped when the call ends or takes the locked path, and the oldest go
    past ``size``. What is kept is what the row holds (the state of the call, with any value
    collected so far), in this process's memory only. PostgreSQL only, like the statements
    that check it."""

    def __init__(self, size: int = 20_000) -> None:
        self.size = size
        self._rows: collections.OrderedDict[str, tuple[Any, ...]] = collections.OrderedDict()
        self._lock = threading.Lock()

    def remember(self, call: Call) -> None:
        values = tuple(
            json.dumps(call.state) if name == "state" else getattr(call, name)
            for name in _call_attnames()
        )
        with self._lock:
            self._rows[call.call_sid] = values
            self._rows.move_to_end(call.call_sid)
            while len(self._rows) > self.size:
                self._rows.popitem(last=False)

    def take(self, request: CallRequest) -> Call | None:
        with self._lock:
            values = self._rows.pop(request.call_sid, None)
        if values is None:
            return None
        names = _call_attnames()
        call = Call.from_db(DEFAULT_DB_ALIAS, names, [
            json.loads(value) if name == "state" else value
            for name, value in zip(names, values, strict=True)
        ])  # fmt: skip
        if call.line != request.line or call.next_step != request.step:
            return None  # a retry or a step out of order: the read decides
        return call

    def forget(self, call_sid: str) -> None:
        with self._lock:
            self._rows.pop(call_sid, None)

    def clear(self) -> None:
        with self._lock:
            self._rows.clear()


_KNOWN_CALLS = _KnownCalls()


def _stored_answer(call: Call, step_number: int) -> str:
    stored = CallTurn.objects.filter(call=call, step=step_number).values_list("twiml")
    return str(stored.get()[0])


def _check_step(call: Call, request: CallRequest) -> str | None:
    """The stored answer for a retried step, None for the call's next step; else an error."""
    if call.line != request.line:
        raise NotFound(_("No call %(sid)s is in progress.") % {"sid": request.call_sid})
    if request.step < call.next_step:  # a retry: the stored answer, and nothing else happens
        return _stored_answer(call, request.step)
    if request.step != call.next_step:
        raise StepOutOfOrder(
            _("Step %(step)s is not the next step of this call.") % {"step": request.step}
        )
    return None


def call_answer(request: CallRequest, *, now: dt.datetime | None = None) -> str:
    """Answer one request of a call with TwiML; a repeated step gets the stored answer.

    Most turns only read (a menu choice, a status read out): they read the call without a lock
    and store the turn with one statement that moves the call on only if it is still at this
    step, so a retry racing the original cannot answer twice. A call's first request writes its
    row with one statement that does nothing if the row is there, then goes on the same way.
    Any turn that writes more (a queue, a text, a callback) starts again in one transaction
    holding the call's row lock."""
    if request.step == 0:
        call = _call_start(request)
    else:
        call = _KNOWN_CALLS.take(request) if connection.vendor == "postgresql" else None
    for _attempt in range(3):
        if call is None:
            call = _call_locked(request.call_sid, lock=False)
            if call is None:
                if request.step == 0:
                    active_flow(request.line)  # raises LineNotFound: why nothing was written
                raise NotFound(_("No call %(sid)s is in progress.") % {"sid": request.call_sid})
            stored = _check_step(call, request)
            if stored is not None:
                return stored
        try:
            return _answer(call, request, now=now, locked=False)
        except _NeedsLock:
            return _answer_locked(request, now=now)
        except _Moved:
            call = None
    raise CallChanging(_("The call changed while this step was answered; try again."))


@transaction.atomic
def _answer_locked(request: CallRequest, *, now: dt.datetime | None) -> str:
    _KNOWN_CALLS.forget(request.call_sid)
    call = _locked_call(request)
    stored = _check_step(call, request)
    if stored is not None:
        return stored
    return _answer(call, request, now=now, locked=True)


def _answer(call: Call, request: CallRequest, *, now: dt.datetime | None, locked: bool) -> str:
    flow = _flow_by_id(call.line, call.flow_version_id)
    now = now or clock()
    previous = call.state or None
    event = Event(
        digits=request.digits.strip()[:40], speech=request.speech.strip()[:300],
        start=request.step == 0, live_open=live_help_open(now), hours=hours_text(),
        today=timezone.localdate(now), hold=_hold(call, previous),
    )  # fmt: skip
    heard_at = previous.get("node", "") if previous else ""
    if previous and previous.get("node") == ENDED:
        if not locked:
            raise _NeedsLock
        turn = Turn(prompts=(), state=previous, hangup=True)
    else:
        turn = step(flow, previous, event)
    prompts = list(turn.prompts)
    effects: list[str] = []
    for _round in range(5):
        kinds = [effect.kind for effect in turn.effects]
        if not locked and not _READ_ONLY_EFFECTS.issuperset(kinds):
            raise _NeedsLock  # before anything is done: the locked attempt starts afresh
        effects.extend(kinds)
        result = _perform(call, flow, turn)
        if not turn.awaiting:
            break
        resumed = Event(result=result or {}, live_open=event.live_open, hours=event.hours,
                        today=event.today, hold=_hold(call, turn.state))  # fmt: skip
        turn = step(flow, turn.state, resumed)
        prompts.extend(turn.prompts)
    state = dict(turn.state)
    twiml = render(
        Turn(
            prompts=tuple(prompts),
            state=state,
            listen=turn.listen,
            hold=turn.hold,
            hangup=turn.hangup,
        ),
        next_url=step_url(call.line, request.step + 1),
        reuse=not effects and not turn.hold,  # a case read out or a place in line: not kept
    )
    store = functools.partial(
        _store_turn, call, flow, request, turn, state=state, twiml=twiml, effects=effects,
        heard=_mask_heard(flow, heard_at, request), said=" ".join(p.text for p in prompts),
        locked=locked,
    )  # fmt: skip
    if locked or not turn.hangup:
        return store()
    # The call ends and nothing else was written: the conditional move takes the row's lock,
    # and the end of the call is written in the same transaction.
    with transaction.atomic():
        return store()


def _store_turn(call: Call, flow: Flow, request: CallRequest, turn: Turn, *,
                state: dict[str, Any], twiml: str, effects: list[str], heard: str, said: str,
                locked: bool) -> str:  # fmt: skip
    ending = turn.hangup and call.ended_at is None
    # A self-served call's last turn reads the transcript with the move (one round trip less).
    unposted: list[tuple[int, str, str]] | None = (
        [] if ending and not locked and call.inquiry_id is None else None
    )
    stored = _turn_store(
        call, step=request.step, node=str(state.get("node", ""))[:40], heard=heard,
        said=said[:5000], twiml=twiml, state=state, only_if_next=not locked, unposted=unposted,
    )  # fmt: skip
    if not stored:  # another request for this step got there first, or the row changed
        raise _Moved
    if not locked and not ending and connection.vendor == "postgresql":
        _KNOWN_CALLS.remember(call)
    if "enqueue" in effects:  # the agent who takes the call sees how it got here
        _post_transcript(call, flow, state)
    if ending:
        transcript = None
        if unposted is not None and connection.vendor == "postgresql":
            transcript = _transcript_text(unposted, call.transcript_posted)
        _finish(call, flow, state, outcome=state.get("outcome") or Outcome.ABANDONED,
                transcript=transcript)  # fmt: skip
    return twiml


def _hold(call: Call, state: dict[str, Any] | None) -> dict[str, int]:
    if not state or state.get("node") != QUEUED or call.work_item_id is None:
        return {}
    item = WorkItem.objects.get(pk=call.work_item_id)
    return hold_estimate(item)


@transaction.atomic
def call_status(*, line: str, call_sid: str, status: str) -> Call | None:
    """The provider's status callback. A call that ends before it was settled is abandoned;
    a caller who hangs up while in line leaves the line."""
    call = Call.objects.select_for_update().filter(call_sid=call_sid, line=line).first()
    if call is None or status not in ENDED_STATUSES or call.ended_at is not None:
        return call
    flow = _flow_by_id(call.line, call.flow_version_id)
    state = dict(call.state or {})
    outcome = state.get("outcome") or Outcome.ABANDONED
    if outcome == Outcome.QUEUED and call.bridged_at is None:
        outcome = Outcome.ABANDONED  # hung up while waiting in line
    if outcome == Outcome.QUEUED:  # talked to an agent: the agent settles the inquiry
        call.outcome = outcome
        call.ended_at = timezone.now()
        call.save(update_fields=["outcome", "ended_at", "updated_at"])
        return call
    _finish(call, flow, state, outcome=outcome)
    return call


# A call still open with no request for this long is over: every answer asks again or
# redirects within seconds, and a caller in line comes back every few seconds for a fresh
# position. A call handed to an agent sends no more requests; it is given the provider's
# longest call (four hours by default) from when it was handed over.
CALL_SILENT_AFTER = dt.timedelta(minutes=30)
BRIDGED_CALL_LIMIT = dt.timedelta(hours=4)
UNREPORTED_BATCH = 200


def calls_close_unreported(*, now: dt.datetime | None = None) -> int:
    """End the calls whose end the provider never reported (a status callback lost while the
    server or the database was down), as the status callback would have: what was said is
    posted to an inquiry, and a self-served call is recorded as such. Returns how many."""
    now = now or timezone.now()
    silent = now - CALL_SILENT_AFTER
    stale = (
        Call.objects.filter(ended_at__isnull=True, started_at__lt=silent)
        .filter(
            Q(bridged_at__isnull=True, updated_at__lt=silent)
            | Q(bridged_at__lt=now - BRIDGED_CALL_LIMIT)
        )
        .order_by("started_at")
        .values_list("line", "call_sid")[:UNREPORTED_BATCH]
    )
    closed = 0
    for line, call_sid in stale:
        call = call_status(line=line, call_sid=call_sid, status="completed")
        if call is not None and call.ended_at is not None:
            closed += 1
    if closed:
        logger.info("ivr.unreported_calls_closed", extra={"count": closed})
    return closed


# --- Bridging to the agent -------------------------------------------------------------------


def call_bridge(*, item: WorkItem, agent) -> bool:
    """An agent accepted a waiting call: move it to the agent through the provider's REST API.

    Returns True when the call was redirected. Runs after the accepting transaction commits.
    """
    from contactcenter.ivr.bridge import redirect_to_agent

    if item.kind != WorkKind.CALL:
        return False
    with transaction.atomic():
        call = (
            Call.objects.select_for_update()
            .filter(work_item=item, ended_at__isnull=True, bridged_at__isnull=True)
            .first()
        )
        if call is None:
            return False
        language = (call.state or {}).get("language", "en")
        flow = _flow_by_id(call.line, call.flow_version_id)
        redirect_to_agent(
            call_sid=call.call_sid, agent=agent, language=language,
            announcement=flow.prompts["connecting"][language],
        )  # fmt: skip
        call.bridged_at = timezone.now()
        call.save(update_fields=["bridged_at", "updated_at"])
    logger.info("ivr.bridged", extra={"call_id": call.pk, "agent_id": agent.pk})
    return True
