from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DisclosureChannel(models.TextChoices):
    ADMIN = "admin", _("Administration site")
    DESK = "desk", _("Agent desktop")
    PHONE = "phone", _("Phone")
    CHAT = "chat", _("Live chat")
    SECURE_MESSAGE = "secure_message", _("Secure message")
    OFFICE_QUEUE = "office_queue", _("Office work queue")
    API = "api", _("API")
    COMMAND = "command", _("Command line")
    # A message the contact center sent the person on its own (news of a request, a booking).
    NOTIFICATION = "notification", _("Notification to the person")


class AppendOnlyError(Exception):
    pass


class DisclosureLog(models.Model):
    """Who saw which case's personal data, through which channel, why and when.

    Append-only: the model refuses updates and deletes, and a database trigger (see the
    migration) refuses them too, so not even a raw query or the admin can rewrite history.
    """

    # A member of staff, or (viewer empty) a service of the contact center that used the data
    # for a person on its own, named in ``system_actor``: the phone line emailing a status link
    # to the address on file. Never neither (a database constraint).
    viewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="disclosures",
        null=True, blank=True,
    )  # fmt: skip
    system_actor = models.CharField(
        max_length=40, blank=True,
        help_text=_("The automated service that used the data, when no member of staff did."),
    )  # fmt: skip
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="disclosures")
    channel = models.CharField(max_length=20, choices=DisclosureChannel.choices)
    purpose = models.CharField(max_length=200)
    fields = models.CharField(max_length=200, help_text=_("Which personal data was shown."))
    disclosed_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-disclosed_at", "-id"]
        indexes = [models.Index(fields=["case", "-disclosed_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(viewer__isnull=False) | ~models.Q(system_actor=""),
                name="audit_disclosure_names_who",
            )
        ]

    def __str__(self) -> str:
        who = self.viewer_id if self.viewer_id is not None else self.system_actor
        return f"{who} saw case {self.case_id} ({self.channel})"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise AppendOnlyError("The disclosure log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("The disclosure log is append-only.")
