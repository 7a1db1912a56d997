"""``contactcenter plan``: the agents and positions each interval of a week needs, per queue.

    contactcenter plan --week YYYY-MM-DD (--queue CODE ... | --all) \\
        [--method auto|seasonal_naive|weighted|profile|holt_winters] [--history-csv PATH] \\
        [--aht-seconds S] [--target 80%] [--threshold 20] [--shrinkage 30%] \\
        [--max-occupancy 85%] [--interval-minutes 15|30] [--csv] [--language es] \\
        [--skill-groups FILE|agents]

A table per queue and day by default (busiest interval's agents, agent-hours, positions), or
one CSV row per interval, queue and channel with ``--csv``. With ``--skill-groups`` (a YAML or
CSV file of skill groups, or ``agents`` for the groups of the active agents' own skills, their
headcounts as limits) a multi-skill section follows the tables: per day the single-skill and
the multi-skill agents of the day (each group's, each agent counted once all day), the saving,
agent-hours and shortfall; with ``--csv`` the CSV is then one row per interval and skill group
instead (the group's agents that day, and those at work in the interval). Bad input: one
clear line on standard error, exit status 1. Reads only.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from contactcenter.core.errors import ApplicationError
from contactcenter.workforce.erlang import Model
from contactcenter.workforce.forecast import Method
from contactcenter.workforce.management.options import (
    ProgressBars,
    history_output_options_add,
    plan_from_options,
)
from contactcenter.workforce.multiskill import (
    MultiSkillRun,
    SkillGroup,
    multiskill_size,
    plan_requirements,
    skill_groups_from_sets,
    skill_groups_read,
)
from contactcenter.workforce.plan import DEFAULT_SHRINKAGE, PlanRun, QueuePlan
from contactcenter.workforce.selectors import agent_skill_sets

_METHODS = [method.value for method in Method]


def _decimal(value: float, places: int) -> str:
    return number_format(round(value, places), decimal_pos=places, use_l10n=True)


def _model_label(model: Model) -> str:
    return _("Erlang A") if model == Model.ERLANG_A else _("Erlang C")


def queue_lines(run: PlanRun, plan: QueuePlan) -> list[str]:
    """One queue's figures and its days, in the active language."""
    if plan.patience_seconds is None:
        model = _("%(model)s (no mean patience for the queue)") % {
            "model": _model_label(plan.model)
        }
    else:
        model = _("%(model)s (mean patience %(seconds)s s)") % {
            "model": _model_label(plan.model),
            "seconds": _decimal(plan.patience_seconds, 1),
        }
    channels = ", ".join(
        _("%(channel)s: %(aht)s s handle time, %(concurrency)s at once")
        % {
            "channel": channel,
            "aht": _decimal(plan.aht_seconds[channel], 1),
            "concurrency": plan.concurrency[channel],
        }
        for channel in plan.aht_seconds
    )
    lines = [
        _("Queue %(queue)s, week of %(monday)s")
        % {"queue": plan.queue, "monday": run.monday.isoformat()},
        _("Model: %(model)s; forecast: %(method)s") % {"model": model, "method": plan.method.value},
        _("Target: %(target)s %% within %(seconds)s s; shrinkage %(shrinkage)s %%")
        % {
            "target": _decimal(plan.service_level_target * 100, 1),
            "seconds": _decimal(plan.threshold_seconds, 0),
            "shrinkage": _decimal(run.shrinkage * 100, 1),
        },
        _("Channels (sized apart, agents added): %(channels)s") % {"channels": channels},
    ]
    rows = [[_("Day"), _("Peak agents"), _("Agent-hours"), _("Peak positions")]]
    for day in run.days(plan):
        rows.append(
            [
                f"{day.day.isoformat()} {date_format(day.day, 'D')}",
                str(day.peak_agents),
                _decimal(day.agent_hours, 1),
                str(day.peak_positions),
            ]
        )
    return lines + _table(rows)


def _table(rows: list[list[str]]) -> list[str]:
    widths = [max(len(row[index]) for row in rows) for index in range(len(rows[0]))]
    return [
        "  ".join(
            cell.ljust(widths[index]) if index == 0 else cell.rjust(widths[index])
            for index, cell in enumerate(row)
        ).rstrip()
        for row in rows
    ]


def _group_text(group: SkillGroup) -> str:
    limit = _("no limit") if group.limit is None else _("at most %(n)s") % {"n": group.limit}
    return _("%(name)s (%(queues)s; cost %(cost)s; %(limit)s)") % {
        "name": group.name,
        "queues": ", ".join(sorted(group.queues)),
        "cost": _decimal(group.cost, 2),
        "limit": limit,
    }


def multiskill_lines(run: PlanRun, sizing: MultiSkillRun) -> list[str]:
    """The multi-skill section: the groups, then per day the peaks, agent-hours and shortfall."""
    lines = [
        _("Multi-skill sizing, week of %(monday)s") % {"monday": run.monday.isoformat()},
        _("Skill groups: %(groups)s")
        % {"groups": "; ".join(_group_text(group) for group in sizing.groups)},
        _(
            "Per day: single-skill, each queue's busiest interval added up; multi-skill, the "
            "fewest agents of the groups covering every interval, each counted once all day "
            "and on one queue at a time; peak interval, all queues' busiest interval together."
        ),
        _(
            "The queues' Erlang figures are their own, so pooling's economy of scale is not "
            "counted; agents are taken as present all day (no shifts yet)."
        ),
    ]
    if sizing.unserved:
        lines.append(
            _("No skill group serves %(queues)s: its agents are all counted as shortfall.")
            % {"queues": ", ".join(sizing.unserved)}
        )
    rows = [
        [
            _("Day"),
            _("Single-skill"),
            _("Multi-skill"),
            _("Saving"),
            _("Peak interval"),
            _("Agent-hours"),
            _("Shortfall"),
            *(group.name for group in sizing.groups),
        ]
    ]
    for day in sizing.days(monday=run.monday, zone=run.zone, minutes=run.minutes):
        rows.append(
            [
                f"{day.day.isoformat()} {date_format(day.day, 'D')}",
                str(day.single_skill),
                str(day.multi_skill),
                str(day.saving),
                str(day.pooled_peak),
                _decimal(day.agent_hours, 1),
                str(day.shortfall),
                *(str(day.staff[group.name]) for group in sizing.groups),
            ]
        )
    return lines + _table(rows)


class Command(BaseCommand):
    help = (
        "Agents and scheduled positions per interval of a week, per queue, from the forecast, "
        "the queue's handle time and its service-level target (Erlang A or C)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--queue", action="append", help="queue code (repeatable)")
        which.add_argument("--all", action="store_true", help="every queue with history")
        parser.add_argument("--week", required=True, help="any day of the week, YYYY-MM-DD")
        parser.add_argument("--method", default="auto", help="auto, " + ", ".join(_METHODS))
        parser.add_argument("--history-csv", type=Path, help="history file instead of the facts")
        parser.add_argument("--aht-seconds", help="handle time for every queue and channel")
        parser.add_argument("--target", help="service-level target, 0.8 or 80%% (the queue's)")
        parser.add_argument("--threshold", help="answer-time threshold in seconds (the queue's)")
        parser.add_argument(
            "--shrinkage",
            default=f"{DEFAULT_SHRINKAGE:.0%}",
            help="share of paid time off the phones (30%%)",
        )
        parser.add_argument("--max-occupancy", help="occupancy cap, 0.85 or 85%%")
        parser.add_argument(
            "--skill-groups",
            help="YAML or CSV file of skill groups, or 'agents' for the active agents' own",
        )
        history_output_options_add(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(options["language"] or settings.LANGUAGE_CODE):
            source = options["skill_groups"]
            groups = None
            if source is not None and source != "agents":
                try:
                    groups = skill_groups_read(Path(source))
                except ApplicationError as error:
                    raise CommandError(error.message) from None
            run = self._run(options)
            sizing = None
            if source is not None:
                sizing = self._multiskill(run, groups)
            if options["as_csv"]:
                if sizing is None:
                    self._csv(run)
                else:
                    self._multiskill_csv(sizing, run.zone)
                return
            sections = ["\n".join(queue_lines(run, plan)) for plan in run.queues]
            if sizing is not None:
                sections.append("\n".join(multiskill_lines(run, sizing)))
            self.stdout.write("\n\n".join(sections))

    def _multiskill(self, run: PlanRun, groups: list[SkillGroup] | None) -> MultiSkillRun:
        codes = [plan.queue for plan in run.queues]
        try:
            if groups is None:
                groups = skill_groups_from_sets(agent_skill_sets(queue_codes=codes))
            return multiskill_size(
                requirements=plan_requirements(
                    {plan.queue: plan.agents_by_start() for plan in run.queues}
                ),
                groups=groups,
                queues=codes,
                zone=run.zone,
            )
        except ApplicationError as error:
            raise CommandError(error.message) from None

    def _multiskill_csv(self, sizing: MultiSkillRun, zone: ZoneInfo) -> None:
        writer = csv.writer(self.stdout, lineterminator="\n")
        writer.writerow(
            [
                "interval_start",
                "skill_group",
                "queues",
                "cost",
                "limit",
                "day_agents",
                "agents",
                "allocation",
                "single_skill_agents",
                "pooled_agents",
                "shortfall",
            ]
        )
        for row in sizing.intervals:
            day_staff = sizing.day_staff[row.start.astimezone(zone).date()][0]
            for group in sizing.groups:
                writer.writerow(
                    [
                        row.start.isoformat(),
                        group.name,
                        ";".join(sorted(group.queues)),
                        f"{group.cost:g}",
                        "" if group.limit is None else group.limit,
                        day_staff[group.name],
                        row.sizing.agents[group.name],
                        ";".join(
                            f"{queue}:{count}"
                            for (name, queue), count in sorted(row.sizing.allocation.items())
                            if name == group.name
                        ),
                        row.single_skill,
                        row.pooled,
                        row.shortfall,
                    ]
                )

    def _run(self, options: dict[str, Any]) -> PlanRun:
        try:
            day = dt.date.fromisoformat(options["week"])
        except ValueError:
            raise CommandError(
                _("--week: %(text)s is not a date (YYYY-MM-DD).") % {"text": options["week"]}
            ) from None
        progress = ProgressBars(hidden=options["no_progress"])
        try:
            return plan_from_options(options, day, progress)
        except ApplicationError as error:
            raise CommandError(error.message) from None
        finally:
            progress.close()

    def _csv(self, run: PlanRun) -> None:
        writer = csv.writer(self.stdout, lineterminator="\n")
        writer.writerow(
            [
                "interval_start",
                "queue",
                "channel",
                "contacts",
                "aht_seconds",
                "model",
                "agents",
                "positions",
                "service_level",
            ]
        )
        for plan in run.queues:
            for row in plan.intervals:
                writer.writerow(
                    [
                        row.start.isoformat(),
                        row.queue,
                        row.channel,
                        f"{row.contacts:.2f}",
                        f"{row.aht_seconds:.1f}",
                        row.model.value,
                        row.agents,
                        row.positions,
                        f"{row.service_level:.4f}",
                    ]
                )
