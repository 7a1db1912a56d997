"""The inquiry a call is recorded as: opened when a turn first needs it, given the call's
transcript, and settled (or written already closed) when the call ends. The call's own steps
are reported as domain events here (settled by the line itself, ended); the inquiry's and the
queue's by their services."""

from __future__ import annotations

import logging
from typing import Any

from django.utils import timezone

from contactcenter.core.db_inserts import ThenSave
from contactcenter.core.domain_events import ContactEventKind, contact_event_emit
from contactcenter.inquiries.models import DispositionCode, Inquiry, InquiryState
from contactcenter.inquiries.services import (
    inquiry_add_message,
    inquiry_open,
    inquiry_record_settled,
    inquiry_resolve,
)
from contactcenter.ivr.call_store import CALL_END_FIELDS, call_end_store, transcript_unposted
from contactcenter.ivr.flows import Flow
from contactcenter.ivr.models import Call, Outcome

logger = logging.getLogger(__name__)


def ensure_inquiry(call: Call, flow: Flow, state: dict[str, Any], *, save: bool = True) -> Inquiry:
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


def post_transcript(call: Call, flow: Flow, state: dict[str, Any], *, save: bool = True) -> None:
    """Append the turns not yet written to the inquiry, as one message (masked again there).

    ``save=False``: the caller saves the call's ``inquiry`` and ``transcript_posted``."""
    inquiry = ensure_inquiry(call, flow, state, save=save)
    text, posted = transcript_unposted(call)
    if posted != call.transcript_posted:
        call.transcript_posted = posted
        if save:
            call.save(update_fields=["transcript_posted", "updated_at"])
    if text and inquiry.state != InquiryState.CLOSED:
        inquiry_add_message(inquiry=inquiry, body=text, actor_label="ivr")


def call_finish(call: Call, flow: Flow, state: dict[str, Any], *, outcome: str,
                transcript: tuple[str, int] | None = None) -> None:  # fmt: skip
    """The call ended: record the outcome, write the transcript, close what is settled.

    ``transcript``: the turns not yet posted and the next step to post, already read."""
    call.outcome = outcome
    call.ended_at = timezone.now()
    # Collected values (receipt and A-Numbers, dates) are not kept once the call is over.
    call.state = {**state, "vars": dict.fromkeys(state.get("vars") or {}, "[removed]")}
    disposition = {
        Outcome.SELF_SERVED: DispositionCode.RESOLVED_FIRST_CONTACT,
        Outcome.AFTER_HOURS: DispositionCode.REFERRED,
        Outcome.ABANDONED: DispositionCode.NO_ANSWER,
    }.get(Outcome(outcome))
    if call.inquiry_id is None and disposition:
        # Nothing was opened for the call on the way (no queue, text or callback): the most
        # common call, written as one inquiry already closed.
        text, call.transcript_posted = transcript or transcript_unposted(call)
        call.inquiry = inquiry_record_settled(
            channel=flow.channel, language=state.get("language", "en"),
            topic=f"{flow.line}/{state.get('topic') or 'general'}", transcript=text,
            actor_label="ivr", disposition=disposition, note=f"IVR outcome: {outcome}",
            then_save=ThenSave(call, "inquiry", CALL_END_FIELDS),  # the call's end, with it
        )  # fmt: skip
    else:
        post_transcript(call, flow, state, save=False)
        call_end_store(call)  # one write of the call for all of the above
        inquiry = call.inquiry
        assert inquiry is not None
        inquiry.refresh_from_db()
        if disposition and inquiry.state != InquiryState.CLOSED:
            if disposition in SELF_SERVICE:
                # Settled by the line like a call written closed, though a turn on the way (a
                # texted link) opened its inquiry: reported the same way.
                contact_event_emit(
                    ContactEventKind.SELF_SERVED, channel=inquiry.channel, at=call.ended_at,
                    language=inquiry.language, inquiry_id=inquiry.pk,
                    detail={"by": "ivr", "outcome": outcome},
                )  # fmt: skip
            inquiry_resolve(inquiry=inquiry, actor=None, disposition=disposition,
                            note=f"IVR outcome: {outcome}")  # fmt: skip
    logger.info("ivr.call_ended", extra={"call_id": call.pk, "outcome": outcome})
    call_ended_report(call, flow, state)


# The call's need was met by the line itself, with no person: the status was heard, or the
# hours were (after hours). A caller who hung up in a menu was not served.
SELF_SERVICE = frozenset({DispositionCode.RESOLVED_FIRST_CONTACT, DispositionCode.REFERRED})


def call_ended_report(call: Call, flow: Flow, state: dict[str, Any]) -> None:
    """Report that the call ended, whatever happened before (inside the transaction that
    wrote its end). Only what the call's row holds already: no query, on every call."""
    assert call.ended_at is not None
    contact_event_emit(
        ContactEventKind.ENDED, channel=flow.channel, at=call.ended_at,
        language=str(state.get("language") or "en"), inquiry_id=call.inquiry_id,
        record_id=call.pk,
        detail={
            "line": call.line, "outcome": str(call.outcome),
            "answered": call.bridged_at is not None,
            "duration_seconds": round((call.ended_at - call.started_at).total_seconds(), 3),
            "turns": call.next_step,
        },
    )  # fmt: skip
