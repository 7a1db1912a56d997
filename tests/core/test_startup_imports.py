"""Starting Django (every command, cron job and worker) does not import the heavy libraries
that only some requests use: the search index's bm25s with numpy and scipy, the PDF writer
and the imaging and OCR libraries. Each is imported by the code that needs it (the assistant's
and the mail room's own tests use them)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

HEAVY = ("bm25s", "numpy", "scipy", "fpdf", "pypdfium2", "zxingcpp", "pytesseract")

SCRIPT = """
import json, os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "contactcenter.settings")
import django
django.setup()
print(json.dumps(sorted(name for name in sys.argv[1:] if name in sys.modules)))
"""


def test_django_starts_without_the_heavy_libraries():
    env = {**os.environ, "DEBUG": "true"}
    env.pop("DATABASE_URL", None)
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, *HEAVY],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=True,
    )
    assert json.loads(done.stdout.strip().splitlines()[-1]) == []


ASGI_SCRIPT = """
import gc, json, os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "contactcenter.settings")
import contactcenter.asgi
print(json.dumps({"frozen": gc.get_freeze_count(), "tracked": len(gc.get_objects()),
                  "views_loaded": "contactcenter.desk.views" in sys.modules}))
"""


def test_the_web_process_loads_its_views_and_keeps_them_out_of_the_collectors_way():
    """The web process imports every view when it starts and moves what it loaded out of the
    garbage collector's reach (``gc.freeze``), so a full collection under load walks only what
    requests made: a quarter-second pause of every request in the process before, under the
    workspace benchmark, at most about 45 ms after."""
    env = {**os.environ, "DEBUG": "true"}
    env.pop("DATABASE_URL", None)
    done = subprocess.run(
        [sys.executable, "-c", ASGI_SCRIPT],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=True,
    )
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found["views_loaded"]
    assert found["frozen"] > 100_000  # Django and the apps: a few hundred thousand objects
    assert found["tracked"] < found["frozen"] / 10
