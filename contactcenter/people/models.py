from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _

from contactcenter.core.models import TimeStampedModel


class Language(models.TextChoices):
    ENGLISH = "en", _("English")
    SPANISH = "es", _("Spanish")


class Person(TimeStampedModel):
    """An applicant or petitioner. Every field but the language is personal data."""

    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    date_of_birth = models.DateField(null=True, blank=True)
    a_number = models.CharField(max_length=10, null=True, blank=True, unique=True)
    street = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=80, blank=True)
    state = models.CharField(max_length=2, blank=True)
    zip_code = models.CharField(max_length=5, blank=True, db_index=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=20, blank=True)  # E.164
    preferred_language = models.CharField(
        max_length=2, choices=Language.choices, default=Language.ENGLISH
    )

    class Meta:
        verbose_name_plural = "people"
        # A received email looks its sender up here, case-insensitively, for the agent's hint.
        indexes = [models.Index(Upper("email"), name="people_person_email_upper")]
        constraints = [
            models.CheckConstraint(
                condition=Q(a_number__isnull=True) | Q(a_number__regex=r"^A[0-9]{9}$"),
                name="person_a_number_padded",
            )
        ]

    def __str__(self) -> str:
        # Deliberately not the name: objects end up in logs and error pages.
        return f"Person #{self.pk}"


class Representative(TimeStampedModel):
    """An attorney or accredited representative who may act on cases their G-28 covers."""

    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    organization = models.CharField(max_length=200, blank=True)
    bar_number = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=20, blank=True)

    def __str__(self) -> str:
        return f"Representative #{self.pk}"
