from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from contactcenter.core.models import TimeStampedModel
from contactcenter.offices.models import OfficeKind


class Submitter(models.TextChoices):
    TIER1 = "tier1", _("Tier 1 agent")
    TIER2 = "tier2", _("Tier 2 officer")
    PERSON = "person", _("The person, online")


class Routing(models.TextChoices):
    HOLDING_OFFICE = "holding_office", _("The office that holds the case")
    FIELD_OFFICE_BY_ZIP = "field_office_by_zip", _("The field office serving the person's ZIP")


class Rule(models.TextChoices):
    """The checks and actions a type brings beyond the common ones (see services.py)."""

    NONE = "none", _("No special rule")
    PROCESSING_TIME = "processing_time", _("Only once the case is outside processing time")
    CHANGE_OF_ADDRESS = "change_of_address", _("Change of address")
    EXPEDITE = "expedite", _("Expedite request")


class PriorityRule(models.TextChoices):
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("Always high")
    HIGH_WHEN_URGENT = "high_when_urgent", _("High when the inquiry is urgent")


class ServiceRequestType(TimeStampedModel):
    """A kind of service request, defined as data (``data/service_request_types.yaml``)."""

    code = models.SlugField(max_length=40, unique=True)
    title_en = models.CharField(max_length=120)
    title_es = models.CharField(max_length=120)
    # One line each, shown to agents choosing the kind of request.
    description_en = models.CharField(max_length=200, blank=True, default="")
    description_es = models.CharField(max_length=200, blank=True, default="")
    submitters = models.JSONField(default=list, help_text=_("Who may submit it."))
    channels = models.JSONField(default=list, help_text=_("Inquiry channels it may come from."))
    required_details = models.JSONField(default=list, blank=True)
    optional_details = models.JSONField(default=list, blank=True)
    response_business_days = models.PositiveSmallIntegerField(default=15)
    priority_rule = models.CharField(
        max_length=20, choices=PriorityRule.choices, default=PriorityRule.NORMAL
    )
    routing = models.CharField(
        max_length=20, choices=Routing.choices, default=Routing.HOLDING_OFFICE
    )
    rule = models.CharField(max_length=20, choices=Rule.choices, default=Rule.NONE)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code

    def title(self, language: str) -> str:
        return self.title_es if language == "es" else self.title_en

    def description(self, language: str) -> str:
        return self.description_es if language == "es" else self.description_en


class ServiceRequestState(models.TextChoices):
    ROUTED = "routed", _("Sent to the office")
    IN_PROGRESS = "in_progress", _("Being worked on")
    RESOLVED = "resolved", _("Resolved")
    REFERRED = "referred", _("Referred to an international office")


OPEN_STATES = (ServiceRequestState.ROUTED, ServiceRequestState.IN_PROGRESS)

# Offices that work requests; support centers take biometrics only, and requests are never
# sent abroad (they are referred there instead).
WORKING_OFFICE_KINDS = frozenset(
    {
        OfficeKind.SERVICE_CENTER,
        OfficeKind.BENEFITS_CENTER,
        OfficeKind.FIELD_OFFICE,
        OfficeKind.ASYLUM_OFFICE,
    }
)


class ExpediteCriterion(models.TextChoices):
    SEVERE_FINANCIAL_LOSS = "severe_financial_loss", _("Severe financial loss")
    URGENT_HUMANITARIAN = "urgent_humanitarian", _("Emergency or urgent humanitarian reasons")
    NONPROFIT_INTEREST = (
        "nonprofit_interest",
        _("A nonprofit furthering the cultural or social interests of the United States"),
    )
    GOVERNMENT_INTEREST = "government_interest", _("U.S. government interests")
    AGENCY_ERROR = "agency_error", _("Clear agency error")


class Outcome(models.TextChoices):
    NONE = "", _("None")
    DONE = "done", _("Done")
    ADDRESS_UPDATED = "address_updated", _("Address updated")
    EXPEDITE_APPROVED = "expedite_approved", _("Expedite approved")
    EXPEDITE_DENIED = "expedite_denied", _("Expedite denied")
    REFERRED = "referred", _("Referred abroad")


class ReplyChannel(models.TextChoices):
    EMAIL = "email", _("Email")
    SMS = "sms", _("Text message")
    NONE = "", _("No written contact")


class ServiceRequest(TimeStampedModel):
    """One request, worked by the office it is routed to (``office``): the office work queue is
    the open requests of an office, in due-date order."""

    number = models.CharField(max_length=8, unique=True)
    type = models.ForeignKey(ServiceRequestType, on_delete=models.PROTECT, related_name="+")
    inquiry = models.ForeignKey(
        "inquiries.Inquiry", on_delete=models.PROTECT, related_name="service_requests"
    )
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    office = models.ForeignKey("offices.Office", on_delete=models.PROTECT, related_name="+")
    state = models.CharField(
        max_length=20, choices=ServiceRequestState.choices, default=ServiceRequestState.ROUTED
    )
    submitted_by = models.CharField(max_length=10, choices=Submitter.choices)
    submitted_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    language = models.CharField(max_length=2, default="en")
    reply_channel = models.CharField(max_length=5, choices=ReplyChannel.choices, blank=True)
    high_priority = models.BooleanField(default=False)
    # Type-specific details; personal data (a new address, an explanation) may be among them.
    details = models.JSONField(default=dict, blank=True)
    due_at = models.DateTimeField()
    opened_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["office", "due_at", "id"],
                condition=Q(state__in=["routed", "in_progress"]),
                name="sr_office_open_due",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(number__regex=r"^[1-9][0-9]{7}$"), name="sr_number_8_digits"
            ),
            # The database, not only the service, refuses a second open request of one type
            # on one case, so two agents submitting at the same moment cannot both succeed.
            models.UniqueConstraint(
                fields=["case", "type"],
                condition=Q(state__in=["routed", "in_progress"]),
                name="sr_one_open_per_case_and_type",
            ),
            models.CheckConstraint(
                condition=~Q(state="resolved") | Q(resolved_at__isnull=False),
                name="sr_resolved_has_time",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES


class EventKind(models.TextChoices):
    CREATED = "created", _("Created")
    ROUTED = "routed", _("Routed")
    REFERRED = "referred", _("Referred")
    OPENED = "opened", _("Opened")
    REPLY = "reply", _("Reply to the person")
    TRANSFERRED = "transferred", _("Transferred")
    ADDRESS_UPDATED = "address_updated", _("Address verified and updated")
    EXPEDITE_DECIDED = "expedite_decided", _("Expedite decided")
    RESOLVED = "resolved", _("Resolved")


class ServiceRequestEvent(models.Model):
    """One entry in a request's history."""

    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    office = models.ForeignKey(
        "offices.Office", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    body = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["request", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.request_id} {self.kind}"


class EvidenceFile(models.Model):
    """A file sent with an expedite request, kept outside the web root (PRIVATE_FILES_ROOT)."""

    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="evidence")
    # Relative to the private files root; a random name, never the one the person gave.
    path = models.CharField(max_length=200, unique=True)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["request", "id"]

    def __str__(self) -> str:
        return f"evidence {self.pk} of {self.request_id}"
