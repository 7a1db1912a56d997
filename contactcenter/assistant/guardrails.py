"""What the assistant must notice before it answers: a wish for a person, personal data,
a question about one person's own case, and a request for legal advice."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import yaml

from contactcenter.assistant.analysis import DATA_DIR, edit_distance, normalize
from contactcenter.core.redaction import redact

# core.redaction's labels, as the API names them.
_KINDS = {
    "EMAIL": "email",
    "RECEIPT-NUMBER": "receipt_number",
    "SSN": "ssn",
    "A-NUMBER": "a_number",
    "DATE": "date_of_birth",
    "PHONE": "phone",
    "NUMBER": "number",
}

_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december|"
    "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|"
    "enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre|octubre|"
    "noviembre|diciembre"
)
# Dates written in words, which core.redaction (digits only) does not catch:
# "March 3, 1985", "3 March 1985", "3 de marzo de 1985".
_WORD_DATES = re.compile(
    rf"\b(?:(?:{_MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:de\s+)?(?:{_MONTHS})\.?,?\s+(?:de\s+|del\s+)?\d{{4}})\b",
    re.IGNORECASE,
)
# An SSN typed without separators, named as such ("ssn 123456789", "seguro social 123456789").
_BARE_SSN = re.compile(
    r"\b(?:ssn|social security(?: number)?|seguro social|numero de seguro social)"
    r"(?:\s*(?:is|es|:|#|no\.?))*\s*(\d{9})\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class PersonalData:
    masked: str
    kinds: list[str]


def personal_data_find(text: str) -> PersonalData:
    """The text with personal data masked, and the kinds found (in the order found)."""
    kinds: list[str] = []

    def bare_ssn(match: re.Match[str]) -> str:
        kinds.append("ssn")
        start, end = match.span(1)
        whole = match.group(0)
        offset = match.start(0)
        return whole[: start - offset] + "[SSN]" + whole[end - offset :]

    def word_date(match: re.Match[str]) -> str:
        kinds.append("date_of_birth")
        return "[DATE]"

    text = _BARE_SSN.sub(bare_ssn, text)
    text = _WORD_DATES.sub(word_date, text)
    result = redact(text)
    kinds.extend(_KINDS.get(label, label.lower()) for label in result.kinds)
    return PersonalData(masked=result.text, kinds=list(dict.fromkeys(kinds)))


@lru_cache(maxsize=1)
def _handoff_phrases() -> dict[str, tuple[frozenset[str], re.Pattern[str]]]:
    data = yaml.safe_load((DATA_DIR / "handoff.yaml").read_text(encoding="utf-8"))
    phrases = {}
    for language in ("en", "es"):
        whole = frozenset(normalize(p) for p in data[language]["whole"])
        alternation = "|".join(
            re.escape(normalize(p))
            for p in sorted(data[language]["anywhere"], key=len, reverse=True)
        )
        phrases[language] = (whole, re.compile(rf"\b(?:{alternation})\b"))
    return phrases


_POLITE = re.compile(
    r"\b(?:please|pls|plz|now|hi|hello|hey|ok|okay|thanks|thank you|i want|i need|i would like"
    r"|id like|can i|could i|may i|let me|give me|a|an|the|to|with|talk|speak|por favor|hola"
    r"|ahora|gracias|quiero|necesito|puedo|un|una|el|la|con|hablar|ya|me|mi|my|just|yes|si)\b"
)


# "<verb of reaching> (to|with) (a|an|some...) <person>", in either language: catches the
# many ways of asking for a person that the phrase lists cannot all spell out.
_REACH_PERSON = re.compile(
    r"\b(?:talk|speak|chat|connect|transfer|put|reach|get|contact|transferred|connected)"
    r"(?: me)?(?: through)? (?:to|with)? ?(?:a|an|the|some|one of your|your)? ?"
    r"(?:real |live |actual )?"
    r"(?:person|human|human being|agent|representative|rep|someone|somebody|operator|officer"
    r"|staff member|employee)\b"
    r"|\b(?:hablar|comunicar|comunicarme|comunicarse|comunique|comuniqueme|comunicame|conectame"
    r"|transfiereme|ponme|conversar|chatear"
    r"|platicar|pasar|pasarme|paseme|pasame|transferir|transfiera|transfierame|contactar"
    r"|conectar|conecteme|conectarme|atender|atienda|me pasas|me pasa|me pase|me pasan"
    r"|me comunica|me comunicas|me comunican|me transfiere|me transfieres)(?: me)? (?:con|a)? ?"
    r"(?:un|una|el|la|algun"
    r"|alguna)? ?(?:persona|humano|ser humano|agente|representante|alguien|operador|operadora"
    r"|asesor|asesora|oficial|empleado|empleada)\b"
)


def _slip_of(word: str, targets: frozenset[str]) -> bool:
    """Whether one typed word is a slip of one of the one-word requests ("represenative")."""
    for target in targets:
        if " " in target or len(target) < 5 or word[:1] != target[:1]:
            continue
        if edit_distance(word, target) <= (1 if len(target) <= 6 else 2):
            return True
    return False


# "When can I talk to an agent?" asks about our hours, not for a person now: the
# talk-to-person and contact-hours topics answer it (and say how to reach one).
_WHEN_QUESTION = re.compile(
    r"^(?:(?:hi|hello|hey|hola|buenas|buenos dias|buenas tardes) )?(?:when|what time|what hours"
    r"|what days|which days|what are the hours|are (?:the |your )?(?:live )?(?:agents|people|"
    r"representatives|staff) (?:available|working|open)|is there (?:someone|anyone|a person) "
    r"(?:available )?(?:on|at|during)|cuando|a que hora|a que horas|que horario|en que horario"
    r"|que dias|hay (?:agentes|alguien|personas) (?:el|los|en|a))\b"
)


_HOURS_WORDS = re.compile(r"\b(?:hours|schedule|what days|horario|horarios|que dias)\b")
# "Is live chat open?", "hay alguien disponible?": whether people are in, answered by the
# talk-to-person topic (which says when and how), not a request.
_AVAILABLE = re.compile(
    r"\b(?:is|are) (?:the |your )?(?:live chat|chat|agents?|someone|anyone|anybody|people"
    r"|representatives?|staff) (?:open|available|online|working|in|there)\b"
    r"|\b(?:hay|habra) (?:alguien|agentes|personas|asesores) disponibles?\b"
    r"|\b(?:esta|estan) (?:abierto|disponible|disponibles|abiertos) (?:el chat|los agentes)\b"
)


def asks_when(text: str) -> bool:
    """Whether the message asks when (hours, days) or whether anyone is in, rather than
    asking for someone now."""
    normalized = normalize(text)
    return bool(
        _WHEN_QUESTION.search(normalized)
        or _HOURS_WORDS.search(normalized)
        or _AVAILABLE.search(normalized)
    )


_PERSON_WORDS = re.compile(
    r"\b(?:person|people|human|humans|someone|somebody|agent|agents|representative|operator"
    r"|officer|staff|employee|live|persona|personas|humano|alguien|agente|agentes|representante"
    r"|operador|operadora|oficial|empleado|personal|asesor|supervisor|anyone|anybody|rep)\b"
)


# A supervisor or manager asked for: always handed over, however it is worded ("can I talk
# to a supervisor", "how do I get a supervisor", "quiero hablar con su supervisor"). "My
# manager" or "mi jefe" (someone's employer) is not a request; a supervisor named with "a",
# "your" or after a verb of reaching is.
_SUPERVISOR = re.compile(
    r"^(?:(?:a|the|your|un|una|el|la|su) )?(?:supervisor|supervisora|manager|gerente)"
    r"(?: (?:please|now|por favor|ya))?$"
    r"|\b(?:supervisor|supervisora|manager|gerente) (?:please|now|por favor|ahora)\b"
    r"|\b(?:talk|speak|chat|connect|transfer|put|reach|get|contact|escalate|give|want|need"
    r"|transferred|connected"
    r"|see|request|ask for|demand)(?: me| this| it)?(?: through)? (?:to|with|for)? ?"
    r"(?:a|an|the|your|ur|some)? ?(?:supervisor|supervisors|manager|boss|superior"
    r"|someone higher up|someone in charge)\b"
    r"|\b(?:hablar|comunicar|comunicarme|comuniqueme|comunique|pasar|pasarme|paseme|pasame"
    r"|transferir|transfierame|contactar|quiero|necesito|deme|dame|atienda|atender|pido|ver"
    r"|me pasas|me pasa|me pase|me comunica|me comunicas|me transfiere)"
    r"(?: me)? (?:con |a )?(?:un|una|el|la|al|su|tu)? ?(?:supervisor|supervisora|supervisores"
    r"|gerente|jefe|jefa|encargado|encargada|superior)\b"
)

# "How do I get through to an officer?" asks how to reach someone: the talk-to-person topic
# answers it (and says to type "agent"). "Can I talk to someone" or "agent please" asks for
# one now and is handed over.
_HOW_TO = re.compile(
    r"\b(?:how (?:do|can|could|should|would|might|does|will) (?:i|we|you|one|someone|a person)"
    r"|how to|hows|how is it possible|whats the (?:best |easiest |fastest |quickest |right )?"
    r"(?:way|trick|secret|process)|what is the (?:best |easiest |fastest |quickest |right )?"
    r"(?:way|trick|secret|process)|is there (?:a|any|some) (?:way|trick|method)|any (?:way|tips)"
    r"|is it possible to|como (?:puedo|hago|hacemos|se puede|se hace|podria|le hago|debo|me"
    r"|logro|consigo|conseguir|lograr)"
    r"|hay (?:alguna |una )?(?:manera|forma|modo)|de que (?:manera|forma|modo)"
    r"|que (?:tengo|hay|debo) que hacer para|cual es (?:la )?(?:mejor )?(?:manera|forma)"
    r"|existe (?:alguna |una )?(?:manera|forma)|es posible"
    r"|what (?:number|phone number) (?:do|should|can) i (?:call|dial|use)|(?:who|where) do i call"
    r"|(?:a )?que numero (?:de telefono )?(?:llamo|marco|debo llamar|hay que llamar)"
    r"|a quien llamo)\b"
)


_REACH_VERB = re.compile(
    r"\b(?:talk|speak|chat|connect|transfer|get me|give me|hablar|pasame|paseme|comuniqueme"
    r"|transfierame|comunicarme|chatear|conversar|platicar|dame)\b"
)


# A person to be seen at an office ("an appointment to talk to someone at the office") is the
# in-person appointment topic; a person named in a complaint ("the agent hung up on me") is
# feedback. Neither asks to be handed over now.
_NOT_A_REQUEST = re.compile(
    r"\b(?:in person|(?:make|book|get|schedule) an appointment"
    r"|(?:at|in|to) (?:the|a|my|your|our) (?:local |field )?office"
    r"|en persona|(?:hacer|sacar|pedir) (?:una )?cita|(?:en|a) (?:la|una|mi) oficina"
    r"|hung up|hang up|rude|yelled|unprofessional|me colgo|colgaron|grosero|grosera"
    r"|me trato mal|me trataron mal"
    # Reported speech: "my lawyer said I should talk to an officer".
    r"|said|says|told me|told us|was told|were told|me dijo|me dijeron|dijo que|dijeron que)\b"
)


def asks_how_to_reach(text: str) -> bool:
    """Whether the message asks how to reach someone rather than asking for someone now."""
    normalized = normalize(text)
    return bool(_HOW_TO.search(normalized)) and bool(_PERSON_WORDS.search(normalized))


def wants_person(text: str) -> bool:
    """Whether the message asks for a person (in either language), not about a topic."""
    normalized = normalize(text)
    if not normalized:
        return False
    if _SUPERVISOR.search(normalized):
        return True
    stripped = " ".join(_POLITE.sub(" ", normalized).split())
    asks_when = bool(_WHEN_QUESTION.search(normalized))
    asks_how = bool(_HOW_TO.search(normalized) or _NOT_A_REQUEST.search(normalized))
    for whole, anywhere in _handoff_phrases().values():
        if normalized in whole or (stripped and stripped in whole):
            return True
        if asks_when:
            continue
        if asks_how:
            # Only what is not about reaching a person still hands over ("that did not help").
            if any(
                not _PERSON_WORDS.search(m.group(0)) and not _REACH_VERB.search(m.group(0))
                for m in anywhere.finditer(normalized)
            ):
                return True
            continue
        if anywhere.search(normalized) or _REACH_PERSON.search(normalized):
            return True
        if stripped and " " not in stripped and _slip_of(stripped, whole):
            return True
    return False


def mentions_person(text: str) -> bool:
    """Whether the text names a person to talk to (used with the talk-to-person topic)."""
    return bool(_PERSON_WORDS.search(normalize(text)))


# A question about the person's own case: the assistant never sees case data, so it points to
# case status and the online account instead of guessing.
_OWN_CASE = re.compile(
    r"\b(?:my case|my application|my petition|my file|mi caso|mi solicitud|mi peticion"
    r"|mi expediente|my status|mi estatus|mi estado)\b"
)
_CASE_QUESTION = re.compile(
    r"\b(?:why|when will|what is happening|whats happening|what happened|is there|approved"
    r"|denied|status|stuck|update|por que|cuando|que pasa|que esta pasando|aprobad|negad"
    r"|estado|atascad|actualiz)"
)

# Requests for advice only a lawyer or accredited representative should give.
_LEGAL = re.compile(
    r"\b(?:should i (?:apply|file|marry|leave|travel|appeal|sign|lie)"
    r"|do i qualify|am i eligible|do i have a (?:good |strong )?case|will i be deported"
    r"|can i be deported|could i be deported|get deported|deport|my chances|chances of"
    r"|is it legal|legal advice|best option|which visa should"
    r"|which form should i|help me decide|califico|soy elegible|tengo posibilidades"
    r"|me pueden deportar|me van a deportar|deportar|deportacion|deportado"
    r"|que me recomienda|debo aplicar|debo solicitar|debo casarme|consejo legal|asesoria legal"
    r"|mis posibilidades|es legal)\b"
)


_MASK_LABEL = re.compile(r"\[[A-Z-]+\]")


def only_personal_data(masked: str) -> bool:
    """Whether a masked message held nothing but personal data (someone pasting a number)."""
    return bool(_MASK_LABEL.search(masked)) and not normalize(_MASK_LABEL.sub(" ", masked))


def own_case_question(text: str) -> bool:
    normalized = normalize(text)
    if personal_data_find(text).kinds and re.search(
        r"\b(?:status|estado|estatus|case|caso)\b", normalized
    ):
        return True
    return bool(_OWN_CASE.search(normalized) and _CASE_QUESTION.search(normalized))


def legal_question(text: str) -> bool:
    return bool(_LEGAL.search(normalize(text)))


def names_person_elsewhere(text: str) -> bool:
    """Whether a person is named for an office visit or in a complaint, not asked for now."""
    return bool(_NOT_A_REQUEST.search(normalize(text)))
