"""``contactcenter import-cases FILE``: cases and their applicants from the agency's files."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from contactcenter.cases.importers import cases_import
from contactcenter.cases.management.file_import_command import FileImportCommand


class Command(FileImportCommand):
    help = (
        "Import cases from CSV or JSON Lines (columns: receipt_number, form, category, "
        "receipt_date, office, status, status_date, given_name, family_name, and optionally "
        "date_of_birth, a_number, street, city, state, zip, email, phone, language, "
        "confidential). Re-running a file changes nothing; exits 1 if any row was rejected."
    )
    what = _("Cases")
    import_function = staticmethod(cases_import)
