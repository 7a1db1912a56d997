"""Workforce planning's errors: bad figures in, or a queue no number of agents can be sized for."""

from __future__ import annotations

from contactcenter.core.errors import ErrorCode, InvalidInput


class StaffingInputInvalid(InvalidInput):
    """A figure out of its range (a negative volume, a shrinkage of 100 %, ...)."""


class UnstableQueue(InvalidInput):
    """Erlang C with as many agents as Erlangs of load or fewer: the queue grows without end,
    so there is no probability of waiting below 1, no service level and no finite ASA."""

    code = ErrorCode.UNSTABLE_QUEUE
