from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class LegalHold(models.Model):
    """Records of a person or a case that the retention purge must keep, whatever their age:
    litigation, an investigation, a FOIA or Privacy Act request still being answered. A hold
    on a person covers all their cases; released, it is kept as history."""

    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(
        max_length=300, help_text=_("Why the records are held (a matter or request number).")
    )
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField(auto_now_add=True)
    released_at = models.DateTimeField(null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-set_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False) | Q(case__isnull=False),
                name="records_legal_hold_names_what",
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="records_legal_hold_has_reason"),
        ]

    def __str__(self) -> str:
        what = f"case {self.case_id}" if self.case_id else f"person {self.person_id}"
        state = "released" if self.released_at else "active"
        return f"Legal hold on {what} ({state})"

    @property
    def is_active(self) -> bool:
        return self.released_at is None
