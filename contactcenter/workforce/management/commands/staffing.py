"""``contactcenter staffing``: the agents one interval needs for a service-level target.

    contactcenter staffing --contacts 100 --interval-minutes 30 --aht-seconds 180 \\
        --target-seconds 20 --service-level 80% [--patience-seconds 300] [--shrinkage 30%] \\
        [--max-occupancy 85%] [--concurrency 3] [--json] [--language es]

Erlang A when ``--patience-seconds`` is given, Erlang C otherwise. A table by default, one JSON
document with ``--json``; any figure out of range is an error and the exit status is 1.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from contactcenter.core.errors import ApplicationError
from contactcenter.workforce.erlang import Model
from contactcenter.workforce.staffing import StaffingAnswer, share_parse, staffing_solve


def _number(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise CommandError(_("%(text)s is not a number.") % {"text": text}) from None


def _whole(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise CommandError(_("%(text)s is not a whole number.") % {"text": text}) from None


def _decimal(value: float, places: int) -> str:
    """In the active language's way: 7.84 in English, 7,84 in Spanish."""
    return number_format(round(value, places), decimal_pos=places, use_l10n=True)


def _percent(value: float) -> str:
    return f"{_decimal(value * 100, 2)} %"


def table_lines(answer: StaffingAnswer) -> list[str]:
    """The answer as label and value lines, in the active language."""
    figures = answer.figures
    model = _("Erlang A") if figures.model == Model.ERLANG_A else _("Erlang C")
    rows: list[tuple[str, str]] = [
        (_("Model"), model),
        (_("Offered load"), _("%(load)s Erlangs") % {"load": _decimal(figures.load, 3)}),
        (_("Agents"), str(answer.agents)),
    ]
    if answer.concurrency > 1:
        rows.append(
            (
                _("Contacts at once per agent"),
                _("%(concurrency)s (%(servers)s places)")
                % {"concurrency": answer.concurrency, "servers": answer.servers},
            )
        )
    rows += [
        (
            _("Scheduled positions"),
            _("%(positions)s (shrinkage %(shrinkage)s)")
            % {"positions": answer.positions, "shrinkage": _percent(answer.shrinkage)},
        ),
        (
            _("Service level"),
            _("%(level)s within %(seconds)s s (target %(target)s)")
            % {
                "level": _percent(figures.service_level),
                "seconds": _decimal(figures.target_seconds, 0)
                if figures.target_seconds == int(figures.target_seconds)
                else _decimal(figures.target_seconds, 1),
                "target": _percent(answer.service_level_target),
            },
        ),
        (_("Probability of waiting"), _percent(figures.probability_of_waiting)),
        (_("Average speed of answer"), f"{_decimal(figures.average_wait_seconds, 2)} s"),
        (_("Occupancy"), _percent(figures.occupancy)),
    ]
    if figures.probability_of_abandoning is not None:
        rows.append((_("Probability of abandoning"), _percent(figures.probability_of_abandoning)))
    width = max(len(label) for label, _value in rows)
    return [f"{label.ljust(width)}  {value}" for label, value in rows]


class Command(BaseCommand):
    help = (
        "Agents, scheduled positions, service level, probability of waiting, ASA and occupancy "
        "for one interval (Erlang C, or Erlang A with --patience-seconds)."
    )
    # Pure arithmetic: it reads no setting the checks look at and touches no database.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--contacts", required=True, help="contacts offered in the interval")
        parser.add_argument("--interval-minutes", required=True, help="length of the interval")
        parser.add_argument("--aht-seconds", required=True, help="average handle time")
        parser.add_argument(
            "--target-seconds", required=True, help="answer-time threshold of the service level"
        )
        parser.add_argument(
            "--service-level", required=True, help="share to answer in time: 0.8 or 80%%"
        )
        parser.add_argument(
            "--patience-seconds", help="mean time callers wait before leaving (Erlang A)"
        )
        parser.add_argument("--shrinkage", default="0", help="share of paid time off the phones")
        parser.add_argument("--max-occupancy", help="occupancy cap, 0.85 or 85%%")
        parser.add_argument(
            "--concurrency", default="1", help="contacts an agent holds at once (chat)"
        )
        parser.add_argument("--json", action="store_true", dest="as_json", help="print JSON")
        parser.add_argument(
            "--language",
            choices=[code for code, _name in settings.LANGUAGES],
            help="language of the table and of errors",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(options["language"] or settings.LANGUAGE_CODE):
            answer = self._solve(options)
            if options["as_json"]:
                self.stdout.write(json.dumps(answer.as_dict(), indent=2))
            else:
                self.stdout.write("\n".join(table_lines(answer)))

    def _solve(self, options: dict[str, Any]) -> StaffingAnswer:
        try:
            patience = options["patience_seconds"]
            cap = options["max_occupancy"]
            return staffing_solve(
                contacts=_number(options["contacts"]),
                interval_minutes=_number(options["interval_minutes"]),
                aht_seconds=_number(options["aht_seconds"]),
                target_seconds=_number(options["target_seconds"]),
                service_level=share_parse(options["service_level"]),
                patience_seconds=None if patience is None else _number(patience),
                shrinkage=share_parse(options["shrinkage"]),
                max_occupancy=None if cap is None else share_parse(cap),
                concurrency=_whole(options["concurrency"]),
            )
        except ApplicationError as error:
            raise CommandError(error.message) from None
