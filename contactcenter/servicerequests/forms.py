from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from contactcenter.servicerequests.models import ExpediteCriterion, ReplyChannel
from contactcenter.servicerequests.request_types import ACCOMMODATIONS, APPOINTMENT_KINDS, DOCUMENTS


class ReplyForm(forms.Form):
    body = forms.CharField(label=_("Answer to the person"), widget=forms.Textarea, max_length=4000)


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Resolution"), widget=forms.Textarea, max_length=4000)


class TransferForm(forms.Form):
    office = forms.CharField(label=_("Office code"), max_length=8)
    reason = forms.CharField(label=_("Reason for the transfer"), max_length=500)


class DecisionForm(forms.Form):
    reason = forms.CharField(label=_("Reason for the decision"), widget=forms.Textarea,
                             max_length=2000)  # fmt: skip


def _choices(values: tuple[str, ...]) -> list[tuple[str, str]]:
    return [("", "—"), *((value, value.replace("_", " ")) for value in values)]


class CreateForm(forms.Form):
    """Every detail any type takes; the service checks which ones this type needs."""

    type_code = forms.ChoiceField(label=_("Kind of request"))
    reply_channel = forms.ChoiceField(
        label=_("Answer by"), choices=ReplyChannel.choices, required=False
    )
    description = forms.CharField(label=_("Description"), widget=forms.Textarea, required=False)
    document = forms.ChoiceField(label=_("Document"), choices=_choices(DOCUMENTS), required=False)
    mailed_on = forms.CharField(label=_("Mailed on (YYYY-MM-DD)"), required=False)
    street = forms.CharField(label=_("Street"), required=False)
    city = forms.CharField(label=_("City"), required=False)
    state = forms.CharField(label=_("State"), required=False)
    zip_code = forms.CharField(label=_("ZIP code"), required=False)
    moved_on = forms.CharField(label=_("Moved on (YYYY-MM-DD)"), required=False)
    accommodation = forms.ChoiceField(
        label=_("Accommodation"), choices=_choices(ACCOMMODATIONS), required=False
    )
    criterion = forms.ChoiceField(
        label=_("Expedite criterion"),
        choices=[("", "—"), *ExpediteCriterion.choices],
        required=False,
    )
    explanation = forms.CharField(label=_("Explanation"), widget=forms.Textarea, required=False)
    appointment_kind = forms.ChoiceField(
        label=_("Appointment"), choices=_choices(APPOINTMENT_KINDS), required=False
    )
    appointment_on = forms.CharField(label=_("Appointment date (YYYY-MM-DD)"), required=False)
    evidence = forms.FileField(label=_("Evidence file (PDF, JPEG or PNG)"), required=False)

    DETAIL_FIELDS = (
        "description", "document", "mailed_on", "street", "city", "state", "zip_code",
        "moved_on", "accommodation", "criterion", "explanation", "appointment_kind",
        "appointment_on",
    )  # fmt: skip

    def __init__(self, *args, type_choices: list[tuple[str, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["type_code"].choices = type_choices  # type: ignore[attr-defined]

    def details(self) -> dict[str, str]:
        return {
            name: self.cleaned_data[name]
            for name in self.DETAIL_FIELDS
            if self.cleaned_data.get(name)
        }
