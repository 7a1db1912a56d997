"""Forms parse input only; the rules live in services.py and request_types.py.

The request form is built per kind of request (``details_form``): only that kind's details,
with the labels, hints and chosen values' words from the types file, in the page's language.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from contactcenter.servicerequests.models import ServiceRequestType
from contactcenter.servicerequests.request_types import (
    CHOICE_DETAILS,
    DATE_DETAILS,
    LONG_TEXT_DETAILS,
    detail_texts,
)


class ReplyForm(forms.Form):
    body = forms.CharField(label=_("Answer to the person"), widget=forms.Textarea, max_length=4000)


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Resolution"), widget=forms.Textarea, max_length=4000)


class TransferForm(forms.Form):
    """The office picker: the offices a request may go to, by name (the value is the code)."""

    office = forms.ChoiceField(label=_("Send it to"), widget=forms.Select({"class": "usa-select"}))
    reason = forms.CharField(label=_("Reason for the transfer"), max_length=500,
                             widget=forms.TextInput({"class": "usa-input"}))  # fmt: skip

    def __init__(self, *args, offices: list, language: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        groups: dict[str, list[tuple[str, str]]] = {}
        for office in offices:
            groups.setdefault(str(office.get_kind_display()), []).append(
                (office.code, office.name(language))
            )
        self.fields["office"].choices = [  # type: ignore[attr-defined]
            ("", _("Choose an office")),
            *((kind, rows) for kind, rows in groups.items()),
        ]


class DecisionForm(forms.Form):
    reason = forms.CharField(label=_("Reason for the decision"), widget=forms.Textarea,
                             max_length=2000)  # fmt: skip


# --- A date as month, day and year (the USWDS memorable date) ---------------------------------

_PARTS = ("month", "day", "year")


class MemorableDateWidget(forms.MultiWidget):
    """Three boxes for month, day and year. What was typed comes back as typed, so a wrong
    date is shown again for correction; a caller posting ``name=YYYY-MM-DD`` is read too."""

    template_name = "servicerequests/widgets/memorable_date.html"
    use_fieldset = True

    def __init__(self, attrs: dict | None = None) -> None:
        numeric = {"class": "usa-input", "inputmode": "numeric", "autocomplete": "off"}
        super().__init__(
            {
                "month": forms.TextInput({**numeric, "maxlength": "2", "pattern": "[0-9]*"}),
                "day": forms.TextInput({**numeric, "maxlength": "2", "pattern": "[0-9]*"}),
                "year": forms.TextInput({**numeric, "maxlength": "4", "pattern": "[0-9]*"}),
            },
            attrs,
        )

    def decompress(self, value: object) -> list[str | None]:
        if isinstance(value, str):
            try:
                day = dt.date.fromisoformat(value)
            except ValueError:
                return [None, None, None]
            return [str(day.month), str(day.day), str(day.year)]
        return [None, None, None]

    def value_from_datadict(self, data, files, name: str) -> Any:
        if name in data:
            return data.get(name)
        parts = [str(data.get(f"{name}_{part}", "")).strip() for part in _PARTS]
        return parts if any(parts) else ""

    def value_omitted_from_data(self, data, files, name: str) -> bool:
        return name not in data and all(f"{name}_{part}" not in data for part in _PARTS)


class MemorableDateField(forms.Field):
    """A calendar date from the three boxes (or one ISO text), cleaned to ``YYYY-MM-DD``."""

    widget = MemorableDateWidget
    default_error_messages = {
        "incomplete": _("Give the month, the day and the four-digit year."),
        "invalid": _("That is not a real date: check the month, the day and the year."),
    }

    def to_python(self, value: object) -> str:
        if value in (None, "", [], ["", "", ""]):
            return ""
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value.strip()).isoformat()
            except ValueError:
                raise forms.ValidationError(self.error_messages["invalid"], "invalid") from None
        if not isinstance(value, list | tuple) or len(value) != 3:
            raise forms.ValidationError(self.error_messages["invalid"], "invalid")
        month, day, year = (str(part).strip() for part in value)
        if not (month and day and year) or len(year) != 4:
            raise forms.ValidationError(self.error_messages["incomplete"], "incomplete")
        if not (month.isdigit() and day.isdigit() and year.isdigit()):
            raise forms.ValidationError(self.error_messages["invalid"], "invalid")
        try:
            return dt.date(int(year), int(month), int(day)).isoformat()
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], "invalid") from None


# --- The request form, one kind at a time -----------------------------------------------------

_TEXT_LENGTHS = {"street": 200, "city": 80, "state": 2, "zip_code": 10}


def _detail_field(name: str, *, required: bool, language: str) -> forms.Field:
    text = detail_texts()[name]
    field: forms.Field
    if name in CHOICE_DETAILS:
        choices = [(value, text.choice(value, language)) for value in CHOICE_DETAILS[name]]
        field = forms.ChoiceField(choices=[("", _("- Select -")), *choices])
    elif name in DATE_DETAILS:
        field = MemorableDateField()
    elif name in LONG_TEXT_DETAILS:
        field = forms.CharField(
            widget=forms.Textarea(attrs={"rows": 4}), max_length=4000, strip=False
        )
    else:
        attrs = {"autocomplete": "off"}
        if name == "state":
            attrs |= {"class": "usa-input usa-input--mini", "autocapitalize": "characters"}
        if name == "zip_code":
            attrs |= {"class": "usa-input usa-input--small", "inputmode": "numeric"}
        field = forms.CharField(widget=forms.TextInput(attrs=attrs), max_length=_TEXT_LENGTHS[name])
    field.label, field.help_text, field.required = (
        text.label(language), text.hint(language), required,
    )  # fmt: skip
    field.widget.is_required = required
    return field


_CLASSES = {
    "select": "usa-select",
    "textarea": "usa-textarea",
    "clearablefileinput": "usa-file-input",
}


class UswdsBoundField(forms.BoundField):
    """A field drawn for USWDS: its hint and its error are read with it by screen readers."""

    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        if not (widget or self.field.widget).use_fieldset:
            described = [f"{self.auto_id}-hint"] if self.help_text else []
            described += [f"{self.auto_id}-error"] if self.errors else []
            if described:
                attrs["aria-describedby"] = " ".join(described)
        return attrs


class DetailsForm(forms.Form):
    """The details of one kind of request, then how the person wants the answer."""

    bound_field_class = UswdsBoundField

    def __init__(
        self,
        *args,
        request_type: ServiceRequestType,
        language: str,
        evidence: bool,
        for_person: bool = False,
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.request_type = request_type
        required = set(request_type.required_details)
        for name in [*request_type.required_details, *request_type.optional_details]:
            self.fields[name] = _detail_field(name, required=name in required, language=language)
        self.fields["reply_channel"] = forms.ChoiceField(
            label=_("Send the answer by"),
            choices=[
                (
                    "",
                    _("Email if we have your address, otherwise a text message")
                    if for_person
                    else _("What the person gave or has on file: email first, then text"),
                ),
                ("email", _("Email")),
                ("sms", _("Text message")),
            ],
            required=False,
        )
        if evidence:
            self.fields["evidence"] = forms.FileField(
                label=_("Evidence file (PDF, JPEG or PNG)"),
                help_text=_("If the page shows an error, choose the file again."),
                widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
            )
        for field in self.fields.values():
            widget = field.widget
            if not isinstance(widget, MemorableDateWidget):
                kind = widget.__class__.__name__.lower()
                default = next((css for key, css in _CLASSES.items() if key in kind), "usa-input")
                widget.attrs.setdefault("class", default)

    @property
    def detail_names(self) -> list[str]:
        return [*self.request_type.required_details, *self.request_type.optional_details]

    def details(self) -> dict[str, str]:
        return {
            name: self.cleaned_data[name]
            for name in self.detail_names
            if self.cleaned_data.get(name)
        }

    def error_place(self, field: object, message: str) -> None:
        """A refusal from the service, under the detail it names or at the top."""
        if isinstance(field, str) and field in self.fields:
            self.add_error(field, message)
        else:
            self.add_error(None, message)
