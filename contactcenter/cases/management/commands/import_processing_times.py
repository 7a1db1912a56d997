"""``contactcenter import-processing-times FILE``: posted processing times."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from contactcenter.cases.importers import processing_times_import
from contactcenter.cases.management.file_import_command import FileImportCommand


class Command(FileImportCommand):
    help = (
        "Import posted processing times from CSV or JSON Lines (columns: form, category, "
        "office, months, published_on). Re-running a file changes nothing; exits 1 if any row "
        "was rejected."
    )
    what = _("Processing times")
    import_function = staticmethod(processing_times_import)
