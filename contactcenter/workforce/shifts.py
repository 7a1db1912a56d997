"""Shift patterns as data: when a shift may start, how long it is, where its breaks and lunch
may fall, and which days of the week it is worked.

The patterns ship in ``data/shift_patterns.yaml`` beside this module; ``--patterns FILE`` takes
another file of the same shape. A file is checked whole when read: a bad field is refused with
``ShiftPatternsInvalid``, naming the pattern and the field, and nothing is scheduled from it.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from contactcenter.workforce.errors import ShiftPatternsInvalid

# Under data/, which the package ships (pyproject package-data), as records/data/ does.
DEFAULT_PATTERNS = Path(__file__).resolve().parent / "data" / "shift_patterns.yaml"
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# Breaks and lunches are placed on a quarter-hour grid from their window's earliest start.
BREAK_STEP_MINUTES = 15
_TIME = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
_FIELDS = {
    "code",
    "label",
    "starts",
    "length",
    "breaks",
    "lunch",
    "days",
    "consecutive_days_off",
    "weekdays",
    "cost_weight",
    "max_count",
}


@dataclass(frozen=True)
class BreakRule:
    """A break (paid) or lunch (unpaid) of ``minutes``, beginning between ``earliest`` and
    ``latest`` minutes after the shift starts."""

    minutes: int
    earliest: int
    latest: int
    paid: bool

    def offsets(self) -> list[int]:
        return list(range(self.earliest, self.latest + 1, BREAK_STEP_MINUTES))


@dataclass(frozen=True)
class ShiftPattern:
    code: str
    labels: Mapping[str, str]
    starts: tuple[int, ...]  # minutes after midnight
    length: int  # minutes on site, lunch included
    breaks: tuple[BreakRule, ...]  # in the order of their windows
    days: int
    consecutive_days_off: bool
    weekdays: tuple[int, ...]  # 0 Monday ... 6 Sunday
    cost_weight: float = 1.0
    max_count: int | None = None

    @property
    def paid_minutes(self) -> int:
        return self.length - sum(rule.minutes for rule in self.breaks if not rule.paid)

    def label(self, language: str | None = None) -> str:
        language = (language or get_language() or "en")[:2]
        return self.labels.get(language) or self.labels.get("en") or self.code

    def day_sets(self) -> list[tuple[int, ...]]:
        """Every set of weekdays (0 Monday) one agent may work in a week on this pattern."""
        answer = []
        for chosen in itertools.combinations(self.weekdays, self.days):
            off = sorted(set(range(7)) - set(chosen))
            if self.consecutive_days_off and not _cyclic_run(off):
                continue
            answer.append(chosen)
        return answer


def _cyclic_run(days: Sequence[int]) -> bool:
    """True when the days follow each other round the week (Sunday then Monday included)."""
    if len(days) <= 1 or len(days) == 7:
        return True
    members = set(days)
    # Exactly one day of the run has no predecessor in it.
    return sum(1 for day in days if (day - 1) % 7 not in members) == 1


def clock_text(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


class _Checker:
    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, code: str, field: str, reason: str) -> ShiftPatternsInvalid:
        return ShiftPatternsInvalid(
            _("%(source)s: pattern %(code)s, field %(field)s: %(reason)s")
            % {"source": self.source, "code": code, "field": field, "reason": reason}
        )

    def whole(self, code: str, field: str, value: Any, *, low: int, high: int) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise self.fail(
                code,
                field,
                _("must be a whole number from %(low)s to %(high)s.") % {"low": low, "high": high},
            )
        return value

    def clock(self, code: str, field: str, value: Any) -> int:
        match = _TIME.match(str(value)) if isinstance(value, str) else None
        if match is None:
            raise self.fail(code, field, _("must be a time written HH:MM (24 hours)."))
        return int(match.group(1)) * 60 + int(match.group(2))

    def rule(self, code: str, field: str, value: Any, *, paid: bool, length: int) -> BreakRule:
        if not isinstance(value, dict) or set(value) != {"minutes", "earliest", "latest"}:
            raise self.fail(
                code, field, _("must give minutes, earliest and latest, and nothing else.")
            )
        minutes = self.whole(code, f"{field}.minutes", value["minutes"], low=1, high=length)
        earliest = self.whole(code, f"{field}.earliest", value["earliest"], low=0, high=length)
        latest = self.whole(code, f"{field}.latest", value["latest"], low=earliest, high=length)
        if latest + minutes > length:
            raise self.fail(
                code, field, _("a break beginning at its latest would end after the shift.")
            )
        return BreakRule(minutes, earliest, latest, paid)


def patterns_parse(data: Any, *, source: str = "shift patterns") -> list[ShiftPattern]:
    """The patterns of a parsed YAML document; raises ``ShiftPatternsInvalid`` on the first bad
    field, naming the pattern and the field."""
    check = _Checker(source)
    if not isinstance(data, dict) or not isinstance(data.get("patterns"), list):
        raise ShiftPatternsInvalid(
            _("%(source)s: expected a list of patterns under the key patterns.")
            % {"source": source}
        )
    if not data["patterns"]:
        raise ShiftPatternsInvalid(_("%(source)s: no patterns.") % {"source": source})
    answer: list[ShiftPattern] = []
    for number, item in enumerate(data["patterns"], start=1):
        answer.append(_pattern_parse(check, number, item))
    codes = [pattern.code for pattern in answer]
    repeated = sorted({code for code in codes if codes.count(code) > 1})
    if repeated:
        raise check.fail(repeated[0], "code", _("is used by more than one pattern."))
    return answer


def _pattern_parse(check: _Checker, number: int, item: Any) -> ShiftPattern:
    if not isinstance(item, dict):
        raise check.fail(f"#{number}", "-", _("each pattern must be a mapping of fields."))
    code = item.get("code")
    if not isinstance(code, str) or not re.fullmatch(r"[a-z0-9][a-z0-9_-]{0,39}", code):
        raise check.fail(
            f"#{number}",
            "code",
            _("must be 1 to 40 lowercase letters, digits, dashes or underscores."),
        )
    unknown = sorted(set(item) - _FIELDS)
    if unknown:
        raise check.fail(code, unknown[0], _("is not a field of a pattern."))
    for required in ("label", "starts", "length", "days", "weekdays"):
        if required not in item:
            raise check.fail(code, required, _("is missing."))
    labels = item["label"]
    if (
        not isinstance(labels, dict)
        or not isinstance(labels.get("en"), str)
        or not labels["en"].strip()
        or not all(isinstance(key, str) and isinstance(v, str) for key, v in labels.items())
    ):
        raise check.fail(code, "label", _("must give a name per language, English at least."))
    length = check.whole(code, "length", item["length"], low=15, high=16 * 60)
    starts_value = item["starts"]
    if isinstance(starts_value, list):
        if not starts_value:
            raise check.fail(code, "starts", _("must list at least one time."))
        starts = sorted({check.clock(code, "starts", value) for value in starts_value})
    elif isinstance(starts_value, dict):
        if set(starts_value) != {"earliest", "latest", "step"}:
            raise check.fail(
                code, "starts", _("must give earliest, latest and step, or a list of times.")
            )
        earliest = check.clock(code, "starts.earliest", starts_value["earliest"])
        latest = check.clock(code, "starts.latest", starts_value["latest"])
        step = check.whole(code, "starts.step", starts_value["step"], low=5, high=1440)
        if latest < earliest:
            raise check.fail(code, "starts.latest", _("is before the earliest start."))
        starts = list(range(earliest, latest + 1, step))
    else:
        raise check.fail(
            code, "starts", _("must give earliest, latest and step, or a list of times.")
        )
    if any(start % 5 for start in starts):
        raise check.fail(code, "starts", _("every start must fall on a multiple of 5 minutes."))
    breaks_value = item.get("breaks") or []
    if not isinstance(breaks_value, list):
        raise check.fail(code, "breaks", _("must be a list."))
    rules = [
        check.rule(code, f"breaks[{index}]", value, paid=True, length=length)
        for index, value in enumerate(breaks_value)
    ]
    if item.get("lunch") is not None:
        rules.append(check.rule(code, "lunch", item["lunch"], paid=False, length=length))
    rules.sort(key=lambda rule: rule.earliest)
    for before, after in itertools.pairwise(rules):
        if before.latest + before.minutes > after.earliest:
            raise check.fail(
                code,
                "lunch" if not (before.paid and after.paid) else "breaks",
                _(
                    "break windows overlap (one may end after the next may begin); keep them "
                    "apart so every agent can take each break placed."
                ),
            )
    weekdays_value = item["weekdays"]
    if (
        not isinstance(weekdays_value, list)
        or not weekdays_value
        or not all(isinstance(v, str) and v in WEEKDAYS for v in weekdays_value)
    ):
        raise check.fail(
            code, "weekdays", _("must list days among %(days)s.") % {"days": ", ".join(WEEKDAYS)}
        )
    weekdays = tuple(sorted({WEEKDAYS.index(value) for value in weekdays_value}))
    days = check.whole(code, "days", item["days"], low=1, high=7)
    if days > len(weekdays):
        raise check.fail(code, "days", _("is more than the weekdays it may be worked."))
    consecutive = item.get("consecutive_days_off", False)
    if not isinstance(consecutive, bool):
        raise check.fail(code, "consecutive_days_off", _("must be true or false."))
    weight = item.get("cost_weight", 1.0)
    if (
        isinstance(weight, bool)
        or not isinstance(weight, int | float)
        or not math.isfinite(weight)
        or weight <= 0
    ):
        raise check.fail(code, "cost_weight", _("must be a number above 0."))
    max_count = item.get("max_count")
    if max_count is not None:
        max_count = check.whole(code, "max_count", max_count, low=0, high=100_000)
    pattern = ShiftPattern(
        code=code,
        labels=dict(labels),
        starts=tuple(starts),
        length=length,
        breaks=tuple(rules),
        days=days,
        consecutive_days_off=consecutive,
        weekdays=weekdays,
        cost_weight=float(weight),
        max_count=max_count,
    )
    if not pattern.day_sets():
        raise check.fail(code, "weekdays", _("no week can be worked with these days and days off."))
    return pattern


def patterns_load(path: Path | None = None) -> list[ShiftPattern]:
    """The patterns of a YAML file (the shipped one by default)."""
    path = path or DEFAULT_PATTERNS
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        raise ShiftPatternsInvalid(
            _("%(path)s: cannot be read as a text file.") % {"path": path}
        ) from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        raise ShiftPatternsInvalid(
            _("%(path)s: not valid YAML%(where)s.") % {"path": path.name, "where": where}
        ) from None
    return patterns_parse(data, source=path.name)
