"""The ``contactcenter`` console script: Django's management commands under one name.

Commands may be typed with dashes (``contactcenter import-cases``) as well as with the
underscores Python module names need (``import_cases``).
"""

import os
import sys


def command_line(argv: list[str]) -> list[str]:
    args = list(argv)
    if args and not args[0].startswith("-"):
        args[0] = args[0].replace("-", "_")
    return ["contactcenter", *args]


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "contactcenter.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(command_line(sys.argv[1:]))


if __name__ == "__main__":
    main()
