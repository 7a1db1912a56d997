from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from contactcenter.core.models import TimeStampedModel


class FlowVersion(models.Model):
    """One loaded version of a line's flow file. Exactly one version per line is active."""

    line = models.SlugField(max_length=30)
    version = models.PositiveIntegerField()
    source_file = models.CharField(max_length=200)
    source = models.TextField(help_text=_("The flow file as loaded."))
    checksum = models.CharField(max_length=64)
    definition = models.JSONField(help_text=_("The checked flow the engine runs."))
    active = models.BooleanField(default=False)
    loaded_at = models.DateTimeField(auto_now_add=True)
    activated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["line", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["line", "version"], name="ivr_flow_line_version"),
            models.UniqueConstraint(
                fields=["line"], condition=Q(active=True), name="ivr_flow_one_active_per_line"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.line} v{self.version}{' (active)' if self.active else ''}"


class Outcome(models.TextChoices):
    SELF_SERVED = "self_served", _("Self-served")
    QUEUED = "queued", _("Queued for an agent")
    CALLBACK = "callback", _("Callback")
    AFTER_HOURS = "after_hours", _("After hours")
    ABANDONED = "abandoned", _("Abandoned")


class Call(TimeStampedModel):
    """A phone call through the IVR, keyed by the provider's call id."""

    call_sid = models.CharField(max_length=64, unique=True)
    line = models.SlugField(max_length=30)
    flow_version = models.ForeignKey(FlowVersion, on_delete=models.PROTECT, related_name="calls")
    # The caller's number: personal data, used only for a callback or a texted link.
    from_number = models.CharField(max_length=32, blank=True)
    state = models.JSONField(default=dict)
    next_step = models.PositiveIntegerField(default=0)
    inquiry = models.ForeignKey(
        "inquiries.Inquiry", on_delete=models.PROTECT, null=True, blank=True, related_name="calls"
    )
    work_item = models.ForeignKey(
        "routing.WorkItem", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    transcript_posted = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField()
    queued_at = models.DateTimeField(null=True, blank=True)
    bridged_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            # Calls still open, oldest first, for the job that closes calls whose end was never
            # reported. On started_at, which never changes, so a turn's update of the row
            # touches no index.
            models.Index(
                fields=["started_at"], condition=Q(ended_at__isnull=True), name="ivr_call_open"
            ),
            # Today's calls for the supervisors' board.
            models.Index(fields=["started_at"], name="ivr_call_started"),
        ]

    def __str__(self) -> str:
        return f"{self.line} call {self.pk}"


class CallTurn(models.Model):
    """One answered request: what was heard (masked) and the TwiML sent back, kept so a retried
    request gets the same answer and repeats no effect."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="turns")
    step = models.PositiveIntegerField()
    heard = models.CharField(max_length=300, blank=True)  # masked
    said = models.TextField(blank=True)
    node = models.CharField(max_length=40, blank=True)
    twiml = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["call", "step"]
        constraints = [
            models.UniqueConstraint(fields=["call", "step"], name="ivr_turn_once_per_step")
        ]

    def __str__(self) -> str:
        return f"{self.call_id} step {self.step}"
