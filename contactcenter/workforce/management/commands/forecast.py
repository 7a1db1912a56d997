"""``contactcenter forecast``: offered contacts per interval for the weeks ahead, per queue.

    contactcenter forecast --queue CODE|--all --from DATE --weeks N \\
        [--method auto|seasonal_naive|weighted|profile|holt_winters] [--history-csv PATH] \\
        [--backtest-weeks K] [--interval-minutes 15|30] [--csv] [--language es]

A table by default (each method's back-test figures, the method used, the mean patience and
the forecast per day), or one CSV row per interval, queue, channel and language with
``--csv``. History is the interval facts unless a file is given. Bad input: one clear line on
standard error, exit status 1. Reads only.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from contactcenter.core.errors import ApplicationError
from contactcenter.workforce.forecast import ForecastRun, Method, QueueForecast, forecasts_make
from contactcenter.workforce.management.options import (
    ProgressBars,
    history_output_options_add,
)

_METHOD_NAMES = {
    Method.SEASONAL_NAIVE: "seasonal_naive",
    Method.WEIGHTED: "weighted",
    Method.PROFILE: "profile",
    Method.HOLT_WINTERS: "holt_winters",
}


def _whole(text: str, option: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise CommandError(
            _("%(option)s: %(text)s is not a whole number.") % {"option": option, "text": text}
        ) from None


def _decimal(value: float, places: int) -> str:
    return number_format(round(value, places), decimal_pos=places, use_l10n=True)


def _percent(value: float | None, *, signed: bool = False) -> str:
    if value is None:
        return "-"
    text = f"{_decimal(value * 100, 1)} %"
    return f"+{text}" if signed and value > 0 else text


def _method_label(method: Method) -> str:
    return {
        Method.SEASONAL_NAIVE: _("seasonal naive"),
        Method.WEIGHTED: _("weighted index"),
        Method.PROFILE: _("daily total × profile"),
        Method.HOLT_WINTERS: _("Holt-Winters"),
    }[method]


def _columns(rows: list[list[str]]) -> list[str]:
    widths = [max(len(row[index]) for row in rows) for index in range(len(rows[0]))]
    return [
        "  ".join(
            cell.ljust(widths[index]) if index == 0 else cell.rjust(widths[index])
            for index, cell in enumerate(row)
        ).rstrip()
        for row in rows
    ]


def queue_lines(answer: QueueForecast, patience: float | None) -> list[str]:
    """One queue's back-test, choice, patience and forecast per day, in the active language."""
    lines = [_("Queue %(queue)s") % {"queue": answer.queue}]
    if answer.backtest:
        naive = next((row for row in answer.backtest if row.method == Method.SEASONAL_NAIVE), None)
        rows = [[_("Back-test"), _("WAPE interval"), _("WAPE day"), _("Bias"), _("vs naive")]]
        for figures in answer.backtest:
            relative = "-"
            if naive and naive.interval_wape and figures.interval_wape is not None:
                relative = _percent(figures.interval_wape / naive.interval_wape - 1, signed=True)
            rows.append(
                [
                    _method_label(figures.method),
                    _percent(figures.interval_wape),
                    _percent(figures.day_wape),
                    _percent(figures.bias, signed=True),
                    relative,
                ]
            )
        lines += [
            _("Back-test over %(weeks)s weeks (one week ahead from each origin):")
            % {"weeks": answer.backtest_weeks},
            *_columns(rows),
        ]
    else:
        lines.append(_("No back-test: less than two weeks of history before the first origin."))
    for method in answer.skipped:
        lines.append(
            _("%(method)s skipped: it needs two full weeks of history before each origin.")
            % {"method": _method_label(method)}
        )
    if answer.reason == "auto":
        best = next(row for row in answer.backtest if row.method == answer.method)
        lines.append(
            _("Method: %(method)s (lowest interval WAPE, %(wape)s)")
            % {"method": _method_label(answer.method), "wape": _percent(best.interval_wape)}
        )
    elif answer.reason == "auto_without_backtest":
        lines.append(
            _("Method: %(method)s (no back-test to choose by)")
            % {"method": _method_label(answer.method)}
        )
    else:
        lines.append(_("Method: %(method)s (as asked)") % {"method": _method_label(answer.method)})
    if patience is None:
        lines.append(
            _("Mean patience: not estimated (fewer than 30 abandons, or history from a file)")
        )
    else:
        lines.append(_("Mean patience: %(seconds)s s") % {"seconds": _decimal(patience, 1)})
    days = sorted({day for _key, day in answer.forecast})
    header = [_("Day"), *(f"{channel} {language}".strip() for _q, channel, language in answer.keys)]
    header.append(_("Total"))
    rows = [header]
    for day in days:
        totals = [sum(answer.forecast[(key, day)]) for key in answer.keys]
        rows.append(
            [
                f"{day.isoformat()} {_weekday(day)}",
                *(_decimal(total, 0) for total in totals),
                _decimal(sum(totals), 0),
            ]
        )
    lines += _columns(rows)
    return lines


def _weekday(day: dt.date) -> str:
    return [_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun")][day.weekday()]


class Command(BaseCommand):
    help = (
        "Forecast offered contacts per queue, channel, language and interval for the weeks "
        "ahead, with each method's back-test (WAPE per day and interval, bias)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--queue", action="append", help="queue code (repeatable)")
        which.add_argument("--all", action="store_true", help="every queue with history")
        parser.add_argument("--from", dest="first_day", required=True, help="first day, YYYY-MM-DD")
        parser.add_argument("--weeks", required=True, help="weeks to forecast")
        parser.add_argument(
            "--method", default="auto", help="auto, " + ", ".join(_METHOD_NAMES.values())
        )
        parser.add_argument("--history-csv", type=Path, help="history file instead of the facts")
        history_output_options_add(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(options["language"] or settings.LANGUAGE_CODE):
            run = self._run(options)
            if options["as_csv"]:
                self._csv(run)
            else:
                blocks = [
                    "\n".join(queue_lines(answer, run.patience.get(answer.queue)))
                    for answer in run.queues
                ]
                self.stdout.write("\n\n".join(blocks))

    def _run(self, options: dict[str, Any]) -> ForecastRun:
        try:
            first_day = dt.date.fromisoformat(options["first_day"])
        except ValueError:
            raise CommandError(
                _("--from: %(text)s is not a date (YYYY-MM-DD).") % {"text": options["first_day"]}
            ) from None
        method_text = options["method"]
        if method_text != "auto" and method_text not in _METHOD_NAMES.values():
            raise CommandError(
                _("--method: %(text)s is not one of auto, %(methods)s.")
                % {"text": method_text, "methods": ", ".join(_METHOD_NAMES.values())}
            )
        method = None if method_text == "auto" else Method(method_text)
        path = options["history_csv"]
        if path is not None and not path.is_file():
            raise CommandError(_("%(path)s is not a file.") % {"path": path})
        minutes_text = options["interval_minutes"]
        progress = ProgressBars(hidden=options["no_progress"])

        try:
            return forecasts_make(
                queue_codes=None if options["all"] else options["queue"],
                first_day=first_day,
                weeks=_whole(options["weeks"], "--weeks"),
                method=method,
                history_csv=path,
                backtest_weeks=_whole(options["backtest_weeks"], "--backtest-weeks"),
                minutes=None
                if minutes_text is None
                else _whole(minutes_text, "--interval-minutes"),
                progress=progress,
            )
        except ApplicationError as error:
            raise CommandError(error.message) from None
        finally:
            progress.close()

    def _csv(self, run: ForecastRun) -> None:
        writer = csv.writer(self.stdout, lineterminator="\n")
        writer.writerow(["interval_start", "queue", "channel", "language", "method", "contacts"])
        zone = run.calendar_zone
        for answer in run.queues:
            for (key, day), values in sorted(answer.forecast.items()):
                for slot, value in enumerate(values):
                    minutes = slot * run.minutes
                    start = dt.datetime.combine(day, dt.time(minutes // 60, minutes % 60), zone)
                    writer.writerow([start.isoformat(), *key, answer.method.value, f"{value:.2f}"])
