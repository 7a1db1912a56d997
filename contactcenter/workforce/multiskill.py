"""Multi-skill sizing: how many agents of each skill group cover every queue's requirement.

A skill group is a set of queues one agent can serve ({english}, {english, spanish}, ...),
with a cost weight (1 unless given) and optionally a limit on how many of its agents there are.
Per interval the plan gives each queue's required agents (Erlang A or C, per queue). This module
finds, per interval, the agents per group of least weighted cost such that each queue gets its
requirement from agents allocated to it, each agent counted once: a small integer program,

    minimise   Σ_g cost_g·x_g + P·Σ_q s_q
    subject to Σ_q y_gq ≤ x_g                 (an agent of g serves one queue at a time)
               Σ_g y_gq + s_q ≥ required_q    (the queue's requirement, less any shortfall)
               0 ≤ x_g ≤ limit_g, y_gq ≥ 0 only for q in g, x and y whole numbers, s_q ≥ 0,

solved with ``scipy.optimize.milp`` (HiGHS) once per distinct requirement vector of the week
(nights and weekends repeat, and the zero vector needs no solver at all). The shortfall s_q
is priced far above any group's cost, so it is used only when the limits (or a queue that no
group serves) leave no other way; the answer then says how many agents each queue lacks,
instead of failing. A queue of the plan that no group lists is therefore reported as a
shortfall of its whole requirement, never an error. Queues a group lists that the plan does
not hold are ignored. Between groups of equal cost, the one with fewer skills is preferred
(costs closer than about 0.001 count as equal), so multi-skilled agents are kept for where
they are needed and the answer does not depend on the solver's tie-breaking.

The same program over a day's intervals at once (``multiskill_staff``) gives the day's agents
per group: each group's agents s_g ≥ Σ_q y_gqt in every interval t, so an agent is counted once
all day and serves one queue at a time, and a bilingual agent can answer English in the
morning peak and Spanish in the afternoon's. Only the day's distinct requirement vectors that
no other vector covers enter it (covering the larger covers the smaller).

What this counts, and what it does not (it is conservative):

* The Erlang figures are per queue. Pooling two queues onto one group of agents also brings
  the statistical economy of scale of a larger queue (one queue of 20 Erlangs needs fewer
  agents than two of 10); that economy is **not** counted here, only the counting-once.
* Within one interval an agent is on one queue at a time, so the agents of all groups add up
  to the sum of the queues' requirements (less any shortfall): counting once saves nothing
  inside one interval. The saving shows over a day: dedicated single-skill staff must cover
  each queue's own busiest interval (the day's need is the sum of the queues' peaks), while
  agents who can serve several queues move to where the work is. The day's figures compare
  the two; the busiest interval of all queues together is the floor no mix can go below.
* The day's agents are taken as present all day: shifts, breaks and shrinkage are not in it
  (positions are, in the plan's own table).
"""

from __future__ import annotations

import csv
import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import yaml
from django.utils.translation import gettext as _
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_array

from contactcenter.workforce.errors import SkillGroupsInvalid, StaffingInputInvalid

# Between groups of equal cost, one more skill costs this much more (see the docstring).
_TIE_BREAK = 1e-4
# A weight no larger than this would let the solver staff idle agents for free.
_MIN_COST = 1e-3
_MAX_COST = 1e6


@dataclass(frozen=True)
class SkillGroup:
    """Agents who can serve ``queues``. ``limit``: at most this many at once (None: no limit).
    ``headcount``: how many such agents the agency has now, when the groups were read from
    the agents' profiles (informative; the limit then equals it)."""

    name: str
    queues: frozenset[str]
    cost: float = 1.0
    limit: int | None = None
    headcount: int | None = None


@dataclass(frozen=True)
class Sizing:
    """One requirement vector's answer: agents per group, agents per (group, queue), and the
    agents each queue lacks."""

    agents: dict[str, int]
    allocation: dict[tuple[str, str], int]
    shortfall: dict[str, int]
    cost: float


@dataclass(frozen=True)
class MultiSkillInterval:
    start: dt.datetime
    required: dict[str, int]
    sizing: Sizing

    @property
    def single_skill(self) -> int:
        """The queues' requirements added up: agents if each served one queue only."""
        return sum(self.required.values())

    @property
    def pooled(self) -> int:
        """Agents of all groups, each counted once."""
        return sum(self.sizing.agents.values())

    @property
    def shortfall(self) -> int:
        return sum(self.sizing.shortfall.values())


@dataclass(frozen=True)
class MultiSkillDay:
    """One day. ``single_skill``: the sum over queues of each queue's busiest interval, the
    agents dedicated staff would need. ``staff``: per group, the fewest agents (weighted) who
    cover every interval of the day, each agent counted once all day (``multiskill_staff``);
    ``saving`` = single_skill − their total. ``pooled_peak``: the busiest interval of all
    queues together, what agents with every skill would need (a floor for any mix).
    ``agent_hours``: the queues' requirements summed over the intervals. ``shortfall``: the
    most agents missing from any interval with the groups' limits."""

    day: dt.date
    single_skill: int
    staff: dict[str, int]
    pooled_peak: int
    agent_hours: float
    shortfall: int

    @property
    def multi_skill(self) -> int:
        return sum(self.staff.values())

    @property
    def saving(self) -> int:
        return self.single_skill - self.multi_skill


@dataclass
class MultiSkillRun:
    groups: list[SkillGroup]
    queues: list[str]
    intervals: list[MultiSkillInterval] = field(default_factory=list)
    solved: int = 0  # integer programs solved for the intervals (distinct non-zero vectors)
    # Per local day, when sized by day: the day's agents per group and its largest shortfall.
    day_staff: dict[dt.date, tuple[dict[str, int], int]] = field(default_factory=dict)

    @property
    def unserved(self) -> list[str]:
        """Queues of the plan that no group lists."""
        served = set().union(*(group.queues for group in self.groups))
        return [queue for queue in self.queues if queue not in served]

    def days(self, *, monday: dt.date, zone: ZoneInfo, minutes: int) -> list[MultiSkillDay]:
        """The seven days from ``monday``; days with the same requirements are solved once."""
        by_day: dict[dt.date, list[MultiSkillInterval]] = {
            monday + dt.timedelta(days=offset): [] for offset in range(7)
        }
        for row in self.intervals:
            by_day.setdefault(row.start.astimezone(zone).date(), []).append(row)
        solved: dict[frozenset[tuple[int, ...]], tuple[dict[str, int], int]] = {}
        answer = []
        for day, rows in by_day.items():
            key = frozenset(tuple(row.required[q] for q in self.queues) for row in rows)
            if day in self.day_staff:
                solved[key] = self.day_staff[day]
            elif key not in solved:
                solved[key] = multiskill_staff(
                    vectors=[row.required for row in rows], groups=self.groups
                )
            staff, shortfall = solved[key]
            answer.append(
                MultiSkillDay(
                    day=day,
                    single_skill=sum(
                        max((row.required.get(queue, 0) for row in rows), default=0)
                        for queue in self.queues
                    ),
                    staff=staff,
                    pooled_peak=max((row.single_skill for row in rows), default=0),
                    agent_hours=sum(row.single_skill for row in rows) * minutes / 60,
                    shortfall=shortfall,
                )
            )
        return answer


# -- Groups ---------------------------------------------------------------------------------


def skill_groups_check(groups: Sequence[SkillGroup]) -> list[SkillGroup]:
    """The groups if well formed; ``SkillGroupsInvalid`` naming the first fault otherwise.
    Two groups with the same queues are refused (one group with the lower cost would do)."""
    if not groups:
        raise SkillGroupsInvalid(_("No skill groups were given."))
    names: set[str] = set()
    sets: set[frozenset[str]] = set()
    for group in groups:
        if not group.name:
            raise SkillGroupsInvalid(_("Every skill group needs a name."))
        if group.name in names:
            raise SkillGroupsInvalid(
                _("The skill group %(name)s is named twice.") % {"name": group.name}
            )
        names.add(group.name)
        if not group.queues or not all(isinstance(q, str) and q for q in group.queues):
            raise SkillGroupsInvalid(
                _("The skill group %(name)s needs at least one queue code.") % {"name": group.name}
            )
        if group.queues in sets:
            raise SkillGroupsInvalid(
                _("The skill group %(name)s has the same queues as another group.")
                % {"name": group.name}
            )
        sets.add(group.queues)
        cost = group.cost
        if not (
            isinstance(cost, int | float)
            and not isinstance(cost, bool)
            and math.isfinite(cost)
            and _MIN_COST <= cost <= _MAX_COST
        ):
            raise SkillGroupsInvalid(
                _("The skill group %(name)s: the cost must be a number from %(low)s to %(high)s.")
                % {"name": group.name, "low": _MIN_COST, "high": f"{_MAX_COST:.0f}"}
            )
        limit = group.limit
        if limit is not None and not (
            isinstance(limit, int) and not isinstance(limit, bool) and limit >= 0
        ):
            raise SkillGroupsInvalid(
                _("The skill group %(name)s: the limit must be a whole number of 0 or more.")
                % {"name": group.name}
            )
    return list(groups)


def _entry_group(entry: Any, where: str) -> SkillGroup:
    if not isinstance(entry, Mapping):
        raise SkillGroupsInvalid(
            _("%(where)s: a skill group must have a name and queues.") % {"where": where}
        )
    unknown = set(entry) - {"name", "queues", "cost", "limit"}
    if unknown:
        raise SkillGroupsInvalid(
            _("%(where)s: unknown fields %(fields)s (name, queues, cost, limit).")
            % {"where": where, "fields": ", ".join(sorted(map(str, unknown)))}
        )
    queues = entry.get("queues")
    if isinstance(queues, str):
        queues = [part for part in queues.replace(";", " ").split() if part]
    if not isinstance(queues, list) or not all(isinstance(q, str) for q in queues):
        raise SkillGroupsInvalid(
            _("%(where)s: queues must be a list of queue codes.") % {"where": where}
        )

    def number(key: str, parse: type, default: Any) -> Any:
        value = entry.get(key)
        if value is None or value == "":
            return default
        if isinstance(value, str):
            try:
                return parse(value.strip())
            except ValueError:
                raise SkillGroupsInvalid(
                    _("%(where)s: %(field)s %(text)s is not a number.")
                    % {"where": where, "field": key, "text": value}
                ) from None
        return value

    return SkillGroup(
        name=str(entry.get("name") or "").strip(),
        queues=frozenset(queues),
        cost=number("cost", float, 1.0),
        limit=number("limit", int, None),
    )


def skill_groups_read(path: Path) -> list[SkillGroup]:
    """Skill groups from a YAML file (a list of {name, queues, cost, limit}, or that list
    under ``groups:``) or a CSV file (columns name, queues, cost, limit; the queues separated
    by spaces or semicolons). Raises ``SkillGroupsInvalid`` for anything else."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        raise SkillGroupsInvalid(
            _("%(path)s cannot be read as a skill-groups file.") % {"path": path}
        ) from None
    entries: Any
    if path.suffix.lower() == ".csv":
        reader = csv.DictReader(text.splitlines())
        if not reader.fieldnames or not {"name", "queues"} <= set(reader.fieldnames):
            raise SkillGroupsInvalid(
                _("%(path)s: the first line must name the columns name, queues (cost, limit).")
                % {"path": path.name}
            )
        entries = [{key: value for key, value in row.items() if key is not None} for row in reader]
        places = [
            _("%(path)s line %(line)s") % {"path": path.name, "line": n + 2}
            for n in range(len(entries))
        ]
    elif path.suffix.lower() in {".yaml", ".yml"}:
        try:
            entries = yaml.safe_load(text)
        except yaml.YAMLError:
            message = _("%(path)s is not valid YAML.") % {"path": path.name}
            raise SkillGroupsInvalid(message) from None
        if isinstance(entries, Mapping) and set(entries) == {"groups"}:
            entries = entries["groups"]
        if not isinstance(entries, list):
            raise SkillGroupsInvalid(
                _("%(path)s must hold a list of skill groups.") % {"path": path.name}
            )
        places = [
            _("%(path)s group %(number)s") % {"path": path.name, "number": n + 1}
            for n in range(len(entries))
        ]
    else:
        raise SkillGroupsInvalid(
            _("%(path)s: a skill-groups file must end in .yaml, .yml or .csv.") % {"path": path}
        )
    return skill_groups_check(
        [_entry_group(entry, where) for entry, where in zip(entries, places, strict=True)]
    )


def skill_groups_from_sets(headcounts: Mapping[frozenset[str], int]) -> list[SkillGroup]:
    """Groups from the agents' own skill sets (``selectors.agent_skill_sets``): one group per
    distinct set of queues, cost 1, its headcount as its limit, named by its queues."""
    groups = [
        SkillGroup(
            name="+".join(sorted(queues)),
            queues=queues,
            limit=count,
            headcount=count,
        )
        for queues, count in headcounts.items()
        if queues
    ]
    if not groups:
        raise SkillGroupsInvalid(_("No active agent can serve any of the queues planned."))
    return sorted(groups, key=lambda group: (len(group.queues), group.name))


# -- Sizing ---------------------------------------------------------------------------------


def _required_checked(required: Mapping[str, int]) -> None:
    for queue, count in required.items():
        if not (isinstance(count, int) and not isinstance(count, bool) and count >= 0):
            raise StaffingInputInvalid(
                _("%(queue)s: the required agents must be a whole number of 0 or more.")
                % {"queue": queue}
            )


def _program(
    vectors: Sequence[Mapping[str, int]], groups: Sequence[SkillGroup]
) -> tuple[dict[str, int], list[Sizing]]:
    """The fewest agents per group (weighted) that meet every one of ``vectors`` (each a
    requirement per queue), the same agents serving all of them one after another: staff
    s_g ≥ Σ_q y_gqv for every vector v. With one vector this is one interval's program; with
    a day's vectors, the day's. Returns the staff per group and, per vector, its allocation
    (``Sizing.agents`` there is the agents of each group at work on some queue)."""
    names = [group.name for group in groups]
    n_groups = len(groups)
    costs = [group.cost + _TIE_BREAK * (len(group.queues) - 1) for group in groups]
    penalty = 10 * (1 + sum(group.cost for group in groups))
    objective: list[float] = list(costs)
    integrality: list[int] = [1] * n_groups
    upper_bounds: list[float] = [np.inf if g.limit is None else g.limit for g in groups]
    rows: list[int] = []
    cols: list[int] = []
    values: list[float] = []
    lower: list[float] = []
    upper: list[float] = []
    layouts = []  # per vector: its queues, its (group, queue) pairs and their first column
    for vector in vectors:
        queues = [queue for queue, count in vector.items() if count > 0]
        pairs = [
            (g, q)
            for g, group in enumerate(groups)
            for q, queue in enumerate(queues)
            if queue in group.queues
        ]
        first_y = len(objective)
        first_s = first_y + len(pairs)
        first_row = len(lower)
        objective += [0.0] * len(pairs) + [penalty] * len(queues)
        integrality += [1] * len(pairs) + [0] * len(queues)
        upper_bounds += [np.inf] * len(pairs) + [float(vector[queue]) for queue in queues]
        for index, (g, q) in enumerate(pairs):
            rows += [first_row + g, first_row + n_groups + q]
            cols += [first_y + index, first_y + index]
            values += [1.0, 1.0]
        for g in range(n_groups):
            rows.append(first_row + g)
            cols.append(g)
            values.append(-1.0)
        for q in range(len(queues)):
            rows.append(first_row + n_groups + q)
            cols.append(first_s + q)
            values.append(1.0)
        lower += [-np.inf] * n_groups + [float(vector[queue]) for queue in queues]
        upper += [0.0] * n_groups + [np.inf] * len(queues)
        layouts.append((queues, pairs, first_y))
    matrix = coo_array((values, (rows, cols)), shape=(len(lower), len(objective)))
    result = milp(
        np.array(objective),
        constraints=LinearConstraint(matrix.tocsr(), np.array(lower), np.array(upper)),
        bounds=Bounds(np.zeros(len(objective)), np.array(upper_bounds)),
        integrality=np.array(integrality),
        options={"mip_rel_gap": 0},
    )
    if result.x is None:  # pragma: no cover - the shortfall keeps every problem feasible
        raise StaffingInputInvalid(
            _("The multi-skill sizing found no answer: %(why)s") % {"why": result.message}
        )
    solution = np.rint(result.x).astype(int)
    staff = {name: int(solution[g]) for g, name in enumerate(names)}
    sizings = []
    for vector, (queues, pairs, first_y) in zip(vectors, layouts, strict=True):
        allocation = {
            (names[g], queues[q]): int(solution[first_y + index])
            for index, (g, q) in enumerate(pairs)
            if solution[first_y + index] > 0
        }
        at_work = dict.fromkeys(names, 0)
        covered = dict.fromkeys(queues, 0)
        for (name, queue), count in allocation.items():
            at_work[name] += count
            covered[queue] += count
        # The shortfall from the whole-number allocation, not from the continuous slack.
        shortfall = {
            queue: vector[queue] - covered[queue]
            for queue in queues
            if covered[queue] < vector[queue]
        }
        cost = sum(group.cost * at_work[group.name] for group in groups)
        sizings.append(Sizing(at_work, allocation, shortfall, cost))
    return staff, sizings


def multiskill_size_one(*, required: Mapping[str, int], groups: Sequence[SkillGroup]) -> Sizing:
    """The agents per group of least weighted cost for one interval's requirements (agents
    per queue, whole numbers of 0 or more). ``groups`` are taken as checked."""
    _required_checked(required)
    if not any(required.values()):
        return Sizing(dict.fromkeys((group.name for group in groups), 0), {}, {}, 0.0)
    _staff, (sizing,) = _program([required], groups)
    return sizing


def multiskill_staff(
    *, vectors: Iterable[Mapping[str, int]], groups: Sequence[SkillGroup]
) -> tuple[dict[str, int], int]:
    """The fewest agents per group (weighted) that cover every one of ``vectors`` in turn,
    each agent counted once over all of them (a day's intervals: the agents of the day, each
    available all day), and the largest shortfall of any vector. A vector no larger on any
    queue than another is left out (covering the larger covers it), and so are repeats."""
    distinct = {tuple(sorted(vector.items())) for vector in vectors if any(vector.values())}
    for vector in distinct:
        _required_checked(dict(vector))
    kept = [
        vector
        for vector in distinct
        if not any(
            other != vector and all(count <= dict(other).get(q, 0) for q, count in vector)
            for other in distinct
        )
    ]
    if not kept:
        return dict.fromkeys((group.name for group in groups), 0), 0
    staff, sizings = _program([dict(vector) for vector in sorted(kept)], groups)
    return staff, max(sum(sizing.shortfall.values()) for sizing in sizings)


def multiskill_size(
    *,
    requirements: Mapping[dt.datetime, Mapping[str, int]],
    groups: Sequence[SkillGroup],
    queues: Iterable[str] | None = None,
    zone: ZoneInfo | None = None,
) -> MultiSkillRun:
    """Per interval start, the sizing of its requirements (agents per queue). ``queues``: the
    queues planned (by default every queue named in the requirements).

    Without ``zone`` each interval gets its own cheapest mix. With ``zone`` the intervals are
    taken by local day: the day's agents per group come first (``multiskill_staff``), and each
    interval's mix is the cheapest within them, so the intervals agree with the day. Identical
    requirement vectors (and identical days) are solved once."""
    checked = skill_groups_check(groups)
    codes = (
        list(queues)
        if queues is not None
        else sorted({queue for row in requirements.values() for queue in row})
    )
    run = MultiSkillRun(groups=checked, queues=codes)
    vectors = {
        start: tuple(requirements[start].get(queue, 0) for queue in codes)
        for start in sorted(requirements)
    }
    limits: dict[dt.datetime, tuple[int | None, ...]] = dict.fromkeys(
        vectors, tuple(group.limit for group in checked)
    )
    if zone is not None:
        by_day: dict[dt.date, list[dt.datetime]] = {}
        for start in vectors:
            by_day.setdefault(start.astimezone(zone).date(), []).append(start)
        days: dict[frozenset[tuple[int, ...]], tuple[dict[str, int], int]] = {}
        for day, starts in by_day.items():
            key = frozenset(vectors[start] for start in starts)
            if key not in days:
                days[key] = multiskill_staff(
                    vectors=[dict(zip(codes, vector, strict=True)) for vector in key],
                    groups=checked,
                )
            run.day_staff[day] = days[key]
            staff = days[key][0]
            for start in starts:
                limits[start] = tuple(staff[group.name] for group in checked)
    answers: dict[tuple[tuple[int, ...], tuple[int | None, ...]], Sizing] = {}
    for start, vector in vectors.items():
        key_ = (vector, limits[start])
        if key_ not in answers:
            bounded = [
                replace(group, limit=limit)
                for group, limit in zip(checked, limits[start], strict=True)
            ]
            answers[key_] = multiskill_size_one(
                required=dict(zip(codes, vector, strict=True)), groups=bounded
            )
            run.solved += any(vector)
        run.intervals.append(
            MultiSkillInterval(start, dict(zip(codes, vector, strict=True)), answers[key_])
        )
    return run


def plan_requirements(
    queue_agents: Mapping[str, Mapping[dt.datetime, int]],
) -> dict[dt.datetime, dict[str, int]]:
    """Per interval start, each queue's agents, from each queue's ``agents_by_start()``."""
    answer: dict[dt.datetime, dict[str, int]] = {}
    for queue, by_start in queue_agents.items():
        for start, agents in by_start.items():
            answer.setdefault(start, {})[queue] = agents
    return answer
