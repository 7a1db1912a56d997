"""Options the workforce commands that read history share (``forecast``, ``plan``,
``schedule``)."""

from __future__ import annotations

import datetime as dt
import math
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _
from tqdm import tqdm

from contactcenter.workforce.forecast import Method
from contactcenter.workforce.plan import DEFAULT_SHRINKAGE, PlanRun, plan_make
from contactcenter.workforce.staffing import share_parse


def history_output_options_add(parser: CommandParser) -> None:
    """The back-test, the interval, CSV or table, the progress bar and the language."""
    parser.add_argument("--backtest-weeks", default="4", help="weeks of back-test (4)")
    parser.add_argument("--interval-minutes", help="15 or 30 (the facts' own by default)")
    parser.add_argument("--csv", action="store_true", dest="as_csv", help="CSV per interval")
    parser.add_argument(
        "--no-progress", action="store_true", help="no progress bar, even on a terminal"
    )
    parser.add_argument(
        "--language",
        choices=[code for code, _name in settings.LANGUAGES],
        help="language of the table and of errors",
    )


def plan_options_add(parser: CommandParser) -> None:
    """The options that make a staffing plan (as the ``plan`` command takes them), for a
    command that builds on the plan; the queues are optional here, so the command can offer
    another source of the requirement beside them."""
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--queue", action="append", help="queue code (repeatable)")
    which.add_argument("--all", action="store_true", help="every queue with history")
    parser.add_argument("--method", default="auto", help="auto or a forecast method")
    parser.add_argument("--history-csv", type=Path, help="history file instead of the facts")
    parser.add_argument("--aht-seconds", help="handle time for every queue and channel")
    parser.add_argument("--target", help="service-level target, 0.8 or 80%% (the queue's)")
    parser.add_argument("--threshold", help="answer-time threshold in seconds (the queue's)")
    parser.add_argument(
        "--shrinkage", default=f"{DEFAULT_SHRINKAGE:.0%}", help="share of paid time off (30%%)"
    )
    parser.add_argument("--max-occupancy", help="occupancy cap, 0.85 or 85%%")
    parser.add_argument("--backtest-weeks", default="4", help="weeks of back-test (4)")
    parser.add_argument("--interval-minutes", help="15 or 30 (the facts' own by default)")


class ProgressBars:
    """``progress(total)`` for the workforce services: a tqdm bar on standard error per piece
    of long work (shown on a terminal, kept out of pipes and captured output, none with
    ``--no-progress``), all closed by ``close()``."""

    def __init__(self, *, hidden: bool) -> None:
        self.hidden = hidden
        self.bars: list[tqdm[Any]] = []

    def __call__(self, total: int) -> Callable[[], None]:
        bar: tqdm[Any] = tqdm(
            total=total,
            unit=" steps",
            file=sys.stderr,
            disable=True if self.hidden else None,
            dynamic_ncols=True,
        )
        self.bars.append(bar)

        def step() -> None:
            bar.update(1)

        return step

    def close(self) -> None:
        for bar in self.bars:
            bar.close()


def number_parse(text: str, option: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise CommandError(
            _("%(option)s: %(text)s is not a number.") % {"option": option, "text": text}
        )
    return value


def whole_parse(text: str, option: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise CommandError(
            _("%(option)s: %(text)s is not a whole number.") % {"option": option, "text": text}
        ) from None


def plan_from_options(
    options: dict[str, Any], day: dt.date, progress: Callable[[int], Callable[[], None]]
) -> PlanRun:
    """The plan the options describe (``plan_options_add``). Raises ``CommandError`` for an
    option that does not parse and lets the plan's own ``ApplicationError`` through."""
    methods = [method.value for method in Method]
    method_text = options["method"]
    if method_text != "auto" and method_text not in methods:
        raise CommandError(
            _("--method: %(text)s is not one of auto, %(methods)s.")
            % {"text": method_text, "methods": ", ".join(methods)}
        )
    path = options["history_csv"]
    if path is not None and not path.is_file():
        raise CommandError(_("%(path)s is not a file.") % {"path": path})

    def optional(name: str, parse: Callable[[str], Any]) -> Any:
        text = options[name]
        return None if text is None else parse(text)

    return plan_make(
        queue_codes=None if options["all"] else options["queue"],
        day=day,
        method=None if method_text == "auto" else Method(method_text),
        history_csv=path,
        aht_seconds=optional("aht_seconds", lambda t: number_parse(t, "--aht-seconds")),
        service_level=optional("target", share_parse),
        threshold_seconds=optional("threshold", lambda t: number_parse(t, "--threshold")),
        shrinkage=share_parse(options["shrinkage"]),
        max_occupancy=optional("max_occupancy", share_parse),
        backtest_weeks=whole_parse(options["backtest_weeks"], "--backtest-weeks"),
        minutes=optional("interval_minutes", lambda t: whole_parse(t, "--interval-minutes")),
        progress=progress,
    )
