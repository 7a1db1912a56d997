"""Erlang B, C and A: how many agents a queue needs, from the standard library's maths alone.

Notation: ``load`` is the offered traffic A in Erlangs (arrivals per second times the average
handle time in seconds), ``agents`` is N, the number of servers. docs/workforce.md gives the
formulas and the reasons for each choice; in short:

* Erlang B comes from the recursion 1/B(k) = 1 + (k/A)·1/B(k−1), carried as a scaled number
  with its logarithm kept apart, so it neither overflows nor underflows for any N or A.
* Erlang C (M/M/N) is derived from B. With N ≤ A the queue grows without end: the functions
  raise ``UnstableQueue`` rather than return a probability of 1 or an infinite wait.
* Erlang A (M/M/N+M, exponential patience) is the birth-death chain's closed form
  (Palm; Mandelbaum and Zeltyn), written with the lower incomplete gamma function, computed by
  its power series when the argument is below the order plus one and by a continued fraction
  for the upper function otherwise. Erlang A is always stable.

Zero load is defined everywhere: nobody waits, the service level is 1, the occupancy is 0.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from contactcenter.workforce.errors import StaffingInputInvalid, UnstableQueue

# The recursion's scaled number is divided down past this, its logarithm kept apart.
_RESCALE_ABOVE = 1e200
# Series and continued fractions stop once a step changes the sum by less than this.
_EPSILON = 1e-17
_TINY = 1e-300
# No problem an agency plans needs more; a search that reaches it has met a bad target.
MAX_AGENTS = 1_000_000

# Names of the figures in refusals, translated only when a refusal is raised.
_LOAD = gettext_noop("The load")
_AHT = gettext_noop("The average handle time")
_TARGET = gettext_noop("The answer-time target")
_PATIENCE = gettext_noop("The mean patience")


class Model(StrEnum):
    ERLANG_C = "erlang_c"
    ERLANG_A = "erlang_a"


@dataclass(frozen=True)
class QueueFigures:
    """One queue with ``agents`` servers under ``load`` Erlangs.

    ``average_wait_seconds`` is the mean time in queue over every arrival (zero for those
    answered at once; for Erlang A, those who leave count for the time they waited), which is
    the ASA the command prints. ``probability_of_abandoning`` is ``None`` for Erlang C.
    """

    model: Model
    agents: int
    load: float
    probability_of_waiting: float
    service_level: float
    target_seconds: float
    average_wait_seconds: float
    occupancy: float
    probability_of_abandoning: float | None


def _require(condition: bool, message: str, **values: object) -> None:
    """Raise ``StaffingInputInvalid`` unless ``condition``. ``message`` is the untranslated
    text (marked with ``gettext_noop``) and is translated, and any ``values`` put in, only on
    failure: a sizing search checks its input thousands of times a second, and translating
    every time cost more than the maths."""
    if not condition:
        text = _(message)
        raise StaffingInputInvalid(text % values if values else text)


def _finite_at_least(value: float, minimum: float, name: str) -> None:
    if not (isinstance(value, int | float) and math.isfinite(value) and value >= minimum):
        _require(
            False,
            gettext_noop("%(name)s must be a number of at least %(minimum)s."),
            name=_(name),
            minimum=minimum,
        )


def _positive(value: float, name: str) -> None:
    if not (isinstance(value, int | float) and math.isfinite(value) and value > 0):
        _require(False, gettext_noop("%(name)s must be a number above 0."), name=_(name))


def _agents_checked(agents: int) -> None:
    _require(
        isinstance(agents, int) and not isinstance(agents, bool) and 0 <= agents <= MAX_AGENTS,
        gettext_noop("The number of agents must be a whole number from 0 to %(maximum)s."),
        maximum=MAX_AGENTS,
    )


def offered_load(*, contacts: float, interval_seconds: float, aht_seconds: float) -> float:
    """Erlangs offered: contacts in the interval times the handle time, over the interval."""
    _finite_at_least(contacts, 0, gettext_noop("The number of contacts"))
    _positive(interval_seconds, gettext_noop("The interval"))
    _positive(aht_seconds, _AHT)
    return contacts * aht_seconds / interval_seconds


# -- Erlang B -------------------------------------------------------------------------------


def log_inverse_erlang_b(*, agents: int, load: float) -> float:
    """log(1/B(N, A)), finite for every N ≥ 0 and A > 0 (for A = 0 and N > 0 it is +inf)."""
    _agents_checked(agents)
    _finite_at_least(load, 0, _LOAD)
    return _log_inverse_b(agents, load)


def _log_inverse_b(agents: int, load: float) -> float:
    if agents == 0:
        return 0.0
    if load == 0:
        return math.inf
    # 1/B(k) = 1 + (k/A)·1/B(k−1), with 1/B(0) = 1. Carried as value·e^shift: when the value
    # grows past _RESCALE_ABOVE its logarithm moves into shift, and the "1 +" becomes e^−shift.
    value, shift, one = 1.0, 0.0, 1.0
    for k in range(1, agents + 1):
        value = one + value * k / load
        if value > _RESCALE_ABOVE:
            shift += math.log(value)
            value = 1.0
            one = math.exp(-shift)
    return shift + math.log(value)


class _BlockingWalk:
    """log(1/B(k, A)) for k = 0, 1, 2, … of one load, each step of the recursion taken once.

    A sizing search visits a handful of agent numbers close together; ``_log_inverse_b`` would
    walk up from zero for each. This keeps the recursion's state and every logarithm it has
    passed, so the search pays for the largest number it visits, once. The steps are the same
    floating-point operations in the same order, so every value is identical to
    ``_log_inverse_b``'s. ``load`` must be above zero.
    """

    __slots__ = ("load", "logs", "one", "shift", "value")

    def __init__(self, load: float) -> None:
        self.load = load
        self.logs = [0.0]
        self.value, self.shift, self.one = 1.0, 0.0, 1.0

    def at(self, agents: int) -> float:
        logs = self.logs
        if agents < len(logs):
            return logs[agents]
        value, shift, one, load = self.value, self.shift, self.one, self.load
        log, append, rescale_above = math.log, logs.append, _RESCALE_ABOVE
        for k in range(len(logs), agents + 1):
            value = one + value * k / load
            if value > rescale_above:
                shift += log(value)
                value = 1.0
                one = math.exp(-shift)
            append(shift + log(value))
        self.value, self.shift, self.one = value, shift, one
        return logs[agents]


def erlang_b(*, agents: int, load: float) -> float:
    """The probability that a contact finds all N agents busy in a loss system (no queue)."""
    return math.exp(-log_inverse_erlang_b(agents=agents, load=load))


# -- Erlang C -------------------------------------------------------------------------------


def _unstable(agents: int, load: float) -> UnstableQueue:
    return UnstableQueue(
        _(
            "With %(agents)s agents for %(load)s Erlangs of load the queue grows without end "
            "(Erlang C needs more agents than Erlangs): no service level can be met."
        )
        % {"agents": agents, "load": f"{load:.4g}"},
        extra={"agents": agents, "load": load},
    )


def _erlang_c_from_b(agents: int, load: float, blocking: float) -> float:
    return agents * blocking / (agents - load * (1 - blocking))


def erlang_c(*, agents: int, load: float) -> float:
    """The probability of waiting in M/M/N. Raises ``UnstableQueue`` when N ≤ A (and A > 0)."""
    _agents_checked(agents)
    _finite_at_least(load, 0, _LOAD)
    if load == 0:
        return 0.0
    if agents <= load:
        raise _unstable(agents, load)
    return _erlang_c_from_b(agents, load, erlang_b(agents=agents, load=load))


def _erlang_c_figures(
    agents: int, load: float, blocking: float, aht_seconds: float, target_seconds: float
) -> QueueFigures:
    if load == 0:
        return QueueFigures(Model.ERLANG_C, agents, 0.0, 0.0, 1.0, target_seconds, 0.0, 0.0, None)
    if agents <= load:
        raise _unstable(agents, load)
    waiting = _erlang_c_from_b(agents, load, blocking)
    spare = agents - load
    return QueueFigures(
        model=Model.ERLANG_C,
        agents=agents,
        load=load,
        probability_of_waiting=waiting,
        service_level=1 - waiting * math.exp(-spare * target_seconds / aht_seconds),
        target_seconds=target_seconds,
        average_wait_seconds=waiting * aht_seconds / spare,
        occupancy=load / agents,
        probability_of_abandoning=None,
    )


def erlang_c_figures(
    *, agents: int, load: float, aht_seconds: float, target_seconds: float
) -> QueueFigures:
    """Probability of waiting, service level at ``target_seconds``, ASA and occupancy (M/M/N).

    Service level = 1 − C·e^(−(N−A)·T/AHT); ASA = C·AHT/(N−A); occupancy = A/N.
    """
    _agents_checked(agents)
    _finite_at_least(load, 0, _LOAD)
    _positive(aht_seconds, _AHT)
    _finite_at_least(target_seconds, 0, _TARGET)
    blocking = erlang_b(agents=agents, load=load) if load else 0.0
    return _erlang_c_figures(agents, load, blocking, aht_seconds, target_seconds)


# -- The incomplete gamma function ----------------------------------------------------------


def log_scaled_lower_gamma(a: float, w: float) -> float:
    """log(γ(a, w)·e^w·w^−a) for a > 0 and w ≥ 0, where γ is the lower incomplete gamma.

    The scaled function equals the series Σₖ wᵏ / (a(a+1)…(a+k)), summed directly when
    w < a + 1 (every term smaller than the one before). Otherwise the upper function Γ(a, w) is
    found by its continued fraction (evaluated by the modified Lentz method) and
    γ(a, w) = Γ(a)·(1 − Γ(a, w)/Γ(a)).
    """
    if w == 0:
        return -math.log(a)
    if w < a + 1:
        term = 1.0 / a
        total = term
        k = 0
        epsilon = _EPSILON  # a local: these loops run hundreds of times per call
        while term > total * epsilon:
            k += 1
            term *= w / (a + k)
            total += term
        return math.log(total)
    # Γ(a, w) = e^−w·w^a / (w + 1 − a − 1·(1 − a) / (w + 3 − a − 2·(2 − a) / (w + 5 − a − …)))
    b = w + 1 - a
    c = 1 / _TINY
    d = 1 / b
    fraction = d
    i = 0
    while True:
        i += 1
        step = -i * (i - a)
        b += 2
        d = step * d + b
        d = d if abs(d) > _TINY else _TINY
        c = b + step / c
        c = c if abs(c) > _TINY else _TINY
        d = 1 / d
        change = d * c
        fraction *= change
        if abs(change - 1) < _EPSILON * 10:
            break
    log_gamma_a = math.lgamma(a)
    # Γ(a, w)/Γ(a), at most about one half on this side of w = a + 1.
    upper_share = math.exp(a * math.log(w) - w + math.log(fraction) - log_gamma_a)
    return log_gamma_a + math.log1p(-upper_share) + w - a * math.log(w)


# -- Erlang A -------------------------------------------------------------------------------


def _queue_sums(x: float, y: float) -> tuple[float, float]:
    """log S0 and S1/S0, where S0 = Σⱼ tⱼ and S1 = Σⱼ j·tⱼ with tⱼ = yʲ / ((x+1)…(x+j)).

    tⱼ is the chance of j waiting relative to none waiting with every agent busy: x = Nμ/θ,
    y = λ/θ. S0 = x·e^y·y^−x·γ(x, y). From (x+j)·tⱼ = y·tⱼ₋₁, S1 = (y − x)·S0 + x; that
    difference loses precision when y < x, so there both sums are added up term by term.
    """
    if y < x + 1:
        term, s0, s1, j = 1.0, 1.0, 0.0, 0
        epsilon = _EPSILON
        while True:
            j += 1
            term *= y / (x + j)
            s0 += term
            weighted = j * term
            s1 += weighted
            if weighted <= s1 * epsilon and term <= s0 * epsilon:
                break
        return math.log(s0), s1 / s0
    log_s0 = math.log(x) + log_scaled_lower_gamma(x, y)
    return log_s0, (y - x) + x * math.exp(-log_s0)


def erlang_a_figures(
    *,
    agents: int,
    load: float,
    aht_seconds: float,
    patience_seconds: float,
    target_seconds: float,
) -> QueueFigures:
    """M/M/N+M: each waiting contact leaves at rate θ = 1/``patience_seconds``.

    The service level counts a contact who leaves as missed: it is the share answered within
    ``target_seconds``. P(abandon) = θ·E[wait] holds exactly.
    """
    _agents_checked(agents)
    _finite_at_least(load, 0, _LOAD)
    _positive(aht_seconds, _AHT)
    _positive(patience_seconds, _PATIENCE)
    _finite_at_least(target_seconds, 0, _TARGET)
    return _erlang_a(agents, load, aht_seconds, patience_seconds, target_seconds)


def _erlang_a(
    agents: int,
    load: float,
    aht_seconds: float,
    patience_seconds: float,
    target_seconds: float,
    blocking: _BlockingWalk | None = None,
) -> QueueFigures:
    """``erlang_a_figures`` on input already checked (the sizing search calls it many times,
    with one ``blocking`` walk for all its candidates)."""
    if load == 0:
        return QueueFigures(Model.ERLANG_A, agents, 0.0, 0.0, 1.0, target_seconds, 0.0, 0.0, 0.0)
    _require(agents > 0, gettext_noop("At least one agent is needed for a load above zero."))
    x = agents * patience_seconds / aht_seconds  # Nμ/θ
    y = load * patience_seconds / aht_seconds  # λ/θ
    log_s0, mean_queue_ratio = _queue_sums(x, y)
    log_inverse_b = _log_inverse_b(agents, load) if blocking is None else blocking.at(agents)
    # P(wait) = B·S0 / (1 + (S0 − 1)·B) = 1 / (1 + (1/B − 1)/S0).
    if log_inverse_b < 700:
        others = math.expm1(log_inverse_b) * math.exp(-log_s0)
    elif log_inverse_b - log_s0 < 700:
        others = math.exp(log_inverse_b - log_s0)
    else:
        others = math.inf  # P(wait) below the smallest float
    waiting = 1 / (1 + others)
    abandoning = waiting * mean_queue_ratio / y
    # Answered after waiting longer than T: P(wait)/S0 · x·e^(y(1−E))·E^(x+1)·γ*(x+1, yE), with
    # E = e^(−θT) and γ* the scaled lower incomplete gamma.
    decay = target_seconds / patience_seconds
    late = 0.0
    if waiting > 0:
        log_late = (
            math.log(waiting)
            - log_s0
            + math.log(x)
            - y * math.expm1(-decay)
            - (x + 1) * decay
            + log_scaled_lower_gamma(x + 1, y * math.exp(-decay))
        )
        late = math.exp(log_late)
    return QueueFigures(
        model=Model.ERLANG_A,
        agents=agents,
        load=load,
        probability_of_waiting=waiting,
        service_level=max(0.0, 1 - abandoning - late),
        target_seconds=target_seconds,
        average_wait_seconds=abandoning * patience_seconds,
        # Overloaded, P(abandon) is 1 − N/A less a sliver, and rounding can push this past 1.
        occupancy=min(1.0, load * (1 - abandoning) / agents),
        probability_of_abandoning=abandoning,
    )


# -- Sizing ---------------------------------------------------------------------------------


def _fraction_checked(value: float, name: str, *, low: float, high: float, high_open: bool) -> None:
    inside = isinstance(value, int | float) and math.isfinite(value) and low < value
    inside = inside and (value < high if high_open else value <= high)
    if inside:
        return
    if high_open:
        message = gettext_noop("%(name)s must be above %(low)s and below %(high)s.")
    else:
        message = gettext_noop("%(name)s must be above %(low)s and at most %(high)s.")
    _require(False, message, name=_(name), low=low, high=high)


def required_agents(
    *,
    load: float,
    aht_seconds: float,
    target_seconds: float,
    service_level: float,
    patience_seconds: float | None = None,
    max_occupancy: float | None = None,
    concurrency: int = 1,
) -> QueueFigures:
    """The fewest agents that answer ``service_level`` of contacts within ``target_seconds``
    (and keep occupancy at or under ``max_occupancy``), with the queue's figures at that number.

    Erlang A when ``patience_seconds`` is given, Erlang C otherwise. With ``concurrency`` k an
    agent holds k contacts at once (chat): the queue has k servers per agent and
    ``aht_seconds`` is the time one contact holds one of them. The figures' ``agents`` is then
    the number of servers; divide by k for people. Zero load needs zero agents.
    """
    _finite_at_least(load, 0, _LOAD)
    _positive(aht_seconds, _AHT)
    _finite_at_least(target_seconds, 0, _TARGET)
    _fraction_checked(
        service_level, gettext_noop("The service-level target"), low=0, high=1, high_open=True
    )
    if max_occupancy is not None:
        _fraction_checked(
            max_occupancy, gettext_noop("The occupancy cap"), low=0, high=1, high_open=False
        )
    if patience_seconds is not None:
        _positive(patience_seconds, _PATIENCE)
    _require(
        isinstance(concurrency, int) and not isinstance(concurrency, bool) and concurrency >= 1,
        gettext_noop("Concurrency must be a whole number of at least 1."),
    )
    if load == 0:
        model = Model.ERLANG_C if patience_seconds is None else Model.ERLANG_A
        abandoning = None if patience_seconds is None else 0.0
        return QueueFigures(model, 0, 0.0, 0.0, 1.0, target_seconds, 0.0, 0.0, abandoning)
    if patience_seconds is None:
        return _required_erlang_c(
            load, aht_seconds, target_seconds, service_level, max_occupancy, concurrency
        )
    return _required_erlang_a(
        load,
        aht_seconds,
        target_seconds,
        service_level,
        patience_seconds,
        max_occupancy,
        concurrency,
    )


def _meets(figures: QueueFigures, service_level: float, max_occupancy: float | None) -> bool:
    capped = max_occupancy is None or figures.occupancy <= max_occupancy
    return figures.service_level >= service_level and capped


def _required_erlang_c(
    load: float,
    aht_seconds: float,
    target_seconds: float,
    service_level: float,
    max_occupancy: float | None,
    concurrency: int,
) -> QueueFigures:
    # Stable only above the load; under a cap, not below load/cap (rounded down, so that a
    # binary quotient a hair above a whole number never skips it). From there the search walks
    # up one agent (k servers) at a time, carrying B forward rather than recomputing it: the
    # answer is within a few square roots of the load.
    floor = math.floor(load) + 1
    if max_occupancy is not None:
        floor = max(floor, math.floor(load / max_occupancy))
    servers = max(1, math.ceil(floor / concurrency)) * concurrency
    _require(servers <= MAX_AGENTS, gettext_noop("The load is too large to plan."))
    blocking = math.exp(-_log_inverse_b(servers, load))  # erlang_b's, its input known good
    while True:
        # _erlang_c_figures' service level and occupancy, the same operations in the same
        # order, without building the figures of every number that misses.
        waiting = servers * blocking / (servers - load * (1 - blocking))
        level = 1 - waiting * math.exp(-(servers - load) * target_seconds / aht_seconds)
        if level >= service_level and (max_occupancy is None or load / servers <= max_occupancy):
            return _erlang_c_figures(servers, load, blocking, aht_seconds, target_seconds)
        for _step in range(concurrency):
            servers += 1
            blocking = load * blocking / (servers + load * blocking)
        if servers > MAX_AGENTS:
            raise StaffingInputInvalid(_("No number of agents up to the limit meets the target."))


def _required_erlang_a(
    load: float,
    aht_seconds: float,
    target_seconds: float,
    service_level: float,
    patience_seconds: float,
    max_occupancy: float | None,
    concurrency: int,
) -> QueueFigures:
    # Erlang A is stable with any number of agents, so there is no floor to walk up from. The
    # search starts from the load itself (as many agents as Erlangs: abandons let Erlang A
    # staff near it, where Erlang C needs a few square roots of the load more; starting from
    # Erlang C's answer cost that search and left more candidates to try). It keeps the
    # largest number known to miss (0 agents always miss a load above zero) and the smallest
    # known to meet; both tests are monotone in N (more agents: a higher service level, a
    # lower occupancy), so the fewest lies between, and each candidate is taken strictly
    # inside that bracket. Candidates are chosen where log(1 − service level), drawn as a
    # straight line through the points already seen, crosses the target's: outside a bracket
    # by extrapolating the last two points to one agent past the crossing (at least doubling
    # the stride, 1, 2, 4, … agents, so a poor line still gets there), inside by
    # interpolating between its ends, and by halving after two candidates in a row that left
    # more than half of the bracket (an occupancy cap that binds bends any line). This takes
    # about 3.7 Erlang A evaluations per problem where galloping from Erlang C's answer and
    # halving took 5.9. One Erlang B walk serves every candidate.
    walk = _BlockingWalk(load)
    limit = MAX_AGENTS // concurrency
    levels: dict[int, float] = {0: 0.0}  # nobody is answered by no agents
    known: dict[int, QueueFigures] = {}

    def meets(people: int) -> bool:
        figures = _erlang_a(
            people * concurrency, load, aht_seconds, patience_seconds, target_seconds, walk
        )
        known[people] = figures
        levels[people] = figures.service_level
        return _meets(figures, service_level, max_occupancy)

    goal = math.log(1 - service_level)

    def crossing(low: int, high: int) -> float | None:
        """Where the line through log(1 − service level) at ``low`` and ``high`` meets the
        target's: the share missed falls about exponentially in N (Erlang C's tail is
        C·e^(−(N−A)T/AHT)), so on that scale the points lie nearly on a line."""
        at_low = math.log(max(1 - levels[low], _TINY))
        fall = at_low - math.log(max(1 - levels[high], _TINY))
        if not fall > 0:
            return None
        return low + (at_low - goal) * (high - low) / fall

    guess = max(1, math.ceil(load / concurrency))
    failing = 0
    meeting: int | None = None
    seen: list[int] = []  # candidates in the order tried
    stride = 1  # outside a bracket, the least step; doubles after each step past the first
    slow = 0  # steps in a row, inside a bracket, that did not halve it
    probe = max(1, min(guess, limit))
    width = limit
    while True:
        seen.append(probe)
        if meets(probe):
            meeting = probe
        else:
            failing = probe
        if meeting is None:
            # Only misses so far: up from the largest, aiming one past the line's crossing.
            if failing >= limit:
                raise StaffingInputInvalid(
                    _("No number of agents up to the limit meets the target.")
                )
            step = stride
            if len(seen) > 1:
                line = crossing(seen[-2], seen[-1])
                if line is not None:
                    step = max(step, math.ceil(line) + 1 - failing)
                stride *= 2
            probe = min(limit, failing + step)
            continue
        if meeting - failing <= 1:
            return known[meeting]
        if failing == 0:
            # Only hits so far: down from the smallest, aiming one below the line's crossing.
            step = stride
            if len(seen) > 1:
                line = crossing(seen[-1], seen[-2])
                if line is not None:
                    step = max(step, meeting + 1 - math.floor(line))
                stride *= 2
            probe = max(1, meeting - step)
            continue
        # Bracketed: where the line between its ends crosses, or the middle after two
        # candidates in a row that left more than half of the bracket.
        previous, width = width, meeting - failing
        slow = slow + 1 if width * 2 > previous else 0
        line = crossing(failing, meeting)
        if line is None or slow >= 2:
            probe = (failing + meeting) // 2
        else:
            probe = min(meeting - 1, max(failing + 1, math.ceil(line)))


def scheduled_positions(*, agents: int, shrinkage: float) -> int:
    """Agents to schedule so that ``agents`` are on the phones after shrinkage (breaks,
    training, absence): ceil(agents / (1 − shrinkage)).

    The shrinkage is taken as the decimal it was written as (0.3 is 3/10), so that 14 agents
    at 30 % give exactly 20 positions, not 21 from a binary rounding of 14/0.7.
    """
    _agents_checked(agents)
    _require(
        isinstance(shrinkage, int | float) and math.isfinite(shrinkage) and 0 <= shrinkage < 1,
        gettext_noop("Shrinkage must be at least 0 and below 1 (100 %)."),
    )
    numerator, denominator = _on_phones(float(shrinkage))
    return -(-agents * denominator // numerator)  # ceil(agents / (numerator/denominator))


@functools.lru_cache(maxsize=256)
def _on_phones(shrinkage: float) -> tuple[int, int]:
    """1 − shrinkage as a reduced fraction of whole numbers, the shrinkage read as written."""
    share = 1 - Fraction(repr(shrinkage))
    return share.numerator, share.denominator
