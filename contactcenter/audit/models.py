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


class DisclosureOutcome(models.TextChoices):
    DISCLOSED = "disclosed", _("Disclosed")
    # A member of staff asked for a case their role may not see (Tier 1 and a VAWA, T or U
    # case, another office's case): nothing was shown, and the attempt is on record.
    REFUSED = "refused", _("Refused")


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
    outcome = models.CharField(
        max_length=10, choices=DisclosureOutcome.choices, default=DisclosureOutcome.DISCLOSED
    )
    # The keyed-hash chain (``audit/chain.py``): set once, by the sealing job, after the row is
    # committed, so writers never wait for each other. ``chain_seq`` is the row's place in the
    # chain (commit order, which ids need not follow); ``chain_hash`` is HMAC-SHA256 over the
    # previous row's hash, the place and the row. The trigger lets these two be filled in once
    # and nothing else change.
    chain_seq = models.BigIntegerField(null=True, blank=True, unique=True)
    chain_hash = models.CharField(max_length=64, null=True, blank=True)  # noqa: DJ001 (NULL: unsealed)

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
        verb = "was refused" if self.outcome == DisclosureOutcome.REFUSED else "saw"
        return f"{who} {verb} case {self.case_id} ({self.channel})"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise AppendOnlyError("The disclosure log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("The disclosure log is append-only.")


class ChainHead(models.Model):
    """The end of the chain as the sealing job last left it (one row), signed with the chain
    key, so that removing the newest rows shows too: ``audit-verify`` compares it with the last
    sealed row."""

    seq = models.BigIntegerField(default=0)
    chain_hash = models.CharField(max_length=64)
    mac = models.CharField(max_length=64)
    sealed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"chain head at {self.seq}"


class PurgedDisclosure(models.Model):
    """What stays of a disclosure-log row removed at the end of its retention: its place in the
    chain and its hash, signed with the chain key, and nothing about the person or the viewer.
    The chain is verified through it; the log's trigger lets a row be deleted only once its
    tombstone is written."""

    entry_id = models.BigIntegerField(unique=True)
    chain_seq = models.BigIntegerField(unique=True)
    chain_hash = models.CharField(max_length=64)
    mac = models.CharField(max_length=64)
    purged_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"purged disclosure {self.entry_id} (chain {self.chain_seq})"
