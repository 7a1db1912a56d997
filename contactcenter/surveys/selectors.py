"""Survey results for supervisors: by queue, agent, channel or language, over a range of days.

Counts are kept raw (invited, answered, the five scores) and the rates worked from them:
response rate = answered / invited; average score = sum of scores / answered; CSAT = answered
with 4 or 5 / answered. A survey counts on the day (agency time) it was invited. No figure here
names a person; comments do not go in the grouped rows (``survey_comments`` lists them).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from contactcenter.core.errors import InvalidInput
from contactcenter.routing.models import Queue
from contactcenter.surveys.models import SCORE_MAX, SCORE_MIN, Survey, SurveyChannel

GROUPINGS = ("queue", "agent", "channel", "language")
RANGE_DAYS_MAX = 366
COMMENTS_SHOWN = 100


def _rate(part: int, whole: int, *, scale: int = 100) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part * scale) / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class ResultsSpec:
    first: dt.date
    last: dt.date
    by: str

    @classmethod
    def parse(cls, *, first: str, last: str, by: str) -> ResultsSpec:
        try:
            first_day, last_day = dt.date.fromisoformat(first), dt.date.fromisoformat(last)
        except ValueError as error:
            raise InvalidInput(_("Give the days as YYYY-MM-DD.")) from error
        if last_day < first_day:
            raise InvalidInput(_("The last day is before the first day."))
        if (last_day - first_day).days >= RANGE_DAYS_MAX:
            raise InvalidInput(_("Choose at most 366 days."))
        if by not in GROUPINGS:
            raise InvalidInput(_("Group by queue, agent, channel or language."))
        return cls(first=first_day, last=last_day, by=by)

    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        zone = timezone.get_current_timezone()
        start = dt.datetime.combine(self.first, dt.time.min, tzinfo=zone)
        end = dt.datetime.combine(self.last + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
        return start, end


@dataclass(frozen=True, slots=True)
class ResultRow:
    key: str
    label: str
    invited: int
    answered: int
    scores: tuple[int, ...]  # how many answered 1, 2, 3, 4, 5
    score_sum: int = field(default=0)

    @property
    def response_rate(self) -> Decimal | None:
        return _rate(self.answered, self.invited)

    @property
    def average_score(self) -> Decimal | None:
        if not self.answered:
            return None
        return (Decimal(self.score_sum) / Decimal(self.answered)).quantize(
            Decimal("0.01"), ROUND_HALF_UP
        )

    @property
    def csat(self) -> Decimal | None:
        return _rate(self.scores[3] + self.scores[4], self.answered)


def _in_range(spec: ResultsSpec) -> QuerySet[Survey]:
    start, end = spec.bounds()
    return Survey.objects.filter(invited_at__gte=start, invited_at__lt=end)


_COLUMN = {"queue": "queue_id", "agent": "agent_id", "channel": "channel", "language": "language"}


def _labels(by: str, keys: list, language: str) -> dict:
    if by == "queue":
        queues = Queue.objects.filter(pk__in=[key for key in keys if key is not None])
        return {q.pk: (q.name_es if language == "es" else q.name_en) for q in queues}
    if by == "agent":
        users = get_user_model().objects.filter(pk__in=[key for key in keys if key is not None])
        return {u.pk: (u.get_full_name() or u.get_username()) for u in users}
    if by == "channel":
        return dict(SurveyChannel.choices)
    return {"en": _("English"), "es": _("Spanish")}


def survey_results(spec: ResultsSpec, *, language: str = "en") -> list[ResultRow]:
    """One row per group with any survey invited in the range, largest first, then a total."""
    column = _COLUMN[spec.by]
    per_score = {
        f"s{score}": Count("pk", filter=Q(score=score)) for score in range(SCORE_MIN, SCORE_MAX + 1)
    }
    grouped = (
        _in_range(spec)
        .values(column)
        .annotate(
            invited=Count("pk"), answered=Count("pk", filter=Q(score__isnull=False)), **per_score
        )
        .order_by(column)
    )
    raw = list(grouped)
    labels = _labels(spec.by, [entry[column] for entry in raw], language)
    rows = []
    for entry in raw:
        scores = tuple(entry[f"s{score}"] for score in range(SCORE_MIN, SCORE_MAX + 1))
        key = entry[column]
        label = labels.get(key) or (str(key) if key not in (None, "") else _("None recorded"))
        rows.append(ResultRow(
            key="" if key is None else str(key), label=str(label), invited=entry["invited"],
            answered=entry["answered"], scores=scores,
            score_sum=sum(score * count for score, count in zip(range(1, 6), scores, strict=True)),
        ))  # fmt: skip
    rows.sort(key=lambda row: (-row.invited, row.label))
    return rows


def survey_total(rows: list[ResultRow]) -> ResultRow:
    scores = tuple(sum(row.scores[index] for row in rows) for index in range(5))
    return ResultRow(
        key="total", label=_("All surveys"), invited=sum(row.invited for row in rows),
        answered=sum(row.answered for row in rows), scores=scores,
        score_sum=sum(row.score_sum for row in rows),
    )  # fmt: skip


@dataclass(frozen=True, slots=True)
class CommentLine:
    # Never None here (only answered surveys are listed); typed as the columns are.
    answered_at: dt.datetime | None
    channel: str
    score: int | None
    comment: str


def survey_comments(spec: ResultsSpec) -> list[CommentLine]:
    """The latest comments in the range, for supervisors only (the caller checks the role).
    They are the person's own words and may name them: shown, never logged or exported."""
    rows = (
        _in_range(spec)
        .filter(answered_at__isnull=False)
        .exclude(comment="")
        .order_by("-answered_at")
        .values_list("answered_at", "channel", "score", "comment")[:COMMENTS_SHOWN]
    )
    labels = dict(SurveyChannel.choices)
    return [
        CommentLine(
            answered_at=at, channel=str(labels.get(channel, channel)), score=score, comment=comment
        )
        for at, channel, score, comment in rows
    ]


def survey_results_csv(rows: list[ResultRow], spec: ResultsSpec) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([
        spec.by, "invited", "answered", "response_rate_percent", "average_score",
        "csat_percent", "score_1", "score_2", "score_3", "score_4", "score_5",
    ])  # fmt: skip
    for row in [*rows, survey_total(rows)]:
        label = row.label
        if label[:1] in ("=", "+", "-", "@"):  # a spreadsheet must not run a name as a formula
            label = "'" + label
        writer.writerow([
            label, row.invited, row.answered, _blank(row.response_rate),
            _blank(row.average_score), _blank(row.csat), *row.scores,
        ])  # fmt: skip
    return buffer.getvalue()


def _blank(value: Decimal | None) -> str:
    return "" if value is None else str(value)


def survey_waiting_in_channel(*, inquiry_id: int, now: dt.datetime | None = None) -> bool:
    """Whether the contact's phone or chat survey can still be answered (asked, unanswered,
    open): the chat widget shows its question while this holds."""
    return Survey.objects.filter(
        inquiry_id=inquiry_id, invited_by__in=["ivr", "chat"], answered_at__isnull=True,
        expires_at__gt=now or timezone.now(),
    ).exists()  # fmt: skip
