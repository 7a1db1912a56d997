"""Issue an Online Access Code for a case, to print on its next notice."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from contactcenter.cases.models import Case
from contactcenter.core.errors import ApplicationError
from contactcenter.core.receipt_numbers import ReceiptNumber
from contactcenter.portal.services import access_code_issue


class Command(BaseCommand):
    help = "Issue a new Online Access Code for a case (earlier unused codes stop working)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("receipt_number")

    def handle(self, *args, receipt_number: str, **options) -> None:
        try:
            receipt = ReceiptNumber.parse(receipt_number)
        except ApplicationError as error:
            raise CommandError(error.message) from None
        case = Case.objects.filter(receipt_number=receipt.value).first()
        if case is None:
            raise CommandError("No case has that receipt number.")
        row, code = access_code_issue(case=case)
        self.stdout.write(f"{code}  (expires {row.expires_at:%Y-%m-%d})")
