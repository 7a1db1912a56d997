"""Desk forms: they parse and bound input; the services decide what is allowed."""

from __future__ import annotations

import re

from django import forms
from django.conf import settings
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from contactcenter.core.languages import active_language
from contactcenter.inquiries.models import Urgency, VerifiedAs
from contactcenter.inquiries.selectors import dispositions_for_agents
from contactcenter.routing.models import CallOutcome, Presence, TransferMode

_TRANSFER_TARGET = re.compile(r"^(queue|agent):([1-9][0-9]{0,9})$")
_PHONE_NOISE = re.compile(r"[\s().\-]+")
_E164 = re.compile(r"^\+[1-9][0-9]{7,14}$")


class LongSelect(forms.Select):
    """A select written in Python rather than through a template per option: the transfer
    list names every colleague at the desk, and the form renderer's templates cost a large
    part of the workspace page once there are dozens. Same markup as ``forms.Select``."""

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        chosen = "" if value is None else str(value)
        final = self.build_attrs(self.attrs, attrs)
        final["name"] = name

        def option(key, label) -> SafeString:
            if str(key) == chosen:
                return format_html('<option value="{}" selected>{}</option>', key, label)
            return format_html('<option value="{}">{}</option>', key, label)

        def part(key, label) -> SafeString:
            if isinstance(label, list | tuple):  # a group: (group label, [(key, label), ...])
                inner = format_html_join("", "{}", ((option(k, v),) for k, v in label))
                return format_html('<optgroup label="{}">{}</optgroup>', key, inner)
            return option(key, label)

        options = format_html_join("", "{}", ((part(k, v),) for k, v in self.choices))
        return format_html("<select{}>{}</select>", flatatt(final), options)


class UswdsForm(forms.Form):
    """Gives each widget the U.S. Web Design System class its kind needs."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.RadioSelect):
                continue
            css = (
                "usa-select" if isinstance(widget, forms.Select)
                else "usa-textarea" if isinstance(widget, forms.Textarea)
                else "usa-input"
            )  # fmt: skip
            widget.attrs["class"] = css


class PresenceForm(forms.Form):
    presence = forms.ChoiceField(
        label=_("Presence"),
        choices=[(p.value, p.label) for p in Presence if p != Presence.BUSY],
    )


class IdentityForm(UswdsForm):
    receipt_number = forms.CharField(label=_("Receipt number"), max_length=20)
    claimed_as = forms.ChoiceField(
        label=_("The caller is"),
        choices=[(VerifiedAs.APPLICANT.value, VerifiedAs.APPLICANT.label),
                 (VerifiedAs.REPRESENTATIVE.value, VerifiedAs.REPRESENTATIVE.label)],
        widget=forms.RadioSelect,
        initial=VerifiedAs.APPLICANT.value,
    )  # fmt: skip
    date_of_birth = forms.DateField(
        label=_("Applicant's date of birth"), widget=forms.DateInput(attrs={"type": "date"})
    )
    zip_code = forms.CharField(label=_("ZIP code on file (applicant)"), max_length=10,
                               required=False)  # fmt: skip
    a_number_last4 = forms.CharField(
        label=_("Last four digits of the A-Number (applicant)"), max_length=4, required=False
    )
    bar_number = forms.CharField(label=_("Bar number (representative)"), max_length=30,
                                 required=False)  # fmt: skip

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Needed or not by who is calling and by the agency's rule, so never "(optional)".
        for name in ("zip_code", "a_number_last4", "bar_number"):
            self.fields[name].hide_optional = True  # type: ignore[attr-defined]  # form_field
        self.fields["zip_code"].help_text = (
            _("Ask for both the ZIP code and the A-Number's last four digits.")
            if settings.IDENTITY_APPLICANT_EXTRA_ANSWERS == 2
            else _("Ask for the ZIP code or the A-Number's last four digits; one is enough.")
        )

    def clean(self) -> dict:
        data = super().clean() or {}
        if data.get("claimed_as") == VerifiedAs.APPLICANT.value:
            given = [name for name in ("zip_code", "a_number_last4") if data.get(name, "").strip()]
            if len(given) < settings.IDENTITY_APPLICANT_EXTRA_ANSWERS:
                raise forms.ValidationError(
                    _("Enter both the ZIP code and the A-Number's last four digits.")
                    if settings.IDENTITY_APPLICANT_EXTRA_ANSWERS == 2
                    else _("Enter the ZIP code or the A-Number's last four digits.")
                )
        elif (
            data.get("claimed_as") == VerifiedAs.REPRESENTATIVE.value
            and not data.get("bar_number", "").strip()
        ):
            raise forms.ValidationError(_("Enter the representative's bar number."))
        return data

    def answers(self) -> dict[str, str]:
        data = self.cleaned_data
        return {
            "date_of_birth": data["date_of_birth"].isoformat(),
            "zip_code": data.get("zip_code", ""),
            "a_number_last4": data.get("a_number_last4", ""),
            "bar_number": data.get("bar_number", ""),
        }


class NoteForm(UswdsForm):
    body = forms.CharField(label=_("Note"), max_length=10_000, widget=forms.Textarea(
        attrs={"rows": 3}))  # fmt: skip


class EmailReplyForm(UswdsForm):
    body = forms.CharField(label=_("Your reply"), max_length=20_000, widget=forms.Textarea(
        attrs={"rows": 6}))  # fmt: skip
    includes_case_details = forms.BooleanField(
        label=_("This reply gives details of the person's case"), required=False
    )


class ReplyLetterForm(UswdsForm):
    body = forms.CharField(label=_("The letter's text"), max_length=10_000, widget=forms.Textarea(
        attrs={"rows": 6}))  # fmt: skip


class EscalateForm(UswdsForm):
    reason = forms.CharField(label=_("Reason for the escalation"), max_length=500,
                             widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices)


class SupervisorRequestForm(UswdsForm):
    reason = forms.CharField(label=_("Why a supervisor is needed"), max_length=500,
                             required=False)  # fmt: skip


class CallbackForm(UswdsForm):
    phone = forms.CharField(label=_("Phone number for the callback"), max_length=30,
                            help_text=_("For example 402-555-0142 or +14025550142."))  # fmt: skip

    def clean_phone(self) -> str:
        """A ten-digit U.S. number or any number in international form, kept as E.164 so the
        text-ahead message can reach it."""
        raw = _PHONE_NOISE.sub("", self.cleaned_data["phone"])
        if raw.isdigit() and len(raw) == 10:
            raw = "+1" + raw
        elif raw.isdigit() and len(raw) == 11 and raw.startswith("1"):
            raw = "+" + raw
        if not _E164.match(raw):
            raise forms.ValidationError(
                _("Enter a ten-digit U.S. phone number or a number starting with +.")
            )
        return raw


class ResolveForm(UswdsForm):
    """The dispositions offered are the active ones, in the page's language (escalating is its
    own action, so its code is not offered here)."""

    disposition = forms.ChoiceField(label=_("Disposition"))
    note = forms.CharField(label=_("Closing note"), max_length=2000, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        offered = dispositions_for_agents(language=active_language())
        field = self.fields["disposition"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("- Choose -")), *offered]


class UnlockForm(UswdsForm):
    reason = forms.CharField(label=_("How the person's identity was confirmed"), max_length=500)


class AttemptForm(UswdsForm):
    outcome = forms.ChoiceField(label=_("How the call went"), choices=CallOutcome.choices)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class ReassignForm(UswdsForm):
    agent = forms.IntegerField(label=_("Agent"), min_value=1)


class TransferForm(UswdsForm):
    """Where to transfer the contact (one list: queues, then colleagues), cold or warm, and
    the note; the service decides whether that target may take it."""

    target = forms.CharField(label=_("Transfer to"), max_length=30, widget=LongSelect)
    mode = forms.ChoiceField(
        label=_("Kind of transfer"), choices=TransferMode.choices, widget=forms.RadioSelect,
        initial=TransferMode.WARM.value,
    )  # fmt: skip
    note = forms.CharField(
        label=_("Note for the colleague who takes it"), max_length=2000, required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required for a warm transfer. Kept on the inquiry as an internal note."),
    )  # fmt: skip

    def __init__(self, *args, options=None, language: str = "en", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["note"].hide_optional = True  # type: ignore[attr-defined]  # form_field
        choices: list = [("", _("- Choose -"))]
        if options is not None:
            if options.queues:
                queues = [(f"queue:{q.pk}", q.name(language)) for q in options.queues]
                choices.append((_("Queues"), queues))
            if options.agents:
                # Each presence's label translated once, not once per colleague (Django's
                # get_presence_display() rebuilds the choices' lookup on every call).
                presence = {value: str(label) for value, label in Presence.choices}
                agents = [
                    (f"agent:{a.pk}", f"{a.user.get_full_name() or a.user.get_username()} "
                                      f"({presence.get(a.presence, a.presence)})")
                    for a in options.agents
                ]  # fmt: skip
                choices.append((_("Colleagues at the desk"), agents))
        self.fields["target"].widget.choices = choices

    def clean_target(self) -> tuple[str, int]:
        match = _TRANSFER_TARGET.match(self.cleaned_data["target"])
        if match is None:
            raise forms.ValidationError(_("Choose a queue or a colleague from the list."))
        return match.group(1), int(match.group(2))

    def clean(self) -> dict:
        data = super().clean() or {}
        if data.get("mode") == TransferMode.WARM.value and not data.get("note", "").strip():
            raise forms.ValidationError(
                _("A warm transfer needs a note for the colleague who takes it.")
            )
        return data
