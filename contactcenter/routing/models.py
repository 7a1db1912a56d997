from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from contactcenter.core.models import TimeStampedModel


class QueueTier(models.TextChoices):
    TIER1 = "tier1", _("Tier 1")
    TIER2 = "tier2", _("Tier 2")
    SUPERVISOR = "supervisor", _("Supervisor")


class ServiceLevelFormula(models.TextChoices):
    """How a queue's service level is worked out from its counts (``operations.service_level``):
    Ai, Ao answered within and after the threshold, Bi, Bo abandoned within and after it, Q
    queued."""

    # (Ai + Bi + callbacks requested within the threshold) / Q: an early abandon counts as met.
    REMOVED_WITHIN = "removed_within", _("Answered or left within the threshold, of all queued")
    # Ai / (Ai + Ao + Bi + Bo), with flow-outs added or short abandons taken out if chosen.
    ABANDONS_PENALISED = "abandons_penalised", _("Answered within the threshold, abandons count")
    # Ai / (Ai + Ao).
    ABANDONS_EXCLUDED = "abandons_excluded", _("Answered within the threshold, of all answered")
    # Ai / (Ai + Ao + Bo).
    LATE_ABANDONS_ONLY = (
        "late_abandons_only",
        _("Answered within the threshold, late abandons count"),
    )


class Queue(TimeStampedModel):
    """A line of waiting work, defined as data (loaded from routing/data/queues.yaml)."""

    code = models.SlugField(max_length=40, unique=True)
    name_en = models.CharField(max_length=120)
    name_es = models.CharField(max_length=120)
    tier = models.CharField(max_length=20, choices=QueueTier.choices)
    language = models.CharField(max_length=2, default="en")
    skill = models.CharField(max_length=40, blank=True, help_text=_("Required agent skill."))
    channels = models.JSONField(default=list, help_text=_("Channels this queue takes."))
    topics = models.JSONField(default=list, blank=True)
    priority = models.SmallIntegerField(default=0, help_text=_("Higher goes first."))
    live_hours_only = models.BooleanField(default=True)
    offer_timeout_seconds = models.PositiveIntegerField(default=30)
    active = models.BooleanField(default=True)
    # The agency's service-level goal for this line: answered within this many seconds of
    # entering the queue, counted by this formula (operations reads them when it counts).
    service_level_seconds = models.PositiveIntegerField(
        default=20, help_text=_("Seconds within which a contact counts as answered in time.")
    )
    service_level_formula = models.CharField(
        max_length=20,
        choices=ServiceLevelFormula.choices,
        default=ServiceLevelFormula.ABANDONS_PENALISED,
    )
    # Switches of the "abandons penalised" formula.
    service_level_counts_flow_outs = models.BooleanField(
        default=False, help_text=_("Contacts moved out of the queue count as missed.")
    )
    service_level_ignores_short_abandons = models.BooleanField(
        default=False, help_text=_("Contacts that left within a few seconds are not counted.")
    )
    # The share of contacts the agency means to serve in time: the wallboard warns when today's
    # service level is below it ("80 % in 20 s" is this target and the threshold above).
    service_level_target_percent = models.PositiveSmallIntegerField(
        default=80, help_text=_("Service level the queue aims for, in percent.")
    )

    class Meta:
        ordering = ["-priority", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(service_level_seconds__gt=0), name="queue_service_level_seconds"
            ),
            models.CheckConstraint(
                condition=Q(service_level_target_percent__gte=1)
                & Q(service_level_target_percent__lte=100),
                name="queue_service_level_target_percent",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    def name(self, language: str) -> str:
        return self.name_es if language == "es" else self.name_en


class Presence(models.TextChoices):
    AVAILABLE = "available", _("Available")
    BUSY = "busy", _("Busy")
    WRAP_UP = "wrap_up", _("Wrap-up")
    AWAY = "away", _("Away")
    OFFLINE = "offline", _("Offline")


class VoiceDevice(models.TextChoices):
    """Where an accepted call rings: the agent's browser (Twilio's Voice JavaScript SDK) or a
    phone number the call is forwarded to."""

    BROWSER = "browser", _("This browser")
    PHONE = "phone", _("A phone number")


class Agent(TimeStampedModel):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="agent"
    )
    tiers = models.JSONField(default=list, help_text=_('e.g. ["tier1"]'))
    languages = models.JSONField(default=list, help_text=_('e.g. ["en", "es"]'))
    skills = models.JSONField(default=list, blank=True)
    # Work items at once per channel, e.g. {"phone": 1, "chat": 3}; a missing channel is 0.
    capacity = models.JSONField(default=dict)
    presence = models.CharField(
        max_length=20, choices=Presence.choices, default=Presence.OFFLINE, db_index=True
    )
    presence_since = models.DateTimeField(null=True, blank=True)
    # Where accepted calls ring (changed only through ``services.agent_voice_device_set``,
    # which parses the number): a phone device always has its E.164 number.
    voice_device = models.CharField(
        max_length=10, choices=VoiceDevice.choices, default=VoiceDevice.BROWSER
    )
    voice_phone = models.CharField(max_length=16, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(voice_device="browser") | ~Q(voice_phone=""),
                name="agent_phone_device_has_number",
            ),
        ]

    def __str__(self) -> str:
        return f"Agent {self.user_id}"

    @property
    def voice_identity(self) -> str:
        """The agent's name as a Twilio Client: what the browser phone registers as and what
        ``<Dial><Client>`` rings."""
        return f"agent-{self.pk}"


class PresenceChange(models.Model):
    agent = models.ForeignKey(Agent, on_delete=models.CASCADE, related_name="presence_history")
    presence = models.CharField(max_length=20, choices=Presence.choices)
    reason = models.CharField(max_length=100, blank=True)
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["agent", "changed_at", "id"]

    def __str__(self) -> str:
        return f"{self.agent_id} {self.presence} at {self.changed_at}"


class WorkKind(models.TextChoices):
    CALL = "call", _("Live call")
    CHAT = "chat", _("Live chat")
    CALLBACK = "callback", _("Callback")
    WEBFORM_REPLY = "webform_reply", _("Web form reply")
    SECURE_MESSAGE = "secure_message", _("Secure message")
    SUPERVISOR_REQUEST = "supervisor_request", _("Supervisor request")


class WorkState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    OFFERED = "offered", _("Offered")
    ASSIGNED = "assigned", _("Assigned")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class TransferMode(models.TextChoices):
    # The sending agent lets go at once; whoever takes it next reads the note, if any.
    COLD = "cold", _("Cold transfer")
    # The sending agent keeps the contact until the receiver accepts, and may cancel.
    WARM = "warm", _("Warm transfer")


# Work that waits for someone: a transfer still in one of these states is pending.
PENDING_STATES = ("queued", "offered")


class WorkItem(TimeStampedModel):
    queue = models.ForeignKey(Queue, on_delete=models.PROTECT, related_name="items")
    inquiry = models.ForeignKey(
        "inquiries.Inquiry", on_delete=models.CASCADE, related_name="work_items"
    )
    kind = models.CharField(max_length=20, choices=WorkKind.choices)
    # The channel whose capacity the item uses (a callback is a phone call).
    channel = models.CharField(max_length=20)
    # Copied from the queue when the item is queued, so the claim query reads one table in
    # index order instead of joining and sorting (see routing/services.py).
    tier = models.CharField(max_length=20, choices=QueueTier.choices)
    language = models.CharField(max_length=2)
    skill = models.CharField(max_length=40, blank=True)
    live_hours_only = models.BooleanField(default=True)
    priority = models.SmallIntegerField(default=0)
    # Arrival in line; a callback offered instead of holding keeps the caller's original time.
    enqueued_at = models.DateTimeField()
    due_at = models.DateTimeField(null=True, blank=True)
    state = models.CharField(max_length=20, choices=WorkState.choices, default=WorkState.QUEUED)
    offered_to = models.ForeignKey(
        Agent, on_delete=models.SET_NULL, null=True, blank=True, related_name="offers"
    )
    offer_expires_at = models.DateTimeField(null=True, blank=True)
    assigned_to = models.ForeignKey(
        Agent, on_delete=models.SET_NULL, null=True, blank=True, related_name="assignments"
    )
    assigned_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    # When a person asked for a call at a time, the item is not offered before it.
    not_before = models.DateTimeField(null=True, blank=True)
    # Callbacks: the opt-in text sent before calling, and the person's YES to it.
    text_ahead_sent_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # Set by the periodic SLA check when the item passed its due time unfinished.
    breached_at = models.DateTimeField(null=True, blank=True)
    # A transfer: the item another agent handed on (this item keeps its arrival time), how,
    # to which named agent if any, and the sender's note for the receiver.
    transferred_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="transfers"
    )
    transfer_mode = models.CharField(max_length=4, choices=TransferMode.choices, blank=True)
    transfer_agent = models.ForeignKey(
        Agent, on_delete=models.SET_NULL, null=True, blank=True, related_name="transfers_in"
    )
    transfer_note = models.TextField(blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["-priority", "enqueued_at", "id"],
                condition=Q(state="queued"),
                name="workitem_queued_order",
            ),
            models.Index(fields=["state", "offer_expires_at"], name="workitem_offer_expiry"),
            models.Index(fields=["assigned_to", "state"], name="workitem_agent_load"),
            # The wait estimate's handle times: a queue's latest finished work, however much
            # finished work lies behind it (wait_estimates.median_handle_seconds).
            models.Index(
                fields=["queue", "-completed_at"],
                condition=Q(completed_at__isnull=False),
                name="workitem_queue_finished",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state="offered")
                | (Q(offered_to__isnull=False) & Q(offer_expires_at__isnull=False)),
                name="workitem_offer_has_agent_and_expiry",
            ),
            models.CheckConstraint(
                condition=~Q(state="assigned") | Q(assigned_to__isnull=False),
                name="workitem_assigned_has_agent",
            ),
            # One transfer at a time: a second one waits until the first is accepted or ended.
            models.UniqueConstraint(
                fields=["transferred_from"],
                condition=Q(state__in=PENDING_STATES),
                name="workitem_one_pending_transfer",
            ),
            models.CheckConstraint(
                condition=Q(transferred_from__isnull=True) | ~Q(transfer_mode=""),
                name="workitem_transfer_has_mode",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.state})"


class OfferOutcome(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACCEPTED = "accepted", _("Accepted")
    TIMED_OUT = "timed_out", _("Timed out")
    DECLINED = "declined", _("Declined")
    # A warm transfer the sender took back before it was accepted.
    CANCELLED = "cancelled", _("Cancelled")


class Offer(models.Model):
    """Every offer of an item to an agent, and how it ended."""

    item = models.ForeignKey(WorkItem, on_delete=models.CASCADE, related_name="offer_log")
    agent = models.ForeignKey(Agent, on_delete=models.CASCADE, related_name="offer_log")
    offered_at = models.DateTimeField()
    outcome = models.CharField(
        max_length=20, choices=OfferOutcome.choices, default=OfferOutcome.PENDING
    )
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["item", "offered_at", "id"]

    def __str__(self) -> str:
        return f"item {self.item_id} to agent {self.agent_id}: {self.outcome}"


class LiveHelpClosure(TimeStampedModel):
    """A day or days the contact center's live help is closed besides federal holidays."""

    starts_on = models.DateField()
    ends_on = models.DateField()
    reason_en = models.CharField(max_length=200)
    reason_es = models.CharField(max_length=200)

    class Meta:
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="live_help_closure_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"Live help closed {self.starts_on}–{self.ends_on}"


class LiveHelpHours(TimeStampedModel):
    """Live-help hours per weekday, approved by a supervisor from workforce planning's
    recommendation. The newest approval whose ``effective_from`` has come is in force; with
    none, the hours in the settings are. Kept, never edited: the rows are the record of who set
    the hours, when, and on what figures."""

    effective_from = models.DateField()
    # [{"weekday": 0, "opens": "07:00", "closes": "21:00"}, ...]; a weekday left out is closed.
    hours = models.JSONField()
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # What the approver saw: the budget, the agent-hours and the contacts the hours serve.
    figures = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-effective_from", "-id"]
        verbose_name_plural = "live help hours"

    def __str__(self) -> str:
        return f"Live help hours from {self.effective_from}"


class CallOutcome(models.TextChoices):
    ANSWERED = "answered", _("Answered")
    NO_ANSWER = "no_answer", _("No answer")
    VOICEMAIL = "voicemail", _("Left a voicemail")
    BUSY = "busy", _("Line busy")
    WRONG_NUMBER = "wrong_number", _("Wrong number")


class CallbackAttempt(models.Model):
    """One try at calling a person back, by whom, and how it went."""

    item = models.ForeignKey(WorkItem, on_delete=models.CASCADE, related_name="attempts")
    agent = models.ForeignKey(Agent, on_delete=models.PROTECT, related_name="callback_attempts")
    outcome = models.CharField(max_length=20, choices=CallOutcome.choices)
    note = models.CharField(max_length=500, blank=True)
    attempted_at = models.DateTimeField()

    class Meta:
        ordering = ["item", "attempted_at", "id"]

    def __str__(self) -> str:
        return f"attempt on item {self.item_id}: {self.outcome}"


class AgentLoad(models.Model):
    """How many items an agent holds (offered or assigned) per channel.

    Kept by a PostgreSQL trigger on every change to a work item, so the claim statement reads
    one row per channel instead of counting the agent's items; on SQLite the services count.
    """

    agent = models.ForeignKey(Agent, on_delete=models.CASCADE, related_name="loads")
    channel = models.CharField(max_length=20)
    held = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agent", "channel"], name="agent_load_unique"),
        ]

    def __str__(self) -> str:
        return f"agent {self.agent_id} holds {self.held} on {self.channel}"
