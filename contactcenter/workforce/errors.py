"""Workforce planning's errors: bad figures in, or a queue no number of agents can be sized for."""

from __future__ import annotations

from contactcenter.core.errors import ApplicationError, ErrorCode, InvalidInput


class StaffingInputInvalid(InvalidInput):
    """A figure out of its range (a negative volume, a shrinkage of 100 %, ...)."""


class UnstableQueue(ApplicationError):
    """Erlang C with as many agents as Erlangs of load or fewer: the queue grows without end,
    so there is no probability of waiting below 1, no service level and no finite ASA. The
    figures are well formed; the queue they describe has no answer."""

    code = ErrorCode.UNSTABLE_QUEUE
    http_status = 422


class ForecastInputInvalid(InvalidInput):
    """A forecast asked for badly: an unknown queue or method, no weeks, no history at all."""


class HistoryFileInvalid(InvalidInput):
    """A history file with bad rows; the message lists every bad row by its line number."""

    code = ErrorCode.INVALID_DATA_FILE


class ShiftPatternsInvalid(InvalidInput):
    """A shift-patterns file with a bad field; the message names the pattern and the field."""

    code = ErrorCode.INVALID_DATA_FILE


class ScheduleInputInvalid(InvalidInput):
    """A schedule asked for badly: a requirement outside the week, an absence share out of
    range, a headcount cap below zero, a requirements file with bad rows."""


class ScheduleRefused(ApplicationError):
    """The schedule's state does not allow the change (publishing one already published)."""

    code = ErrorCode.FORBIDDEN_TRANSITION
    http_status = 409


class SkillGroupsInvalid(InvalidInput):
    """Skill groups given badly: a file that cannot be read, a group without queues, a cost
    that is not a positive number, a limit that is not a whole number."""

    code = ErrorCode.INVALID_DATA_FILE
