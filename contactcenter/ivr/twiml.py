"""A turn as TwiML, built with the ``twilio`` library's builders (never by hand).

Every later request reaches the next step through the ``action`` of a ``<Gather>`` or, when the
caller says nothing, the ``<Redirect>`` after it; both carry the next step number, so a retried
request is recognised and answered from the stored turn.
"""

from __future__ import annotations

import functools

from twilio.twiml.voice_response import Gather, VoiceResponse

from contactcenter.agency.selectors import agency_text, agency_text_without_database
from contactcenter.ivr.engine import Listen, Prompt, Turn

VOICE_LANGUAGES = {"en": "en-US", "es": "es-US"}
GATHER_TIMEOUT_SECONDS = 6
HOLD_PAUSE_SECONDS = 20


def render(turn: Turn, *, next_url: str, reuse: bool = True) -> str:
    """The turn's TwiML. Menus and questions are said to every caller alike, so their TwiML is
    kept once made (a few thousand small strings at most); ``reuse=False`` for a turn that
    carries one caller's case, which is built, answered and not kept. The agency's name,
    numbers and web address are filled in first, so a new agency profile is never answered
    from TwiML kept for the one before."""
    prompts = _agency_filled(turn.prompts)
    key = (prompts, turn.listen, turn.hold, turn.hangup or turn.listen is None, next_url)
    if reuse:
        return _render_kept(*key)
    return _render(*key)


def _render(prompts: tuple[Prompt, ...], listen: Listen | None, hold: bool, hangup: bool,
            next_url: str) -> str:  # fmt: skip
    response = VoiceResponse()
    if hangup or listen is None:
        for prompt in prompts:
            response.say(prompt.text, language=VOICE_LANGUAGES[prompt.language])
        response.hangup()
        return str(response)
    if hold:
        # Waiting in line: one key (1 for a callback) while the announcement and a pause play;
        # with no key pressed the caller comes back for a fresh position and wait.
        gather = Gather(
            input="dtmf", action=next_url, method="POST", num_digits=1, timeout=1,
            action_on_empty_result=False,
        )  # fmt: skip
        for prompt in prompts:
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
            language=VOICE_LANGUAGES[listen.language],
            timeout=listen.timeout or GATHER_TIMEOUT_SECONDS,
            speech_timeout="auto", finish_on_key=listen.finish_on_key, **options,
        )  # fmt: skip
        for prompt in prompts:
            gather.say(prompt.text, language=VOICE_LANGUAGES[prompt.language])
    response.append(gather)
    response.redirect(next_url, method="POST")
    return str(response)


_render_kept = functools.lru_cache(maxsize=4096)(_render)


def _agency_filled(prompts: tuple[Prompt, ...]) -> tuple[Prompt, ...]:
    """The prompts with the agency's placeholders (``{agency_web}``, ...) filled in."""
    if not any("{agency_" in prompt.text for prompt in prompts):
        return prompts
    return tuple(Prompt(agency_text(p.text, p.language), p.language) for p in prompts)


# Said when the turn could not be answered because the database failed (a restart, a lost
# connection). The call's language is not known then, so both are said.
TROUBLE_RETRYING = (
    ("en", "We are sorry, we are having a technical problem. Please stay on the line while we "
           "try again."),
    ("es", "Lo sentimos, tenemos un problema técnico. Por favor, permanezca en la línea "
           "mientras lo intentamos de nuevo."),
)  # fmt: skip
TROUBLE_GIVING_UP = (
    ("en", "We are sorry, we cannot take your call right now because of a technical problem. "
           "Please call again later, or visit {agency_web}. Goodbye."),
    ("es", "Lo sentimos, no podemos atender su llamada en este momento por un problema técnico. "
           "Por favor, llame más tarde o visite {agency_web}. Adiós."),
)  # fmt: skip
TROUBLE_PAUSE_SECONDS = 2


def trouble(*, retry_url: str | None) -> str:
    """TwiML for a turn that failed before anything of it was kept: an apology in both
    languages, then the same step again (``retry_url``, with nothing pressed, so the caller
    hears the question again), or, with ``retry_url`` None, a goodbye."""
    response = VoiceResponse()
    for language, text in TROUBLE_RETRYING if retry_url else TROUBLE_GIVING_UP:
        # The database has failed: the agency's web address comes from what is kept.
        spoken = agency_text_without_database(text, language)
        response.say(spoken, language=VOICE_LANGUAGES[language])
    if retry_url:
        response.pause(length=TROUBLE_PAUSE_SECONDS)
        response.redirect(retry_url, method="POST")
    else:
        response.hangup()
    return str(response)


def survey_question(*, prompts: tuple[Prompt, ...], language: str, next_url: str) -> str:
    """The survey's question after the call: one key (1 to 5) or a spoken number. Saying
    nothing comes back to ``next_url`` empty, which counts as an answer it cannot use."""
    response = VoiceResponse()
    gather = Gather(
        input="dtmf speech", action=next_url, method="POST", num_digits=1,
        language=VOICE_LANGUAGES[language], timeout=GATHER_TIMEOUT_SECONDS, speech_timeout="auto",
        hints=", ".join(SURVEY_HINTS[language]),
    )  # fmt: skip
    for prompt in _agency_filled(prompts):
        gather.say(prompt.text, language=VOICE_LANGUAGES[prompt.language])
    response.append(gather)
    response.redirect(next_url, method="POST")
    return str(response)


SURVEY_HINTS = {
    "en": ("one", "two", "three", "four", "five"),
    "es": ("uno", "dos", "tres", "cuatro", "cinco"),
}


def survey_goodbye(*, prompts: tuple[Prompt, ...]) -> str:
    response = VoiceResponse()
    for prompt in _agency_filled(prompts):
        response.say(prompt.text, language=VOICE_LANGUAGES[prompt.language])
    response.hangup()
    return str(response)
