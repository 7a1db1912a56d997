"""The step function: flow, state and the caller's input in; prompts, next state, effects out.

:func:`step` reads nothing and writes nothing. Whatever needs the outside world is returned as
an :class:`Effect` for the caller of ``step`` to carry out: looking up a case, sending a link,
putting the caller in line, taking a callback. When an effect's answer decides what is said
next (a case look-up), the turn comes back with ``awaiting`` set and the runner calls ``step``
again with the answer in ``Event.result``. The TwiML webhooks run ``step`` through the phone
line's services, and the ``call`` simulator plays its calls through those same signed webhooks,
so the same code answers real calls and tests.

The state is a plain JSON-able dict, stored between requests:

    node        where the caller is ("_queued" once in line, "_ended" after the last turn)
    language    "en" or "es"
    tries       unusable answers at this node so far
    vars        collected values (masked in transcripts; removed when the call ends), and
                under ``_found_case`` the receipt number of the last case a look-up found
    topic       what the call is about, from the path taken
    path        nodes visited, in order
    self_served whether self-service met the caller's need
    rep_asks    requests for a person since the last self-service answer
    outcome     self_served, queued, callback, after_hours (empty until decided)
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from contactcenter.core.errors import ApplicationError
from contactcenter.ivr.flows import Flow
from contactcenter.ivr.spoken import Unusable, parse_value, plain

MAX_TRIES = 3
QUEUED = "_queued"
ENDED = "_ended"
# Asking whether the caller will answer the survey after the call, before putting them in line.
SURVEY_OFFER = "_survey_offer"
SURVEY_YES_DIGIT = "1"
# How long the offer waits for a key or a word before the caller goes in line (the menus wait
# longer): saying nothing is the answer of most callers who do not want it.
SURVEY_OFFER_TIMEOUT_SECONDS = 3
SURVEY_YES_WORDS = frozenset({"yes", "yeah", "sure", "ok", "okay", "si", "claro", "bueno",
                              "survey", "encuesta", "one", "uno"})  # fmt: skip
# Asking for a person or a supervisor works at every node that listens, in both languages.
REPRESENTATIVE_WORDS = frozenset(
    {"representative", "agent", "live agent", "operator", "infopass", "person", "human",
     "agente", "representante", "operador", "operadora", "persona"}
)  # fmt: skip
SUPERVISOR_WORDS = frozenset({"supervisor", "supervisora", "manager"})
REPRESENTATIVE_DIGIT = "0"
# Where the last case a look-up found is kept: a flow's ``store`` names cannot start with "_".
FOUND_CASE = "_found_case"
HOLD_CALLBACK_DIGIT = "1"


@dataclass(frozen=True, slots=True)
class Prompt:
    text: str
    language: str


@dataclass(frozen=True, slots=True)
class Listen:
    """What to gather next: keypad and speech, with hints for the recogniser."""

    language: str
    hints: tuple[str, ...] = ()
    num_digits: int | None = None  # menus take one key; collects end with #
    finish_on_key: str = "#"
    timeout: int | None = None  # seconds of silence before going on; None: the usual


@dataclass(frozen=True, slots=True)
class Effect:
    kind: str  # lookup_case, send_link, enqueue, callback
    data: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Event:
    """One request from the caller's side. ``result`` answers an awaited effect."""

    digits: str = ""
    speech: str = ""
    start: bool = False
    result: Mapping[str, Any] | None = None
    live_open: bool = True
    hours: Mapping[str, str] = field(default_factory=dict)  # by language, for after-hours
    today: dt.date = field(default_factory=dt.date.today)
    hold: Mapping[str, Any] = field(default_factory=dict)  # position, minutes while queued
    call_id: str = ""  # the provider's id of the call: picks the calls offered the survey

    @property
    def heard(self) -> str:
        return self.digits or self.speech


@dataclass(frozen=True, slots=True)
class Turn:
    prompts: tuple[Prompt, ...]
    state: dict[str, Any]
    effects: tuple[Effect, ...] = ()
    listen: Listen | None = None
    hold: bool = False  # waiting in line: announce, pause, come back
    hangup: bool = False
    awaiting: str = ""  # an effect whose result the next step needs


def initial_state(flow: Flow) -> dict[str, Any]:
    return {
        "node": flow.start,
        "language": flow.default_language,
        "tries": 0,
        "vars": {},
        "topic": "",
        "path": [],
        "self_served": False,
        "rep_asks": 0,
        "outcome": "",
    }


class _Fill(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _text(text_by_language: Mapping[str, str], language: str, **values: object) -> str:
    return text_by_language[language].format_map(_Fill(values))


class _Builder:
    """Collects one turn's prompts and effects while the state moves through nodes."""

    def __init__(self, flow: Flow, state: Mapping[str, Any], event: Event) -> None:
        self.flow = flow
        self.state: dict[str, Any] = {
            **state,
            "vars": dict(state.get("vars", {})),
            "path": list(state.get("path", [])),
        }
        self.event = event
        self.prompts: list[Prompt] = []
        self.effects: list[Effect] = []

    @property
    def language(self) -> str:
        return str(self.state["language"])

    def say(self, texts: Mapping[str, str], **values: object) -> None:
        self.prompts.append(Prompt(_text(texts, self.language, **values), self.language))

    def flow_prompt(self, name: str, **values: object) -> None:
        self.say(self.flow.prompts[name], **values)

    def turn(self, **kwargs: Any) -> Turn:
        if kwargs.get("awaiting"):
            self.state["awaiting"] = kwargs["awaiting"]
        return Turn(tuple(self.prompts), self.state, tuple(self.effects), **kwargs)

    # --- Entering nodes -------------------------------------------------------------------

    def enter(self, node_id: str) -> Turn:
        """Move to ``node_id`` and run nodes that need no answer until one does."""
        for _hop in range(50):  # a bound against loops of say nodes in a bad flow
            node = self.flow.node(node_id)
            self.state["node"] = node_id
            self.state["tries"] = 0
            self.state["path"].append(node_id)
            if node.get("topic"):
                self.state["topic"] = node["topic"]
            kind = node["kind"]
            if kind == "say":
                self.say(node["prompt"], hours=self.event.hours.get(self.language, ""))
                node_id = node["next"]
                continue
            if kind in ("menu", "collect"):
                return self.ask(node)
            if kind == "case_status":
                receipt = self.state["vars"].get(node["receipt"]) or {}
                self.effects.append(
                    Effect(
                        "lookup_case",
                        {"candidates": receipt.get("candidates", []), "language": self.language},
                    )
                )
                return self.turn(awaiting="lookup_case")
            if kind == "send_link":
                self.effects.append(Effect("send_link", {
                    "via": node.get("via", "sms"), "language": self.language,
                    "case": self.state["vars"].get(FOUND_CASE, ""),
                }))  # fmt: skip
                return self.turn(awaiting="send_link")
            if kind == "transfer":
                if not self.event.live_open:
                    self.state["outcome"] = "after_hours"
                    node_id = node["after_hours"]
                    continue
                if "survey_offer" in self.flow.prompts and "survey" not in self.state:
                    if survey_offered(self.flow.survey_share, self.event.call_id):
                        return self.survey_offer(node_id)
                    self.state["survey"] = False  # not this call's share: never asked
                self.say(node["prompt"])
                self.effects.append(
                    Effect(
                        "enqueue",
                        {
                            "tier": node["tier"],
                            "skill": node.get("skill", ""),
                            "topic": node.get("topic", "") or self.state["topic"],
                            "language": self.language,
                        },
                    )
                )
                self.state["outcome"] = "queued"
                self.state["node"] = QUEUED
                self.state["transfer_node"] = node_id
                return self.turn(awaiting="enqueue")
            if kind == "callback":
                self.effects.append(Effect("callback", {"language": self.language}))
                self.state["callback_prompt"] = node_id
                return self.turn(awaiting="callback")
            if kind == "hangup":
                if node.get("prompt"):
                    self.say(node["prompt"])
                if node.get("self_served"):
                    self.state["self_served"] = True
                return self.end()
            raise ValueError(f"unknown node kind {kind}")  # pragma: no cover - flows are checked
        raise ValueError("too many nodes without a question in a row")

    def survey_offer(self, transfer_node: str) -> Turn:
        """Once per call, before the first time in line: will they answer one question after
        the call? Pressing 1 or saying yes says so; anything else, or nothing, is a no."""
        self.state["survey"] = False
        self.state["node"] = SURVEY_OFFER
        self.state["survey_transfer"] = transfer_node
        self.flow_prompt("survey_offer")
        hints = ("yes", "no", "sí") if self.language == "es" else ("yes", "no")
        return self.turn(listen=Listen(language=self.language, hints=hints, num_digits=1,
                                       timeout=SURVEY_OFFER_TIMEOUT_SECONDS))  # fmt: skip

    def survey_answered(self) -> Turn:
        words = set(plain(self.event.speech).split())
        self.state["survey"] = self.event.digits.strip() == SURVEY_YES_DIGIT or (
            not self.event.digits.strip() and bool(words & SURVEY_YES_WORDS)
            and not words & {"no", "not"}
        )  # fmt: skip
        transfer_node = self.state.pop("survey_transfer")
        path = self.state["path"]
        if path and path[-1] == transfer_node:
            path.pop()  # reached once before the offer: entered again, counted once
        return self.enter(transfer_node)

    def end(self) -> Turn:
        if not self.state["outcome"] and self.state["self_served"]:
            self.state["outcome"] = "self_served"
        self.state["node"] = ENDED
        return self.turn(hangup=True)

    def ask(self, node: Mapping[str, Any], *, retry: bool = False) -> Turn:
        if retry and node["kind"] == "collect":
            self.say(node["retry"])
        else:
            if node.get("bilingual"):
                for language in ("en", "es"):
                    self.prompts.append(Prompt(node["prompt"][language], language))
            else:
                self.say(node["prompt"], hours=self.event.hours.get(self.language, ""))
        hints: list[str] = []
        for option in node.get("options") or []:
            for language in ("en", "es"):
                hints.extend(option["words"][language])
        return self.turn(
            listen=Listen(
                language=self.language,
                hints=tuple(dict.fromkeys(hints)),
                num_digits=1 if node["kind"] == "menu" else None,
            )
        )

    # --- Answers --------------------------------------------------------------------------

    def unusable(self, node: Mapping[str, Any], *, heard_nothing: bool) -> Turn:
        self.state["tries"] += 1
        if self.state["tries"] >= MAX_TRIES:
            return self.enter(node["fail"])
        if heard_nothing or node["kind"] == "menu":
            self.flow_prompt("no_input")
        tries = self.state["tries"]
        turn = self.ask(node, retry=True)
        self.state["tries"] = tries
        return turn

    def asks_for(self) -> str:
        words = plain(self.event.speech)
        padded = f" {words} "
        if words and any(f" {w} " in padded for w in SUPERVISOR_WORDS):
            return "supervisor"
        if (
            self.event.digits == REPRESENTATIVE_DIGIT
            or (words and any(f" {_keyword(w)} " in padded for w in REPRESENTATIVE_WORDS))
            or (not self.event.digits and spoken_key(words) == REPRESENTATIVE_DIGIT)
        ):
            return "representative"
        return ""

    def answer(self) -> Turn:
        node_id = self.state["node"]
        if node_id == ENDED:
            return self.turn(hangup=True)
        if node_id == QUEUED:
            return self.waiting()
        if node_id == SURVEY_OFFER:
            return self.survey_answered()
        node = self.flow.node(node_id)
        wanted = self.asks_for()
        if wanted == "supervisor":
            self.state["rep_asks"] = 0
            return self.enter(self.flow.supervisor)
        if wanted == "representative":
            self.state["rep_asks"] += 1
            if self.state["rep_asks"] >= 2:
                self.state["rep_asks"] = 0
                return self.enter(self.flow.representative)
            self.flow_prompt("representative_first")
            tries = self.state["tries"]
            turn = self.ask(node)
            self.state["tries"] = tries
            return turn
        if node["kind"] == "menu":
            return self.choose(node)
        if node["kind"] == "collect":
            return self.collect(node)
        raise ValueError(f"node {node_id} does not take answers")  # pragma: no cover

    def choose(self, node: Mapping[str, Any]) -> Turn:
        digits = self.event.digits.strip()
        if digits:
            option = next((o for o in node["options"] if digits == str(o["digit"])), None)
        else:
            option = spoken_choice(node["options"], self.event.speech)
        if option is None:
            return self.unusable(node, heard_nothing=not self.event.heard.strip())
        if option.get("language"):
            self.state["language"] = option["language"]
        if option.get("topic"):
            self.state["topic"] = option["topic"]
        return self.enter(option["next"])

    def collect(self, node: Mapping[str, Any]) -> Turn:
        try:
            value = parse_value(
                node["value"], digits=self.event.digits, speech=self.event.speech,
                today=self.event.today,
            )  # fmt: skip
        except (Unusable, ApplicationError):
            return self.unusable(node, heard_nothing=not self.event.heard.strip())
        self.state["vars"][node["store"]] = value
        return self.enter(node["next"])

    def waiting(self) -> Turn:
        """In line: a key press of 1 asks for a callback; otherwise, refresh the announcement."""
        if self.event.digits.strip() == HOLD_CALLBACK_DIGIT:
            self.effects.append(Effect("callback", {"language": self.language}))
            self.state["callback_prompt"] = ""
            return self.turn(awaiting="callback")
        if self.event.hold:
            minutes = self.event.hold.get("minutes")
            position = self.event.hold["position"]
            if minutes is None:  # no estimate: say so, never a made-up figure
                self.say(self.flow.prompts.get("hold_unknown", HOLD_UNKNOWN), position=position)
            else:
                self.flow_prompt("hold", position=position, minutes=minutes,
                                 wait=minutes_text(int(minutes), self.language))  # fmt: skip
        return self.turn(hold=True, listen=Listen(language=self.language, num_digits=1))

    def resume(self, awaiting: str, result: Mapping[str, Any]) -> Turn:
        """Carry on after an awaited effect, with its result."""
        if awaiting == "enqueue":
            transfer = self.flow.node(self.state.pop("transfer_node"))
            if not result.get("queue"):  # no queue takes this work: no dead end, the hours
                self.state["outcome"] = "after_hours"
                return self.enter(transfer["after_hours"])
            return self.waiting()
        if awaiting == "callback":
            return self.called_back(bool(result.get("scheduled")))
        node = self.flow.node(self.state["node"])
        if awaiting == "send_link":
            self.say(node["prompt"] if result.get("sent") else node["not_sent"])
            return self.enter(node["next"])
        if result.get("found"):
            # The case an emailed link goes to (a later failed look-up leaves it as it is).
            if result.get("receipt"):
                self.state["vars"][FOUND_CASE] = result["receipt"]
            self.say(node["found"], form=result["form"], status=result["status_text"],
                     date=spoken_date(result["status_date"], self.language))  # fmt: skip
            self.state["self_served"] = True
            self.state["rep_asks"] = 0
            return self.enter(node["next"])
        self.say(node["not_found"])
        return self.enter(node["not_found_next"])

    def called_back(self, scheduled: bool) -> Turn:
        node_id = self.state.pop("callback_prompt", "")
        if not scheduled:  # no number to call back (withheld caller id)
            self.flow_prompt("no_callback_number")
            if self.state["node"] == QUEUED:
                return self.waiting()
            return self.end()
        if node_id:
            self.say(self.flow.node(node_id)["prompt"])
        else:
            self.flow_prompt("hold_callback")
        self.state["outcome"] = "callback"
        return self.end()


def survey_offered(share: float, call_id: str) -> bool:
    """Whether a call is among the ``share`` of calls offered the survey: the same answer for
    the same call id at every turn and in every process (a hash, not a random draw)."""
    if share >= 1:
        return True
    if share <= 0:
        return False
    digest = hashlib.sha256(call_id.encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64 < share


# Said in line when the wait cannot be estimated and the flow has no words of its own for it.
HOLD_UNKNOWN = {
    "en": "You are number {position} in line. We cannot estimate the wait right now.",
    "es": "Usted es el número {position} en la fila. Ahora no podemos estimar la espera.",
}


def minutes_text(minutes: int, language: str) -> str:
    if language == "es":
        return f"{minutes} minuto" if minutes == 1 else f"{minutes} minutos"
    return f"{minutes} minute" if minutes == 1 else f"{minutes} minutes"


SPANISH_MONTHS = ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
                  "septiembre", "octubre", "noviembre", "diciembre")  # fmt: skip
ENGLISH_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
                  "September", "October", "November", "December")  # fmt: skip


def spoken_date(iso: str, language: str) -> str:
    day = dt.date.fromisoformat(iso)
    if language == "es":
        return f"{day.day} de {SPANISH_MONTHS[day.month - 1]} de {day.year}"
    return f"{ENGLISH_MONTHS[day.month - 1]} {day.day}, {day.year}"


# A menu answered by saying the key: "one", "uno", "press two", "opción tres", "number 4".
SPOKEN_KEYS = {
    "zero": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6",
    "seven": "7", "eight": "8", "nine": "9", "cero": "0", "uno": "1", "una": "1", "dos": "2",
    "tres": "3", "cuatro": "4", "cinco": "5", "seis": "6", "siete": "7", "ocho": "8",
    "nueve": "9", **{str(digit): str(digit) for digit in range(10)},
}  # fmt: skip
KEY_LEAD_WORDS = frozenset({
    "press", "pressing", "option", "number", "the", "oprimo", "oprimir", "marco", "marcar",
    "opcion", "numero", "el", "la",
})  # fmt: skip


def spoken_choice(options: Sequence[Mapping[str, Any]], speech: str) -> Mapping[str, Any] | None:
    """The menu option a caller's words pick, or None when they pick none or more than one.

    Every keyword of every option (both languages) is looked for as whole words; the option
    with the longest keyword heard wins, so "the status of my zip code" picks "zip code" over
    "status". Two options tied for the longest ("status or birthday") pick nothing, and the
    caller is asked again rather than sent down a path they may not have meant. With no
    keyword heard, saying the key itself ("two", "opción dos") picks that option."""
    words = plain(speech)
    if not words:
        return None
    spoken = f" {words} "
    best: Mapping[str, Any] | None = None
    best_length, tied = 0, False
    for option in options:
        length = max(
            (len(_keyword(word).split())
             for language in ("en", "es") for word in option["words"][language]
             if f" {_keyword(word)} " in spoken),
            default=0,
        )  # fmt: skip
        if length > best_length:
            best, best_length, tied = option, length, False
        elif length and length == best_length:
            tied = True
    if best is not None:
        return None if tied else best
    key = spoken_key(words)
    return next((option for option in options if str(option["digit"]) == key), None)


def spoken_key(words: str) -> str | None:
    """The key a caller said instead of pressing it ("two", "press 2", "opción dos"), from
    words already made :func:`plain`; None unless that is all they said."""
    said = [word for word in words.split() if word not in KEY_LEAD_WORDS]
    return SPOKEN_KEYS.get(said[0]) if len(said) == 1 else None


@functools.lru_cache(maxsize=4096)
def _keyword(word: str) -> str:
    """A flow's keyword as :func:`plain` writes it, worked out once per word."""
    return plain(word)


def step(flow: Flow, state: Mapping[str, Any] | None, event: Event) -> Turn:
    """One turn of the call. ``state`` None (or ``event.start``) begins a new call."""
    if state is None or event.start:
        builder = _Builder(flow, initial_state(flow), event)
        return builder.enter(flow.start)
    builder = _Builder(flow, state, event)
    if event.result is not None:
        awaiting = str(state.get("awaiting", ""))
        builder.state.pop("awaiting", None)
        return builder.resume(awaiting, event.result)
    return builder.answer()
