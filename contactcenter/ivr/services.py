"""Every write of the phone line: loading flows, answering a turn of a call, ending a call.

:func:`call_answer` is the one path a call takes, from the TwiML webhook or the simulator: it
reads the call row (or writes it, for the first request; ``call_store.py``), answers a retried
step from the stored turn (so no effect happens twice), runs the pure step function, carries out
its effects through the other apps' services (``effects.py``, under the row lock when they
write), stores the turn only if the call is still where it was read, and returns the TwiML.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from contactcenter.core.errors import ApplicationError, ErrorCode, NotFound
from contactcenter.ivr.bridge import redirect_to_agent, telephony_configured
from contactcenter.ivr.call_inquiries import call_ended_report, call_finish, post_transcript
from contactcenter.ivr.call_requests import CallRequest, mask_heard, step_url
from contactcenter.ivr.call_store import call_locked, call_start, transcript_text, turn_store
from contactcenter.ivr.effects import READ_ONLY_EFFECTS, perform_effects
from contactcenter.ivr.engine import ENDED, Event, Prompt, Turn, spoken_key, step
from contactcenter.ivr.errors import CallChanging, IvrError, LineNotFound, StepOutOfOrder
from contactcenter.ivr.flow_versions import active_flow, flow_by_id, flow_cache_forget
from contactcenter.ivr.flows import Flow, FlowInvalid, flow_files, flow_parse
from contactcenter.ivr.hold_estimates import call_hold
from contactcenter.ivr.known_calls import KNOWN_CALLS
from contactcenter.ivr.models import Call, CallTurn, FlowVersion, Outcome
from contactcenter.ivr.spoken import plain
from contactcenter.ivr.twiml import render, survey_goodbye, survey_question
from contactcenter.routing.calendar import live_help_hours_text, live_help_open
from contactcenter.routing.models import WorkItem, WorkKind
from contactcenter.routing.services import work_items_cancel_for_inquiry
from contactcenter.surveys.models import InvitedBy, Survey
from contactcenter.surveys.services import (
    SurveyClosed,
    survey_answer_in_channel,
    survey_invite_in_channel,
)

logger = logging.getLogger(__name__)

ENDED_STATUSES = frozenset({"completed", "busy", "failed", "no-answer", "canceled"})


def clock() -> dt.datetime:
    """The time live hours are judged by (one place, so tests can set the hour)."""
    return timezone.now()


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
    flow_cache_forget(version.line)


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


# --- Answering a call ------------------------------------------------------------------------


def hours_text() -> dict[str, str]:
    # Both languages side by side, like the flow files; the hours in force (approved or set).
    return live_help_hours_text()


def _locked_call(request: CallRequest) -> Call:
    """The call's row, locked; it exists by now (even a first request wrote it before any turn
    took this path)."""
    call = call_locked(request.call_sid)
    if call is None:
        raise NotFound(_("No call %(sid)s is in progress.") % {"sid": request.call_sid})
    return call


class _NeedsLock(Exception):
    """The turn writes more than itself (a queue, a text, a callback, the end of the call)."""


class _Moved(Exception):
    """The call's row changed after it was read (another request answered this step, or an
    agent or the provider wrote it): nothing was written; read it again."""


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
        call = call_start(request)
    else:
        call = KNOWN_CALLS.take(request) if connection.vendor == "postgresql" else None
    for _attempt in range(3):
        if call is None:
            call = call_locked(request.call_sid, lock=False)
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
    KNOWN_CALLS.forget(request.call_sid)
    call = _locked_call(request)
    stored = _check_step(call, request)
    if stored is not None:
        return stored
    return _answer(call, request, now=now, locked=True)


def _answer(call: Call, request: CallRequest, *, now: dt.datetime | None, locked: bool) -> str:
    flow = flow_by_id(call.line, call.flow_version_id)
    now = now or clock()
    previous = call.state or None
    event = Event(
        digits=request.digits.strip()[:40], speech=request.speech.strip()[:300],
        start=request.step == 0, live_open=live_help_open(now), hours=hours_text(),
        today=timezone.localdate(now), hold=call_hold(call, previous), call_id=request.call_sid,
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
        if not locked and not READ_ONLY_EFFECTS.issuperset(kinds):
            raise _NeedsLock  # before anything is done: the locked attempt starts afresh
        effects.extend(kinds)
        result = perform_effects(call, flow, turn)
        if not turn.awaiting:
            break
        resumed = Event(result=result or {}, live_open=event.live_open, hours=event.hours,
                        today=event.today, hold=call_hold(call, turn.state),
                        call_id=event.call_id)  # fmt: skip
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
        heard=mask_heard(flow, heard_at, request), said=" ".join(p.text for p in prompts),
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
    stored = turn_store(
        call, step=request.step, node=str(state.get("node", ""))[:40], heard=heard,
        said=said[:5000], twiml=twiml, state=state, only_if_next=not locked, unposted=unposted,
    )  # fmt: skip
    if not stored:  # another request for this step got there first, or the row changed
        raise _Moved
    if not locked and not ending and connection.vendor == "postgresql":
        KNOWN_CALLS.remember(call)
    if "enqueue" in effects:  # the agent who takes the call sees how it got here
        post_transcript(call, flow, state)
    if ending:
        transcript = None
        if unposted is not None and connection.vendor == "postgresql":
            transcript = transcript_text(unposted, call.transcript_posted)
        call_finish(call, flow, state, outcome=state.get("outcome") or Outcome.ABANDONED,
                    transcript=transcript)  # fmt: skip
    return twiml


@transaction.atomic
def call_status(*, line: str, call_sid: str, status: str) -> Call | None:
    """The provider's status callback. A call that ends before it was settled is abandoned;
    a caller who hangs up while in line leaves the line (reported as abandoned there)."""
    call = Call.objects.select_for_update().filter(call_sid=call_sid, line=line).first()
    if call is None or status not in ENDED_STATUSES or call.ended_at is not None:
        return call
    flow = flow_by_id(call.line, call.flow_version_id)
    state = dict(call.state or {})
    outcome = state.get("outcome") or Outcome.ABANDONED
    if outcome == Outcome.QUEUED and call.bridged_at is None:
        outcome = Outcome.ABANDONED  # hung up while waiting in line
        if call.inquiry is not None:  # out of line, reported with how long they waited
            work_items_cancel_for_inquiry(
                inquiry=call.inquiry, kinds=[WorkKind.CALL], abandoned=True
            )
    if outcome == Outcome.QUEUED:  # talked to an agent: the agent settles the inquiry
        call.outcome = outcome
        call.ended_at = timezone.now()
        call.save(update_fields=["outcome", "ended_at", "updated_at"])
        call_ended_report(call, flow, state)
        return call
    call_finish(call, flow, state, outcome=outcome)
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

    if item.kind != WorkKind.CALL:
        return False
    if not telephony_configured():
        # A demo or a test bench: the desk says calls are simulated; nothing calls the
        # provider (which would answer for an account named "None").
        logger.info("ivr.bridge_simulated", extra={"item_id": item.pk, "agent_id": agent.pk})
        return False
    with transaction.atomic():
        if item.transferred_from_id is None:
            calls = Call.objects.filter(work_item=item, bridged_at__isnull=True)
        else:
            # A transfer: the call is still on the line with the agent who sent it (warm) or
            # waiting (cold), and follows its inquiry to the agent who took the new item.
            calls = Call.objects.filter(inquiry_id=item.inquiry_id).exclude(work_item=item)
        call = calls.select_for_update().filter(ended_at__isnull=True).first()
        if call is None:
            return False
        language = (call.state or {}).get("language", "en")
        flow = flow_by_id(call.line, call.flow_version_id)
        # TwiML sent through the REST API has no address of its own: the survey's is whole.
        after_url = (
            _public_url(survey_url(call.line, 0)) if (call.state or {}).get("survey") else ""
        )
        redirect_to_agent(
            call_sid=call.call_sid, agent=agent, language=language,
            announcement=flow.prompts["connecting"][language], after_url=after_url,
        )  # fmt: skip
        call.bridged_at = timezone.now()
        call.work_item = item
        call.save(update_fields=["bridged_at", "work_item", "updated_at"])
    logger.info("ivr.bridged", extra={"call_id": call.pk, "agent_id": agent.pk})
    return True


# --- The survey after the call ----------------------------------------------------------------
#
# A caller who said yes to the survey before going in line (the engine's survey offer) is not
# hung up on when the agent's side ends: the <Dial>'s action brings the call here. The survey
# is created then (the agent and queue are known), asked in the call's language, and answered
# by one key or a spoken number; an answer it cannot use is asked again once, then thanks and
# goodbye either way.


def survey_url(line: str, attempt: int) -> str:
    """Where the survey's turns come back: ``try=0`` asks the question (the <Dial>'s action,
    when the agent's side hung up), ``try=1`` takes the answer, ``try=2`` the one retry."""
    return f"{reverse('ivr:survey', args=[line])}?try={attempt}"


def _public_url(path: str) -> str:
    base = settings.TWILIO_WEBHOOK_BASE_URL or getattr(settings, "PUBLIC_BASE_URL", "")
    return base.rstrip("/") + path


def _survey_score(digits: str, speech: str) -> str:
    """The score heard: one key, or a number said alone ("four", "cuatro", "4")."""
    if digits.strip():
        return digits.strip()
    words = plain(speech)
    if words.isdigit():
        return words
    return spoken_key(words) or words


def call_survey(
    *, line: str, call_sid: str, attempt: int, call_status: str, digits: str = "",
    speech: str = "",
) -> str:  # fmt: skip
    """The TwiML for one turn of the survey after the call. A call that did not opt in, or
    whose caller hung up, is simply ended; a bad answer is asked again once, then thanks."""
    with transaction.atomic():
        call = (
            Call.objects.select_for_update(of=("self",)).select_related("work_item__assigned_to")
            .filter(call_sid=call_sid, line=line).first()
        )  # fmt: skip
        state = dict(call.state or {}) if call is not None else {}
        inquiry = call.inquiry if call is not None else None
        if call is None or inquiry is None or not state.get("survey"):
            return survey_goodbye(prompts=())
        if call_status and call_status != "in-progress":
            return survey_goodbye(prompts=())  # the caller hung up: nobody to ask
        flow = flow_by_id(call.line, call.flow_version_id)
        language = str(state.get("language", "en"))
        thanks = (Prompt(flow.prompts["survey_thanks"][language], language),)
        if attempt == 0:
            item = call.work_item
            agent = item.assigned_to if item is not None else None
            survey = survey_invite_in_channel(
                inquiry=inquiry, invited_by=InvitedBy.IVR,
                queue_id=item.queue_id if item is not None else None,
                agent_id=agent.user_id if agent is not None else None,
            ) or Survey.objects.filter(inquiry=inquiry).first()  # fmt: skip
            if survey is None or survey.invited_by != InvitedBy.IVR or survey.answered_at:
                return survey_goodbye(prompts=thanks)
            return survey_question(
                prompts=(Prompt(flow.prompts["survey_question"][language], language),),
                language=language, next_url=survey_url(line, 1),
            )  # fmt: skip
        try:
            survey_answer_in_channel(inquiry=inquiry, score=_survey_score(digits, speech))
        except SurveyClosed:
            return survey_goodbye(prompts=thanks)
        except ApplicationError:
            if attempt == 1:
                return survey_question(
                    prompts=(Prompt(flow.prompts["survey_retry"][language], language),),
                    language=language, next_url=survey_url(line, 2),
                )  # fmt: skip
            return survey_goodbye(prompts=thanks)
        logger.info("ivr.survey_answered", extra={"call_id": call.pk})
        return survey_goodbye(prompts=thanks)
