from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from contactcenter.core.models import TimeStampedModel


class Channel(models.TextChoices):
    PHONE = "phone", _("Phone")
    TTY = "tty", _("TTY")
    VIRTUAL_ASSISTANT = "virtual_assistant", _("Virtual assistant")
    CHAT = "chat", _("Live chat")
    SECURE_MESSAGE = "secure_message", _("Secure message")
    WEBFORM = "webform", _("Web form")
    EMAIL = "email", _("Email")
    MAIL = "mail", _("Mail")
    FAX = "fax", _("Fax")
    IN_PERSON = "in_person", _("In person")


class InquiryState(models.TextChoices):
    NEW = "new", _("Waiting for an agent")
    ACTIVE = "active", _("Being handled")
    ESCALATED = "escalated", _("Escalated to Tier 2")
    CALLBACK_SCHEDULED = "callback_scheduled", _("Callback scheduled")
    LOCKED = "locked", _("Locked after failed identity checks")
    CLOSED = "closed", _("Closed")


class Tier(models.IntegerChoices):
    TIER1 = 1, _("Tier 1")
    TIER2 = 2, _("Tier 2")


class Urgency(models.TextChoices):
    REGULAR = "regular", _("Regular")
    URGENT = "urgent", _("Urgent")


class Disposition(models.TextChoices):
    RESOLVED_FIRST_CONTACT = "resolved_first_contact", _("Resolved at first contact")
    ESCALATED = "escalated", _("Escalated")
    SERVICE_REQUEST_CREATED = "service_request_created", _("Service request created")
    REFERRED = "referred", _("Referred")
    NO_ANSWER = "no_answer", _("No answer")


class VerifiedAs(models.TextChoices):
    NOT_VERIFIED = "", _("Not verified")
    APPLICANT = "applicant", _("Applicant")
    REPRESENTATIVE = "representative", _("Representative (G-28)")


class Inquiry(TimeStampedModel):
    reference_number = models.CharField(max_length=10, unique=True)
    channel = models.CharField(max_length=20, choices=Channel.choices)
    language = models.CharField(max_length=2, default="en")
    topic = models.CharField(max_length=60, blank=True)
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="inquiries"
    )
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="inquiries"
    )
    tier = models.PositiveSmallIntegerField(choices=Tier.choices, default=Tier.TIER1)
    urgency = models.CharField(max_length=10, choices=Urgency.choices, default=Urgency.REGULAR)
    state = models.CharField(
        max_length=20, choices=InquiryState.choices, default=InquiryState.NEW, db_index=True
    )
    disposition = models.CharField(max_length=30, choices=Disposition.choices, blank=True)
    # Contact details given for this inquiry (a callback number, a reply address); personal data.
    contact_phone = models.CharField(max_length=20, blank=True)
    contact_email = models.EmailField(blank=True)
    # Identity: which case the caller proved a right to, and as whom.
    verified_as = models.CharField(max_length=20, choices=VerifiedAs.choices, blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    failed_identity_checks = models.PositiveSmallIntegerField(default=0)
    flagged = models.BooleanField(default=False)
    supervisor_requested_at = models.DateTimeField(null=True, blank=True)
    escalation_reason = models.CharField(max_length=500, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "inquiries"
        constraints = [
            models.CheckConstraint(
                condition=Q(reference_number__regex=r"^[0-9]{10}$"),
                name="inquiry_reference_number_digits",
            ),
            models.CheckConstraint(
                condition=~Q(state="closed") | ~Q(disposition=""),
                name="inquiry_closed_has_disposition",
            ),
        ]

    def __str__(self) -> str:
        return self.reference_number

    @property
    def is_verified(self) -> bool:
        return bool(self.verified_as)


class EventKind(models.TextChoices):
    OPENED = "opened", _("Opened")
    MESSAGE = "message", _("Message")
    NOTE = "note", _("Internal note")
    ACTION = "action", _("Action")
    STATE = "state", _("State change")
    IDENTITY = "identity", _("Identity check")
    DISPOSITION = "disposition", _("Disposition")


class InquiryEvent(models.Model):
    """One entry in an inquiry's history: who did or said what, and when."""

    inquiry = models.ForeignKey(Inquiry, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Who spoke when there is no staff user: "person", "system", "assistant", "ivr".
    actor_label = models.CharField(max_length=20, blank=True)
    body = models.TextField(blank=True)  # personal data masked before it is stored
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["inquiry", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.inquiry_id} {self.kind}"
