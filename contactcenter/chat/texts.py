"""Everything the chat scripts say (the public widget and the desk's chat panel), in the
language of the page they are on."""

from __future__ import annotations

from django.utils.translation import gettext as _


def widget_texts() -> dict[str, str]:
    """Everything the widget's script says, in the page's language."""
    return {
        "you": _("You"),
        "survey_choose": _("Choose a score from 1 to 5."),
        "survey_thanks": _("Thank you for your answer."),
        "assistant": _("Virtual assistant"),
        "agent": _("Agent"),
        "agent_named": _("Agent %(name)s"),
        "sending": _("Sending…"),
        "sent": _("Sent"),
        "delivered": _("Delivered"),
        "read": _("Read"),
        "typing": _("The agent is typing…"),
        "masked": _(
            "For your safety we hid the personal information in your message (%(kinds)s). "
            "Do not share it in this chat."
        ),
        "waiting": _("You are in line for a live agent."),
        "position": _(
            "You are number %(position)s in line. Estimated wait: about %(minutes)s minutes."
        ),
        "position_one_minute": _(
            "You are number %(position)s in line. Estimated wait: about 1 minute."
        ),
        "position_unknown": _(
            "You are number %(position)s in line. We cannot estimate the wait right now."
        ),
        "agent_joined": _("%(name)s joined the chat."),
        "agent_joined_anonymous": _("An agent joined the chat."),
        "supervisor_joined": _("A supervisor joined the chat."),
        "transferred_tier2": _(
            "Your question was passed to a Tier 2 officer. They will contact you; your "
            "inquiry number is %(reference)s."
        ),
        "supervisor_requested": _("The agent asked a supervisor to join."),
        "transferring": _("You are being transferred to another agent. Please stay in the chat."),
        "callback_scheduled": _("The agent scheduled a call back to you."),
        "ended_by_person": _("You ended the chat."),
        "ended_by_agent": _("The agent ended the chat."),
        "ended": _("This chat has ended."),
        "reconnecting": _("Connection lost. Reconnecting… Your messages are kept."),
        # The server closed the socket with 1013: its Redis is away for a moment.
        "unavailable": _("Live chat is briefly unavailable. Reconnecting… Your messages are kept."),
        "error": _("Something went wrong. Please try again."),
        "closed_now": _(
            "Live chat is closed now. It is open Monday to Friday, 8 a.m. to 8 p.m. "
            "Eastern, except federal holidays."
        ),
        "thanks": _("Thank you. Ask another question any time."),
        # The secure identity form (chat/identity_form.html).
        "identity_form": _(
            "The agent asked you to verify your identity. Use the secure form; do not type "
            "the answers in the chat."
        ),
        "identity_passed": _("Your identity was verified."),
        "identity_failed": _("The answers do not match our records."),
        "identity_locked": _(
            "We could not verify your identity. The agent will tell you what you can do next."
        ),
        "identity_sending": _("Checking your answers…"),
    }


def desk_panel_texts() -> dict[str, str]:
    """What the desk's chat panel says, in the agent's language."""
    return {
        "person": _("Person"),
        "assistant": _("Virtual assistant"),
        "agent": _("Agent"),
        "you": _("You"),
        "notice": _("Notice"),
        "sending": _("sending"),
        "sent": _("Sent"),
        "delivered": _("Delivered"),
        "read": _("Read"),
        "typing": _("The person is typing…"),
        "connected": _("Connected."),
        "reconnecting": _("Connection lost; reconnecting. Nothing is lost."),
        "unavailable": _("Live updates are briefly unavailable; reconnecting. Nothing is lost."),
        "waiting": _("The person is waiting for an agent."),
        "agent_joined": _("An agent joined."),
        "supervisor_joined": _("A supervisor joined."),
        "transferred_tier2": _("Escalated to Tier 2."),
        "supervisor_requested": _("A supervisor was asked to join."),
        "transferring": _("The person was told they are being transferred."),
        "callback_scheduled": _("A callback was scheduled."),
        "ended_by_person": _("The person ended the chat."),
        "ended_by_agent": _("The chat was ended."),
        # What the person typed, shown only to the agent working the chat, as it arrives.
        "typed_note": _("As typed; shown only to you. Masked in the record."),
        "masked_note": _("Masked in the record"),
        "use_for_identity": _("Use for identity check"),
        "identity_receipt_number": _("Receipt number"),
        "identity_date_of_birth": _("Date of birth"),
        "identity_zip_code": _("ZIP code"),
        "identity_a_number_last4": _("A-Number, last four digits"),
        "identity_copied": _("Copied into the identity form: %(field)s."),
        "identity_form": _("The person was asked to answer in the secure identity form."),
        "identity_passed": _("Identity verified through the secure form."),
        "identity_failed": _("The answers in the secure form do not match our records."),
        "identity_locked": _(
            "The answers in the secure form do not match our records. Identity checks are now "
            "locked for this inquiry; a supervisor must review it."
        ),
        "show_case": _("Show the case"),
    }
