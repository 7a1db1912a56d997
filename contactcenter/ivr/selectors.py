"""Reads of the phone line: for the supervisors' board, how today's calls ended, line by line;
for the desk's workspace, the way one inquiry's calls went through the line."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from contactcenter.core.redaction import redact
from contactcenter.ivr.engine import ENDED, QUEUED, SURVEY_OFFER
from contactcenter.ivr.models import Call, CallTurn, FlowVersion, Outcome

# Left to right on the bar: served by the line itself first, lost calls last.
OUTCOME_ORDER = (
    Outcome.SELF_SERVED, Outcome.CALLBACK, Outcome.QUEUED, Outcome.AFTER_HOURS, Outcome.ABANDONED,
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class OutcomeShare:
    outcome: str
    label: str
    count: int
    # Where the share starts on the bar and how wide it is, in percent, written out for SVG
    # (so a Spanish page's decimal comma cannot reach an attribute).
    start: str
    width: str


@dataclass(frozen=True, slots=True)
class LineDay:
    line: str
    title: str
    ended: int
    in_progress: int
    shares: tuple[OutcomeShare, ...]
    self_served_percent: int | None  # of the calls that ended; None before any has


def lines_loaded() -> list[str]:
    """The phone lines with an active flow, by name."""
    return sorted(FlowVersion.objects.filter(active=True).values_list("line", flat=True))


def phone_lines_today(*, language: str = "en", now: dt.datetime | None = None) -> list[LineDay]:
    """Every line with calls since local midnight: how the ended ones ended and how many are
    still going. Two queries whatever the number of calls (the started_at index)."""
    now = now or timezone.now()
    midnight = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    rows = (
        Call.objects.filter(started_at__gte=midnight)
        .values("line", "outcome")
        .annotate(calls=Count("id"), going=Count("id", filter=Q(ended_at__isnull=True)))
    )
    counts: dict[str, dict[str, int]] = {}
    going: dict[str, int] = {}
    for row in rows:
        line = row["line"]
        going[line] = going.get(line, 0) + row["going"]
        ended = row["calls"] - row["going"]
        if ended and row["outcome"]:
            by_outcome = counts.setdefault(line, {})
            by_outcome[row["outcome"]] = by_outcome.get(row["outcome"], 0) + ended
    active = FlowVersion.objects.filter(active=True)
    titles = dict(active.values_list("line", f"definition__title__{language}"))
    days = []
    for line in sorted(set(counts) | set(going)):
        by_outcome = counts.get(line, {})
        ended = sum(by_outcome.values())
        shares, start = [], 0.0
        for outcome in OUTCOME_ORDER:
            count = by_outcome.get(outcome, 0)
            if not count:
                continue
            width = 100 * count / ended
            label = str(Outcome(outcome).label)
            shares.append(OutcomeShare(outcome=outcome, label=label, count=count,
                                       start=f"{start:.2f}", width=f"{width:.2f}"))  # fmt: skip
            start += width
        served = by_outcome.get(Outcome.SELF_SERVED, 0)
        days.append(LineDay(
            line=line, title=titles.get(line) or line, ended=ended,
            in_progress=going.get(line, 0), shares=tuple(shares),
            self_served_percent=round(100 * served / ended) if ended else None,
        ))  # fmt: skip
    return days


# What reaching a node of each kind means to an agent reading the caller's path.
NODE_KIND_LABELS = {
    "say": _("Heard a message"),
    "menu": _("Menu"),
    "collect": _("Asked for a number or date"),
    "case_status": _("Case status read out"),
    "send_link": _("Link sent"),
    "transfer": _("Sent to an agent"),
    "callback": _("Callback offered"),
    "hangup": _("Call ended"),
    QUEUED: _("Waiting in line for an agent"),
    SURVEY_OFFER: _("Asked to take the survey after the call"),
}
# At most this many calls per inquiry, and turns per call, are shown; a longer call is cut.
CALLS_SHOWN = 5
TURNS_SHOWN = 60


@dataclass(frozen=True, slots=True)
class CallStep:
    step: int
    node: str  # the node the call reached on this turn
    label: str  # what reaching it means (NODE_KIND_LABELS), in the active language
    heard: str  # what the caller pressed or said to get there, masked
    said: str  # what the line said back, masked


@dataclass(frozen=True, slots=True)
class CallPath:
    line: str
    title: str
    started_at: dt.datetime
    ended_at: dt.datetime | None
    outcome: str  # the outcome's label, empty while the call goes on
    steps: tuple[CallStep, ...]
    more_steps: bool  # turns past TURNS_SHOWN were left out


def call_steps_for_inquiry(*, inquiry_id: int, language: str = "en") -> list[CallPath]:
    """The calls of one inquiry, oldest first, each with the menu steps the caller took and
    what was said both ways: for the agent working the inquiry (the desk checks that first).

    Nothing here is unmasked: what a caller typed at a "collect" node was stored as its kind
    only (``[RECEIPT]``), and everything is masked again on the way out, so a number that
    slipped into speech is never shown. Two queries whatever the number of turns.
    """
    turns = CallTurn.objects.only("call_id", "step", "node", "heard", "said").order_by("step")
    calls = (
        Call.objects.filter(inquiry_id=inquiry_id)
        .select_related("flow_version")
        .only(
            "line",
            "started_at",
            "ended_at",
            "outcome",
            "flow_version__definition",
            "flow_version__line",
        )
        .prefetch_related(Prefetch("turns", queryset=turns))
        .order_by("started_at", "id")[:CALLS_SHOWN]
    )
    paths = []
    for call in calls:
        definition = call.flow_version.definition or {}
        nodes = definition.get("nodes") or {}
        title = (definition.get("title") or {}).get(language) or call.line
        steps = []
        all_turns = list(call.turns.all())
        for turn in all_turns[:TURNS_SHOWN]:
            node = nodes.get(turn.node) or {}
            kind = {ENDED: "hangup", QUEUED: QUEUED, SURVEY_OFFER: SURVEY_OFFER}.get(
                turn.node
            ) or str(node.get("kind", ""))
            label = NODE_KIND_LABELS.get(kind)
            steps.append(CallStep(
                step=turn.step, node=turn.node, label=str(label) if label else turn.node,
                heard=redact(turn.heard).text, said=redact(turn.said).text,
            ))  # fmt: skip
        paths.append(CallPath(
            line=call.line, title=title, started_at=call.started_at, ended_at=call.ended_at,
            outcome=str(Outcome(call.outcome).label) if call.outcome else "",
            steps=tuple(steps), more_steps=len(all_turns) > TURNS_SHOWN,
        ))  # fmt: skip
    return paths
