"""``contactcenter staffing``: the agents one interval needs for a service-level target.

    contactcenter staffing --contacts 100 --interval-minutes 30 --aht-seconds 180 \\
        --target-seconds 20 --service-level 80% [--patience-seconds 300] [--shrinkage 30%] \\
        [--max-occupancy 85%] [--concurrency 3] [--json] [--language es] \\
        [--simulate [--handle-cv 0.5] [--replications 200] [--seed 1]]

Erlang A when ``--patience-seconds`` is given, Erlang C otherwise. A table by default, one JSON
document with ``--json``; any figure out of range is an error and the exit status is 1.
``--simulate`` adds the service level of a seeded simulation of the answer's staff (with
``--handle-cv``, lognormal handle times of that coefficient of variation) and its 95 %
half-width beside Erlang's.
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
from contactcenter.workforce.simulation import Shape, SimulatedFigures, staffing_compare
from contactcenter.workforce.staffing import StaffingAnswer, share_parse, staffing_solve

# Without --replications the simulation follows about this many contacts (counted and
# warm-up), between 20 and 1,000 runs: a half-width near a point in well under a second.
SIMULATED_CONTACTS = 400_000


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


def table_lines(answer: StaffingAnswer, simulated: SimulatedFigures | None = None) -> list[str]:
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
    if simulated is not None:
        rows.append(
            (
                _("Simulated service level"),
                _("%(level)s ± %(half_width)s points (Erlang %(erlang)s; %(runs)s runs)")
                % {
                    "level": _percent(simulated.service_level.mean),
                    "half_width": _decimal(simulated.service_level.half_width * 100, 2),
                    "erlang": _percent(figures.service_level),
                    "runs": simulated.replications,
                },
            )
        )
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
        parser.add_argument(
            "--simulate",
            action="store_true",
            help="also simulate the answer's staff and print that service level beside Erlang's",
        )
        parser.add_argument(
            "--handle-cv",
            help="simulate lognormal handle times of this coefficient of variation "
            "(exponential without it)",
        )
        parser.add_argument("--replications", help="simulated runs (default: by the volume)")
        parser.add_argument("--seed", default="1", help="the simulation's seed")
        parser.add_argument("--json", action="store_true", dest="as_json", help="print JSON")
        parser.add_argument(
            "--language",
            choices=[code for code, _name in settings.LANGUAGES],
            help="language of the table and of errors",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(options["language"] or settings.LANGUAGE_CODE):
            answer = self._solve(options)
            simulated = self._simulate(answer, options) if options["simulate"] else None
            if options["as_json"]:
                document = answer.as_dict()
                if simulated is not None:
                    document["simulated"] = _simulated_dict(simulated)
                self.stdout.write(json.dumps(document, indent=2))
            else:
                self.stdout.write("\n".join(table_lines(answer, simulated)))

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

    def _simulate(self, answer: StaffingAnswer, options: dict[str, Any]) -> SimulatedFigures:
        contacts = _number(options["contacts"])
        if options["replications"] is None:
            runs = round(SIMULATED_CONTACTS / max(1.0, 2 * contacts))
            replications = min(1000, max(20, runs))
        else:
            replications = _whole(options["replications"])
        cv = options["handle_cv"]
        try:
            return staffing_compare(
                contacts=contacts,
                interval_minutes=_number(options["interval_minutes"]),
                aht_seconds=_number(options["aht_seconds"]),
                target_seconds=_number(options["target_seconds"]),
                agents=answer.servers,
                patience_seconds=answer.patience_seconds,
                handle_shape=Shape.EXPONENTIAL if cv is None else Shape.LOGNORMAL,
                handle_cv=1.0 if cv is None else _number(cv),
                replications=replications,
                seed=_whole(options["seed"]),
            ).simulated
        except ApplicationError as error:
            raise CommandError(error.message) from None


def _simulated_dict(simulated: SimulatedFigures) -> dict[str, object]:
    def pair(name: str, estimate: Any) -> dict[str, float]:
        return {name: estimate.mean, f"{name}_half_width": estimate.half_width}

    return {
        **pair("service_level", simulated.service_level),
        **pair("probability_of_waiting", simulated.probability_of_waiting),
        **pair("probability_of_abandoning", simulated.probability_of_abandoning),
        **pair("asa_seconds", simulated.average_wait_seconds),
        **pair("occupancy", simulated.occupancy),
        "replications": simulated.replications,
        "contacts": simulated.contacts,
    }
