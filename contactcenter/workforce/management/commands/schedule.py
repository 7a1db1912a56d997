"""``contactcenter schedule``: the week's shifts that cover the staffing plan at least cost.

    contactcenter schedule --week YYYY-MM-DD (--queue CODE ... | --all | --requirements CSV) \\
        [the plan's options] [--patterns FILE] [--absence 10%] [--max-agents N] \\
        [--time-limit S] [--assign-agents] [--by-agent] [--csv PATH] [--coverage-csv PATH] \\
        [--save | --publish] [--json] [--no-progress] [--language en|es]

The requirement is the plan's agents per interval summed over the queues, or a CSV file of
``start,agents``. A summary and a table per day by default; ``--by-agent`` adds a row per agent
line. ``--csv`` writes one row per shift (``-`` for standard output), ``--coverage-csv`` one
row per interval. ``--save`` stores the schedule as a draft and prints its id; ``--publish``
stores and publishes it. Bad input: one clear line on standard error, exit status 1, nothing
stored.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any, cast
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from contactcenter.core.errors import ApplicationError
from contactcenter.workforce.management.options import (
    ProgressBars,
    number_parse,
    plan_from_options,
    plan_options_add,
    whole_parse,
)
from contactcenter.workforce.schedule import (
    DEFAULT_ABSENCE,
    DEFAULT_TIME_LIMIT,
    Requirement,
    ScheduleResult,
    requirement_from_plan,
    requirements_csv_read,
    schedule_make,
)
from contactcenter.workforce.schedule_csv import (
    coverage_csv_write,
    result_shift_rows,
    shifts_csv_write,
)
from contactcenter.workforce.selectors import schedulable_agents
from contactcenter.workforce.services import schedule_publish, schedule_save
from contactcenter.workforce.shifts import patterns_load
from contactcenter.workforce.staffing import share_parse


def _decimal(value: float, places: int) -> str:
    return number_format(round(value, places), decimal_pos=places, use_l10n=True)


def _clock(moment: dt.datetime) -> str:
    return moment.strftime("%H:%M")


def _table(rows: list[list[str]]) -> list[str]:
    widths = [max(len(row[index]) for row in rows) for index in range(len(rows[0]))]
    return [
        "  ".join(
            cell.ljust(widths[index]) if index == 0 else cell.rjust(widths[index])
            for index, cell in enumerate(row)
        ).rstrip()
        for row in rows
    ]


def summary_lines(result: ScheduleResult, *, by_agent: bool) -> list[str]:
    """The schedule in the active language: totals, a row per day, and the short intervals."""
    requirement = result.requirement
    gap = (
        (result.objective - result.lower_bound) / result.lower_bound * 100
        if result.lower_bound > 0
        else 0.0
    )
    short = result.short_intervals()
    lines = [
        _("Schedule, week of %(monday)s (%(minutes)s-minute intervals)")
        % {"monday": requirement.monday.isoformat(), "minutes": requirement.minutes},
        _("Agents scheduled: %(count)s (%(hours)s paid hours)")
        % {"count": len(result.lines), "hours": _decimal(result.paid_hours, 1)},
        _("Required on the floor: %(hours)s agent-hours (absence %(absence)s %% added)")
        % {
            "hours": _decimal(result.required_hours, 1),
            "absence": _decimal(result.absence * 100, 1),
        },
        _("Short: %(short)s agent-hours in %(count)s intervals; over: %(over)s agent-hours")
        % {
            "short": _decimal(result.short_hours, 2),
            "count": len(short),
            "over": _decimal(result.over_hours, 2),
        },
        _("Cost %(cost)s, at most %(gap)s %% above the linear bound %(bound)s%(stopped)s")
        % {
            "cost": _decimal(result.objective, 1),
            "gap": _decimal(gap, 2),
            "bound": _decimal(result.lower_bound, 1),
            "stopped": "" if result.optimal else _(" (stopped at the time limit)"),
        },
    ]
    rows = [[_("Day"), _("Required"), _("On the floor"), _("Short"), _("Over"), _("Shifts")]]
    for day in range(7):
        date = requirement.monday + dt.timedelta(days=day)
        part = [
            row for row in result.intervals if row.start.astimezone(requirement.zone).date() == date
        ]
        hours = requirement.minutes / 60
        rows.append(
            [
                f"{date.isoformat()} {date_format(date, 'D')}",
                _decimal(sum(row.required for row in part) * hours, 1),
                _decimal(sum(row.scheduled for row in part) * hours, 1),
                _decimal(sum(row.short for row in part) * hours, 2),
                _decimal(sum(row.over for row in part) * hours, 2),
                str(sum(1 for line in result.lines if day in line.days)),
            ]
        )
    lines += [_("Agent-hours per day:"), *_table(rows)]
    if by_agent and result.lines:
        header = [_("Agent"), _("Pattern")]
        header += [date_format(requirement.monday + dt.timedelta(days=d), "D") for d in range(7)]
        header.append(_("Paid hours"))
        agent_rows = [header]
        for line in result.lines:
            cells = ["-"] * 7
            for day, shift in zip(line.days, line.shifts, strict=True):
                cells[day] = f"{_clock(shift.starts_at)}-{_clock(shift.ends_at)}"
            agent_rows.append(
                [line.who, line.pattern.label(), *cells, _decimal(line.paid_hours, 1)]
            )
        lines += [_("Shifts per agent:"), *_table(agent_rows)]
    if short:
        lines.append(_("Short intervals:"))
        for row in short[:20]:
            local = row.start.astimezone(requirement.zone)
            lines.append(
                _("%(start)s: %(required)s required, %(scheduled)s on the floor")
                % {
                    "start": f"{local.date().isoformat()} {date_format(local, 'D')} "
                    f"{_clock(local)}",
                    "required": row.required,
                    "scheduled": _decimal(row.scheduled, 1),
                }
            )
        if len(short) > 20:
            lines.append(_("... and %(count)s more") % {"count": len(short) - 20})
    return lines


def shifts_csv(result: ScheduleResult, out: IO[str]) -> None:
    shifts_csv_write(result_shift_rows(result), out)


def coverage_csv(result: ScheduleResult, out: IO[str]) -> None:
    coverage_csv_write(result.intervals, out)


def result_json(result: ScheduleResult, saved: int | None) -> dict[str, Any]:
    return {
        "week_start": result.requirement.monday.isoformat(),
        "interval_minutes": result.requirement.minutes,
        "absence": result.absence,
        "agents": len(result.lines),
        "paid_hours": result.paid_hours,
        "required_hours": result.required_hours,
        "short_hours": result.short_hours,
        "over_hours": result.over_hours,
        "cost": result.objective,
        "lower_bound": result.lower_bound,
        "finished": result.optimal,
        "schedule_id": saved,
        "lines": [
            {
                "line": line.label,
                "agent": line.agent_name or None,
                "pattern": line.pattern.code,
                "paid_hours": line.paid_hours,
                "shifts": [
                    {
                        "day": shift.day.isoformat(),
                        "start": shift.starts_at.isoformat(),
                        "end": shift.ends_at.isoformat(),
                        "breaks": [
                            {
                                "start": placed.start.isoformat(),
                                "end": placed.end.isoformat(),
                                "paid": placed.paid,
                            }
                            for placed in shift.breaks
                        ],
                    }
                    for shift in line.shifts
                ],
            }
            for line in result.lines
        ],
        "intervals": [
            {
                "start": row.start.isoformat(),
                "required": row.required,
                "scheduled": row.scheduled,
                "short": row.short,
                "over": row.over,
            }
            for row in result.intervals
        ],
    }


class Command(BaseCommand):
    help = (
        "The week's shifts (weekly tours with breaks and lunch) that cover the staffing plan "
        "at least cost in paid hours, with the intervals left short or over."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--week", required=True, help="any day of the week, YYYY-MM-DD")
        plan_options_add(parser)
        parser.add_argument(
            "--requirements", type=Path, help="CSV of start,agents instead of the plan"
        )
        parser.add_argument("--patterns", type=Path, help="shift patterns YAML (the shipped)")
        parser.add_argument(
            "--absence",
            default=f"{DEFAULT_ABSENCE:.0%}",
            help="share of agents away beyond breaks (10%%)",
        )
        parser.add_argument("--max-agents", help="at most this many agents")
        parser.add_argument(
            "--time-limit", default=str(DEFAULT_TIME_LIMIT), help="seconds for the solver (20)"
        )
        parser.add_argument(
            "--assign-agents",
            action="store_true",
            help="hand the lines to routing's agents, by username",
        )
        parser.add_argument("--by-agent", action="store_true", help="a row per agent line")
        parser.add_argument("--csv", dest="csv_path", help="CSV of shifts to PATH (- for stdout)")
        parser.add_argument("--coverage-csv", help="CSV of the intervals to PATH (- for stdout)")
        saving = parser.add_mutually_exclusive_group()
        saving.add_argument("--save", action="store_true", help="store it as a draft")
        saving.add_argument("--publish", action="store_true", help="store and publish it")
        parser.add_argument("--json", action="store_true", dest="as_json", help="JSON out")
        parser.add_argument(
            "--no-progress", action="store_true", help="no progress bar, even on a terminal"
        )
        parser.add_argument(
            "--language",
            choices=[code for code, _name in settings.LANGUAGES],
            help="language of the table and of errors",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(options["language"] or settings.LANGUAGE_CODE):
            self._handle(options)

    def _handle(self, options: dict[str, Any]) -> None:
        try:
            day = dt.date.fromisoformat(options["week"])
        except ValueError:
            raise CommandError(
                _("--week: %(text)s is not a date (YYYY-MM-DD).") % {"text": options["week"]}
            ) from None
        from_plan = bool(options["queue"] or options["all"])
        if from_plan == (options["requirements"] is not None):
            raise CommandError(_("Give the queues (--queue or --all) or --requirements, not both."))
        for name in ("csv_path", "coverage_csv"):
            target = options[name]
            if target and target != "-" and not Path(target).parent.is_dir():
                raise CommandError(_("%(path)s: its folder does not exist.") % {"path": target})
        max_agents = options["max_agents"]
        progress = ProgressBars(hidden=options["no_progress"])

        try:
            absence = share_parse(options["absence"])
            time_limit = number_parse(options["time_limit"], "--time-limit")
            cap = None if max_agents is None else whole_parse(max_agents, "--max-agents")
            patterns = patterns_load(options["patterns"])
            requirement = self._requirement(options, day, progress)
            agents = schedulable_agents() if options["assign_agents"] else None
            result = schedule_make(
                requirement=requirement,
                patterns=patterns,
                absence=absence,
                max_agents=cap,
                time_limit=time_limit,
                agents=agents,
                progress=progress,
            )
        except ApplicationError as error:
            raise CommandError(error.message) from None
        finally:
            progress.close()
        self._write(options["csv_path"], result, shifts_csv)
        self._write(options["coverage_csv"], result, coverage_csv)
        saved = None
        if options["save"] or options["publish"]:
            schedule = schedule_save(result=result)
            if options["publish"]:
                schedule = schedule_publish(schedule=schedule)
            saved = schedule.pk
        to_stdout = "-" in (options["csv_path"], options["coverage_csv"])
        if options["as_json"]:
            self.stdout.write(json.dumps(result_json(result, saved), indent=2))
        elif not to_stdout:
            self.stdout.write("\n".join(summary_lines(result, by_agent=options["by_agent"])))
        if saved is not None:
            message = (
                _("Published as schedule %(id)s.")
                if options["publish"]
                else _("Saved as draft schedule %(id)s.")
            ) % {"id": saved}
            (self.stderr if options["as_json"] or to_stdout else self.stdout).write(message)

    def _requirement(
        self, options: dict[str, Any], day: dt.date, progress: Callable[[int], Callable[[], None]]
    ) -> Requirement:
        if options["requirements"] is None:
            return requirement_from_plan(plan_from_options(options, day, progress))
        path = options["requirements"]
        if not path.is_file():
            raise CommandError(_("%(path)s is not a file.") % {"path": path})
        minutes = options["interval_minutes"]
        return requirements_csv_read(
            path=path,
            monday=day - dt.timedelta(days=day.weekday()),
            minutes=30 if minutes is None else whole_parse(minutes, "--interval-minutes"),
            zone=ZoneInfo(settings.LIVE_HELP_TIME_ZONE),
        )

    def _write(
        self,
        target: str | None,
        result: ScheduleResult,
        writer: Callable[[ScheduleResult, IO[str]], None],
    ) -> None:
        if not target:
            return
        if target == "-":
            writer(result, cast(IO[str], self.stdout))
            return
        try:
            with Path(target).open("w", newline="", encoding="utf-8") as out:
                writer(result, out)
        except OSError as error:
            raise CommandError(
                _("%(path)s: cannot be written (%(reason)s).")
                % {"path": target, "reason": error.strerror}
            ) from None
