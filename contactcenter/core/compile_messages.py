"""Compile a gettext catalogue (.po) to its binary form (.mo) with polib.

Django's ``compilemessages`` needs the system's ``msgfmt``; this keeps ``make`` free of
anything a fresh machine might lack.
"""

import sys
from pathlib import Path

import polib


def main(paths: list[str]) -> int:
    for raw in paths:
        path = Path(raw)
        catalogue = polib.pofile(str(path))
        catalogue.save_as_mofile(str(path.with_suffix(".mo")))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
