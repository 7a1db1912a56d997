"""``contactcenter hours``: the opening hours per weekday that serve the most contacts.

    contactcenter hours --week YYYY-MM-DD (--queue CODE ... | --all) [--budget-hours H] \\
        [--days mon,tue,wed,thu,fri] [--earliest 06:00] [--latest 22:00] [--step 60] \\
        [--shortest-hours 4] [the plan command's options] [--json | --csv] [--language es]

Plans the week (as ``contactcenter plan`` does), estimates the contacts while live help is
closed, and prints today's hours beside the recommended ones per weekday, the totals, and what
one step more or less at either end of each day would change. Reads only: a supervisor approves
hours on the planning page.
"""

from __future__ import annotations

import csv
import json
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError, CommandParser
from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from contactcenter.core.errors import ApplicationError
from contactcenter.workforce.hours import Change, HoursAdvice, Stretch, hours_advice_make
from contactcenter.workforce.management.commands.plan import Command as PlanCommand
from contactcenter.workforce.management.options import number_parse, whole_parse

DAY_CODES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _decimal(value: float, places: int = 1) -> str:
    return number_format(round(value, places), decimal_pos=places, use_l10n=True)


def weekday_name(weekday: int) -> str:
    return (
        _("Monday"),
        _("Tuesday"),
        _("Wednesday"),
        _("Thursday"),
        _("Friday"),
        _("Saturday"),
        _("Sunday"),
    )[weekday]


def stretch_text(stretch: Stretch | None) -> str:
    if stretch is None:
        return _("closed")
    return f"{stretch.opens:%H:%M}–{stretch.closes:%H:%M}"


def change_text(change: Change) -> str:
    return {
        "open_earlier": _("open a step earlier"),
        "close_later": _("close a step later"),
        "open_later": _("open a step later"),
        "close_earlier": _("close a step earlier"),
        "open_day": _("open the day"),
    }[change.what]


def advice_lines(advice: HoursAdvice) -> list[str]:
    rows = [
        [_("Day"), _("Today"), _("Recommended"), _("Contacts"), _("Position-hours")],
    ]
    for weekday in range(7):
        stretch = advice.days[weekday]
        rows.append(
            [
                weekday_name(weekday),
                stretch_text(advice.current[weekday]),
                stretch_text(stretch),
                _decimal(stretch.contacts if stretch else 0.0),
                _decimal(stretch.position_hours if stretch else 0.0),
            ]
        )
    widths = [max(len(row[index]) for row in rows) for index in range(len(rows[0]))]
    lines = [
        _(
            "Budget: %(budget)s position-hours on the days planned. Recommended: %(contacts)s "
            "contacts served at target for %(hours)s position-hours; today's hours: "
            "%(current_contacts)s for %(current_hours)s."
        )
        % {
            "budget": _decimal(advice.budget_hours),
            "contacts": _decimal(advice.contacts),
            "hours": _decimal(advice.position_hours),
            "current_contacts": _decimal(advice.current_contacts),
            "current_hours": _decimal(advice.current_position_hours),
        },
        "",
    ]
    lines += [
        "  ".join(
            cell.ljust(widths[index]) if index < 3 else cell.rjust(widths[index])
            for index, cell in enumerate(row)
        ).rstrip()
        for row in rows
    ]
    if advice.changes:
        lines += [
            "",
            _("One step more or less (%(step)s minutes):") % {"step": advice.step_minutes},
        ]
        for change in advice.changes:
            lines.append(
                _("  %(day)s: %(what)s (%(hours)s): %(contacts)s contacts, %(cost)s position-hours")
                % {
                    "day": weekday_name(change.weekday),
                    "what": change_text(change),
                    "hours": f"{change.opens:%H:%M}–{change.closes:%H:%M}",
                    "contacts": f"{'+' if change.contacts >= 0 else ''}{_decimal(change.contacts)}",
                    "cost": (
                        f"{'+' if change.position_hours >= 0 else ''}"
                        f"{_decimal(change.position_hours)}"
                    ),
                }
            )
    return lines


def advice_json(advice: HoursAdvice) -> dict[str, object]:
    def stretch(value: Stretch | None) -> dict[str, object] | None:
        if value is None:
            return None
        return {
            "opens": f"{value.opens:%H:%M}",
            "closes": f"{value.closes:%H:%M}",
            "contacts": round(value.contacts, 2),
            "position_hours": round(value.position_hours, 2),
        }

    return {
        **advice.figures(),
        "step_minutes": advice.step_minutes,
        "days": [
            {
                "weekday": weekday,
                "today": stretch(advice.current[weekday]),
                "recommended": stretch(advice.days[weekday]),
            }
            for weekday in range(7)
        ],
        "changes": [
            {
                "weekday": change.weekday,
                "change": change.what,
                "opens": f"{change.opens:%H:%M}",
                "closes": f"{change.closes:%H:%M}",
                "contacts": round(change.contacts, 2),
                "position_hours": round(change.position_hours, 2),
            }
            for change in advice.changes
        ],
    }


class Command(PlanCommand):
    help = (
        "Recommended hours of live help per weekday: the opening hours that serve the most "
        "forecast contacts at the service-level target within a budget of paid hours."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("--budget-hours", help="paid position-hours a week (today's cost)")
        parser.add_argument(
            "--days", default="mon,tue,wed,thu,fri", help="weekdays to plan (mon,...,sun)"
        )
        parser.add_argument("--earliest", default="06:00", help="earliest opening (06:00)")
        parser.add_argument("--latest", default="22:00", help="latest closing (22:00)")
        parser.add_argument("--step", default="60", help="minutes between choices (60)")
        parser.add_argument("--shortest-hours", default="4", help="shortest opening (4 hours)")
        parser.add_argument("--json", action="store_true", dest="as_json", help="JSON out")

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(options["language"] or settings.LANGUAGE_CODE):
            if options.get("skill_groups"):
                # The plan's option, inherited: the hours are sized per queue, not by group.
                raise CommandError(_("--skill-groups is the plan command's; hours do not use it."))
            codes = [code.strip().lower() for code in options["days"].split(",") if code.strip()]
            unknown = [code for code in codes if code not in DAY_CODES]
            if unknown or not codes:
                raise CommandError(
                    _("--days: %(text)s is not a list of mon, tue, wed, thu, fri, sat, sun.")
                    % {"text": options["days"]}
                )
            budget_text = options["budget_hours"]
            budget = None if budget_text is None else number_parse(budget_text, "--budget-hours")
            run = self._run(options)
            try:
                advice = hours_advice_make(
                    run,
                    budget_hours=budget,
                    earliest=options["earliest"],
                    latest=options["latest"],
                    weekdays=[DAY_CODES.index(code) for code in codes],
                    step_minutes=whole_parse(options["step"], "--step"),
                    shortest_hours=number_parse(options["shortest_hours"], "--shortest-hours"),
                )
            except ApplicationError as error:
                raise CommandError(error.message) from None
            if options["as_json"]:
                self.stdout.write(json.dumps(advice_json(advice), indent=2))
            elif options["as_csv"]:
                self._days_csv(advice)
            else:
                self.stdout.write("\n".join(advice_lines(advice)))

    def _days_csv(self, advice: HoursAdvice) -> None:
        writer = csv.writer(self.stdout, lineterminator="\n")
        writer.writerow(
            [
                "weekday",
                "today_opens",
                "today_closes",
                "opens",
                "closes",
                "contacts",
                "position_hours",
            ]
        )
        for weekday in range(7):
            today, stretch = advice.current[weekday], advice.days[weekday]
            writer.writerow(
                [
                    DAY_CODES[weekday],
                    f"{today.opens:%H:%M}" if today else "",
                    f"{today.closes:%H:%M}" if today else "",
                    f"{stretch.opens:%H:%M}" if stretch else "",
                    f"{stretch.closes:%H:%M}" if stretch else "",
                    f"{stretch.contacts:.2f}" if stretch else "0.00",
                    f"{stretch.position_hours:.2f}" if stretch else "0.00",
                ]
            )
