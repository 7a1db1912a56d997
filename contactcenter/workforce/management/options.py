"""Options the workforce commands that read history share (``forecast``, ``plan``)."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import CommandParser


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
