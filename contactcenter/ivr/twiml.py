"""A turn as TwiML, built with the ``twilio`` library's builders (never by hand).

Every later request reaches the next step through the ``action`` of a ``<Gather>`` or, when the
caller says nothing, the ``<Redirect>`` after it; both carry the next step number, so a retried
request is recognised and answered from the stored turn.
"""

from __future__ import annotations

from twilio.twiml.voice_response import Gather, VoiceResponse

from contactcenter.ivr.engine import Turn

VOICE_LANGUAGES = {"en": "en-US", "es": "es-US"}
GATHER_TIMEOUT_SECONDS = 6
HOLD_PAUSE_SECONDS = 20


def render(turn: Turn, *, next_url: str) -> str:
    response = VoiceResponse()
    if turn.hangup or turn.listen is None:
        for prompt in turn.prompts:
            response.say(prompt.text, language=VOICE_LANGUAGES[prompt.language])
        response.hangup()
        return str(response)
    listen = turn.listen
    if turn.hold:
        # Waiting in line: one key (1 for a callback) while the announcement and a pause play;
        # with no key pressed the caller comes back for a fresh position and wait.
        gather = Gather(
            input="dtmf", action=next_url, method="POST", num_digits=1, timeout=1,
            action_on_empty_result=False,
        )  # fmt: skip
        for prompt in turn.prompts:
            gather.say(prompt.text, language=VOICE_LANGUAGES[prompt.language])
        gather.pause(length=HOLD_PAUSE_SECONDS)
    else:
        options: dict[str, object] = {}
        if listen.num_digits:
            options["num_digits"] = listen.num_digits
        if listen.hints:
            options["hints"] = ", ".join(listen.hints)
        gather = Gather(
            input="dtmf speech", action=next_url, method="POST",
            language=VOICE_LANGUAGES[listen.language], timeout=GATHER_TIMEOUT_SECONDS,
            speech_timeout="auto", finish_on_key=listen.finish_on_key, **options,
        )  # fmt: skip
        for prompt in turn.prompts:
            gather.say(prompt.text, language=VOICE_LANGUAGES[prompt.language])
    response.append(gather)
    response.redirect(next_url, method="POST")
    return str(response)
