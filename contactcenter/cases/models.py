from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from contactcenter.cases.statuses import CaseStatus
from contactcenter.core.models import TimeStampedModel
from contactcenter.offices.models import Office
from contactcenter.people.models import Person, Representative


class FormType(TimeStampedModel):
    """A form in the catalogue, e.g. I-485."""

    code = models.CharField(max_length=12, unique=True)
    title_en = models.CharField(max_length=200)
    title_es = models.CharField(max_length=200)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code

    def title(self, language: str) -> str:
        return self.title_es if language == "es" else self.title_en


class FormCategory(models.Model):
    """A filing category within a form (e.g. I-765 based on a pending I-485)."""

    form = models.ForeignKey(FormType, on_delete=models.CASCADE, related_name="categories")
    code = models.CharField(max_length=40)
    title_en = models.CharField(max_length=200)
    title_es = models.CharField(max_length=200)

    class Meta:
        ordering = ["form__code", "code"]
        verbose_name_plural = "form categories"
        constraints = [
            models.UniqueConstraint(fields=["form", "code"], name="form_category_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.form.code} {self.code}"

    def title(self, language: str) -> str:
        return self.title_es if language == "es" else self.title_en


class Confidentiality(models.TextChoices):
    NONE = "", _("Not protected")
    PROTECTED = "protected", _("Protected (basis not recorded)")
    VAWA = "vawa", _("VAWA")
    T_VISA = "t", _("T nonimmigrant")
    U_VISA = "u", _("U nonimmigrant")


class Case(TimeStampedModel):
    receipt_number = models.CharField(max_length=13, unique=True)
    form = models.ForeignKey(FormType, on_delete=models.PROTECT, related_name="cases")
    category = models.ForeignKey(FormCategory, on_delete=models.PROTECT, related_name="cases")
    receipt_date = models.DateField()
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="cases")
    status = models.CharField(max_length=32, choices=CaseStatus.choices)
    status_date = models.DateField()
    applicant = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="cases")
    representative = models.ForeignKey(
        Representative, on_delete=models.SET_NULL, related_name="cases", null=True, blank=True
    )
    g28_accepted_on = models.DateField(null=True, blank=True)
    confidentiality = models.CharField(
        max_length=10, choices=Confidentiality.choices, blank=True, default=Confidentiality.NONE
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(receipt_number__regex=r"^[A-Z]{3}[0-9]{10}$"),
                name="case_receipt_number_normalised",
            ),
            models.CheckConstraint(
                condition=Q(status_date__gte=models.F("receipt_date")),
                name="case_status_not_before_receipt",
            ),
            models.CheckConstraint(
                condition=Q(representative__isnull=True) | Q(g28_accepted_on__isnull=False),
                name="case_representative_needs_g28",
            ),
        ]

    def __str__(self) -> str:
        return self.receipt_number

    @property
    def is_confidential(self) -> bool:
        return self.confidentiality != Confidentiality.NONE


class CaseStatusEvent(models.Model):
    """One entry in a case's status history; the newest matches ``Case.status``."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="status_history")
    status = models.CharField(max_length=32, choices=CaseStatus.choices)
    status_date = models.DateField()
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["case", "status_date", "id"]
        indexes = [models.Index(fields=["case", "status_date"])]

    def __str__(self) -> str:
        return f"{self.case_id} {self.status} {self.status_date}"


class ProcessingTime(TimeStampedModel):
    """Months to complete 80% of cases, as published on a date; older rows are the history."""

    form = models.ForeignKey(FormType, on_delete=models.CASCADE, related_name="processing_times")
    category = models.ForeignKey(
        FormCategory, on_delete=models.CASCADE, related_name="processing_times"
    )
    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="processing_times")
    months = models.DecimalField(max_digits=4, decimal_places=1)
    published_on = models.DateField()

    class Meta:
        ordering = ["form__code", "category__code", "office__code", "-published_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["form", "category", "office", "published_on"],
                name="processing_time_unique_publication",
            ),
            models.CheckConstraint(
                condition=Q(months__gt=0) & Q(months__lte=120), name="processing_time_months_range"
            ),
        ]
        indexes = [models.Index(fields=["form", "category", "office", "-published_on"])]

    def __str__(self) -> str:
        return f"{self.form_id}/{self.category_id}/{self.office_id}: {self.months} months"
