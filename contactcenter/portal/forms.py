"""Forms parse input only; the rules live in services.py."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from contactcenter.appointments.reasons import catalogue, reasons_requestable
from contactcenter.servicerequests.forms import DetailsForm
from contactcenter.servicerequests.models import Rule, ServiceRequestType


class AccessCodeForm(forms.Form):
    receipt_number = forms.CharField(
        label=_("Receipt number"),
        max_length=20,
        help_text=_("13 characters: three letters and ten numbers, for example EAC2490012345."),
    )
    code = forms.CharField(
        label=_("Online Access Code"),
        max_length=20,
        help_text=_("Printed on your notice, for example ABCD-EFGH-JKMN."),
    )


class RepresentativeForm(forms.Form):
    bar_number = forms.CharField(label=_("Bar number or accreditation number"), max_length=40)


class ThreadForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=120)
    body = forms.CharField(
        label=_("Your message"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=5000,
        help_text=_("Do not include your Social Security number."),
    )


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Your message"), widget=forms.Textarea(attrs={"rows": 5}), max_length=5000
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            if not data:
                single(None, initial)  # "This field is required." when it is
                return []
            return [single(item, initial) for item in data]
        return [single(data, initial)]


class EvidenceForm(forms.Form):
    label = forms.CharField(
        label=_("What are you sending? (optional)"), max_length=120, required=False
    )
    evidence_files = MultipleFileField(label=_("Files (PDF, JPEG or PNG, at most 10 MB each)"))


def service_request_form(
    request_type: ServiceRequestType, *args, language: str, **kwargs
) -> forms.Form:
    """The request form of one kind: its details with their labels and hints in the page's
    language (the same form agents fill in), then the evidence an expedite needs."""
    form = DetailsForm(
        *args, request_type=request_type, language=language, evidence=False, for_person=True,
        **kwargs,
    )  # fmt: skip
    if request_type.rule == Rule.EXPEDITE:
        # An expedite request is decided on its evidence: the files go with the request.
        form.fields["evidence_files"] = MultipleFileField(
            label=_("Files (PDF, JPEG or PNG, at most 10 MB each)"),
            help_text=_(
                "Evidence for the reason you chose, for example a medical letter or a notice. "
                "Up to 5 files."
            ),
        )
    return form


class AppointmentForm(forms.Form):
    reason = forms.ChoiceField(label=_("Why do you need an appointment?"))
    zip_code = forms.CharField(label=_("ZIP code where you live"), max_length=10)
    accommodations = forms.MultipleChoiceField(
        label=_("Accommodations you need (optional)"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    accommodation_note = forms.CharField(
        label=_("Describe the accommodation (optional)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=500,
        required=False,
    )
    details = forms.CharField(
        label=_("Anything else we should know (optional)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
    )

    def __init__(self, *args, language: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = [  # type: ignore[attr-defined]
            (r.code, r.title(language)) for r in reasons_requestable()
        ]
        self.fields["accommodations"].choices = [  # type: ignore[attr-defined]
            (a.code, a.title(language)) for a in catalogue().accommodations.values()
        ]


class HoneypotMixin(forms.Form):
    # Hidden from people (CSS and aria-hidden); a program that fills every field fills it.
    website = forms.CharField(required=False, label=_("Leave this field empty"))


class AccountHelpForm(HoneypotMixin):
    topic = forms.ChoiceField(
        label=_("What is the problem?"),
        choices=[
            ("password", _("I forgot my password or cannot reset it")),
            ("locked", _("My account is locked")),
            ("access_code", _("My Online Access Code does not work")),
            ("other", _("Another technical problem with the online account")),
        ],
    )
    description = forms.CharField(
        label=_("Describe the problem"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=2000,
        help_text=_("Do not include your receipt number, A-Number or other case details."),
    )
    email = forms.EmailField(label=_("Email address"), required=False)
    phone = forms.CharField(label=_("Phone number"), max_length=20, required=False)


class FeedbackForm(HoneypotMixin):
    kind = forms.ChoiceField(
        label=_("What kind of feedback is this?"),
        choices=[
            ("compliment", _("A compliment")),
            ("complaint_service", _("A complaint about our service")),
            ("complaint_officer", _("A complaint about an officer or employee")),
            ("misconduct", _("Report misconduct by an employee")),
            ("fraud", _("Report fraud (a tip)")),
            ("accessibility", _("An accessibility problem (Section 508)")),
        ],
    )
    body = forms.CharField(
        label=_("Tell us what happened"), widget=forms.Textarea(attrs={"rows": 6}), max_length=5000
    )
    anonymous = forms.BooleanField(
        label=_("Send this anonymously (fraud tips and misconduct reports only)"), required=False
    )
    email = forms.EmailField(label=_("Email address (optional)"), required=False)
    phone = forms.CharField(label=_("Phone number (optional)"), max_length=20, required=False)


class EventRegistrationForm(HoneypotMixin):
    name = forms.CharField(label=_("Your name"), max_length=120)
    email = forms.EmailField(label=_("Email address"))
