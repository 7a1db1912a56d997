"""The ``contactcenter`` console script: Django's management commands under one name.

Commands are typed and listed with dashes (``contactcenter import-cases``), as the README
spells them; the underscores Python module names need (``import_cases``) work too.
"""

import os
import re
import sys

# A command's name on a line of its own in Django's list of commands (indented or not).
_LISTED = re.compile(r"(?m)^( *)([a-z][a-z0-9]*(?:_[a-z0-9]+)+)$")


def command_line(argv: list[str]) -> list[str]:
    """The arguments as typed, behind the script's name (dashes stay: see ``Utility``)."""
    return ["contactcenter", *argv]


def dashed(text: str) -> str:
    return _LISTED.sub(lambda m: m.group(1) + m.group(2).replace("_", "-"), text)


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "contactcenter.settings")
    from django.core.management import ManagementUtility

    class Utility(ManagementUtility):
        """Django's, finding ``import-cases`` as ``import_cases`` and listing names with
        dashes; a command's own help then says ``usage: contactcenter import-cases``."""

        def fetch_command(self, subcommand: str):
            return super().fetch_command(subcommand.replace("-", "_"))

        def main_help_text(self, commands_only: bool = False) -> str:
            return dashed(super().main_help_text(commands_only))

    Utility(command_line(sys.argv[1:])).execute()


if __name__ == "__main__":
    main()
