from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
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


class DispositionCode(models.TextChoices):
    """The built-in wrap-up codes, which the code itself sets (a self-served call, a service
    request, a missed callback). Every code an agent may choose is a ``Disposition`` row; these
    are always among them (migration 0002 and ``apps.py`` keep them, and they cannot be
    deleted or retired)."""

    RESOLVED_FIRST_CONTACT = "resolved_first_contact", _("Resolved at first contact")
    ESCALATED = "escalated", _("Escalated")
    SERVICE_REQUEST_CREATED = "service_request_created", _("Service request created")
    REFERRED = "referred", _("Referred")
    NO_ANSWER = "no_answer", _("No answer")


disposition_code_format = RegexValidator(
    r"^[a-z][a-z0-9_]{1,29}$",
    _("Use 2 to 30 lowercase letters, digits and underscores, starting with a letter."),
)


class Disposition(TimeStampedModel):
    """A wrap-up code as data: the built-ins and the agency's own, kept by supervisors in the
    admin. Retiring one (``active`` off) takes it out of the agents' list; inquiries closed
    with it keep it."""

    code = models.CharField(max_length=30, unique=True, validators=[disposition_code_format])
    label_en = models.CharField(max_length=120)
    label_es = models.CharField(max_length=120)
    active = models.BooleanField(default=True)
    sort_order = models.PositiveSmallIntegerField(default=100)
    # Whether a contact closed with it counts as resolved in the service figures.
    counts_as_resolved = models.BooleanField(default=True)
    builtin = models.BooleanField(default=False, editable=False)

    class Meta:
        ordering = ["sort_order", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(builtin=False) | Q(active=True), name="disposition_builtin_active"
            ),
            models.CheckConstraint(
                condition=Q(code__regex=r"^[a-z][a-z0-9_]{1,29}$"), name="disposition_code_format"
            ),
        ]

    def __str__(self) -> str:
        return self.code

    def label(self, language: str) -> str:
        return self.label_es if language == "es" else self.label_en


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
    # A ``Disposition`` code (built-in or the agency's own), checked by the services.
    disposition = models.CharField(max_length=30, blank=True)
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

    def get_disposition_display(self) -> str:
        """The disposition's label in the active language (its code if it is not known)."""
        if not self.disposition:
            return ""
        found = Disposition.objects.filter(code=self.disposition).first()
        return found.label((get_language() or "en")[:2]) if found is not None else self.disposition


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
