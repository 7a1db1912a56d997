"""Flow files: each phone line's menu as YAML data, parsed and checked before it is used.

A flow names its start node and holds nodes keyed by id. Every node has a ``kind``:

``say``        speak ``prompt``, go to ``next``.
``menu``       speak ``prompt``; ``options`` are chosen by keypad ``digit`` or spoken ``words``
               (synonyms per language; the longest keyword heard wins, two options tied ask
               again, and saying the key alone, "two" or "dos", picks it, as "zero" asks for a
               person like the 0 key); an option may set the ``language`` or the ``topic``.
               After three unusable answers the caller goes to ``fail``.
``collect``    ask for a value (``value``: receipt, a_number, zip, date) by keypad or speech,
               checked with the value types; ``retry`` is spoken after a bad answer; after
               three, ``fail``. The value is kept under ``store``.
``case_status`` read the status of the receipt number kept under ``receipt`` (``found`` and
               ``not_found`` prompts), then ``next`` or ``not_found_next``.
``send_link``  send the link to check a case status online (``prompt``; ``not_sent`` when it
               cannot be sent), then ``next``. ``via: sms`` (the default) texts the number
               calling; ``via: email`` emails the address on file for the applicant of the case
               found by the call's last successful ``case_status`` (a keypad cannot take an
               address), so a flow that emails needs a ``case_status`` node.
``transfer``   put the caller in line for ``tier`` (``skill`` and ``topic`` narrow the queue);
               outside live hours go to ``after_hours`` instead.
``callback``   take a callback to the calling number, keeping the caller's arrival time; ends.
               (A withheld number cannot be called back: the flow's ``no_callback_number``.)
``hangup``     speak ``prompt`` (optional) and end the call.

Every prompt carries English and Spanish text side by side (``{en: ..., es: ...}``). The flow's
``prompts`` hold the texts the engine speaks whatever node the caller is at (the first request
for a representative, hold announcements, ...). ``representative`` and ``supervisor`` name the
nodes reached by asking for a person (twice) or a supervisor (at any time).

A line asks the satisfaction survey when its ``prompts`` give the four ``survey_*`` texts; its
optional ``survey_share`` (0 to 1, default 1: every caller) offers it to that share of calls,
chosen by the call's id, so a call is offered it or not whatever happens in it.

:func:`flow_parse` returns a :class:`Flow` or raises :class:`FlowInvalid` listing every problem
with the file, node and what is wrong.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from contactcenter.agency.profile import PLACEHOLDERS as AGENCY_PLACEHOLDERS

FLOWS_DIR = Path(__file__).resolve().parent / "flows"
LANGUAGES = ("en", "es")
NODE_KINDS = frozenset(
    {"say", "menu", "collect", "case_status", "send_link", "transfer", "callback", "hangup"}
)
VALUE_KINDS = frozenset({"receipt", "a_number", "zip", "date"})
LINK_CHANNELS = ("sms", "email")
TIERS = frozenset({"tier1", "tier2", "supervisor"})
CHANNELS = frozenset({"phone", "tty"})
# Texts the engine may speak at any node; each flow supplies them in both languages.
SURVEY_PROMPTS = ("survey_offer", "survey_question", "survey_retry", "survey_thanks")
FLOW_PROMPTS = (
    "representative_first",  # first request for a person: offer self-service, ask again
    "no_input",  # nothing heard
    "hold",  # {position}, {minutes}: refreshed while waiting in line
    "hold_callback",  # a caller in line chose a callback
    "goodbye",
    "connecting",  # said as the call is moved to the agent who accepted it
    "no_callback_number",  # a callback was asked for but the caller's number is withheld
)
# Texts a flow may supply; the engine has its own words when it does not.
OPTIONAL_FLOW_PROMPTS = (
    "hold_unknown",  # {position}: waiting in line when the wait cannot be estimated
    # A line that asks the satisfaction survey gives all four: the offer before a caller is put
    # in line for an agent (press 1 or say yes), and, once the agent hangs up, the question
    # (1 to 5), the question again after an answer it could not use, and the thanks.
    *SURVEY_PROMPTS,
)
PLACEHOLDER = re.compile(r"\{(\w+)\}")
NODE_ID = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
LINE_ID = re.compile(r"^[a-z][a-z0-9-]{0,29}$")
# Placeholders each place may use.
ALLOWED_PLACEHOLDERS: dict[str, frozenset[str]] = {
    "hold": frozenset({"position", "minutes", "wait"}),
    "hold_unknown": frozenset({"position"}),
    "found": frozenset({"form", "status", "date"}),
    "transfer": frozenset(),
    "after_hours": frozenset({"hours"}),
}


class FlowInvalid(Exception):
    """A flow file that cannot be used; ``problems`` lists each as (file, node, message)."""

    def __init__(self, problems: list[tuple[str, str, str]]) -> None:
        self.problems = problems
        super().__init__(
            "\n".join(f"{file}: node {node or '-'}: {message}" for file, node, message in problems)
        )


@dataclass(frozen=True, slots=True)
class Flow:
    line: str
    channel: str
    start: str
    default_language: str
    representative: str
    supervisor: str
    prompts: Mapping[str, Mapping[str, str]]
    nodes: Mapping[str, Mapping[str, Any]]
    title: Mapping[str, str] = field(default_factory=dict)
    # The share of callers offered the survey (a line with the survey prompts), 0 to 1.
    survey_share: float = 1.0

    def node(self, node_id: str) -> Mapping[str, Any]:
        return self.nodes[node_id]

    def as_dict(self) -> dict[str, Any]:
        return {
            "line": self.line,
            "channel": self.channel,
            "start": self.start,
            "default_language": self.default_language,
            "representative": self.representative,
            "supervisor": self.supervisor,
            "prompts": {k: dict(v) for k, v in self.prompts.items()},
            "nodes": {k: dict(v) for k, v in self.nodes.items()},
            "title": dict(self.title),
            "survey_share": self.survey_share,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Flow:
        return cls(
            line=data["line"],
            channel=data["channel"],
            start=data["start"],
            default_language=data["default_language"],
            representative=data["representative"],
            supervisor=data["supervisor"],
            prompts=data["prompts"],
            nodes=data["nodes"],
            title=data.get("title", {}),
            # Versions stored before the share existed offered the survey to every caller.
            survey_share=data.get("survey_share", 1.0),
        )


def edges(node: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    """(label, target) for every way out of a node."""
    for key in ("next", "fail", "not_found_next", "after_hours"):
        if node.get(key):
            yield key, node[key]
    for option in node.get("options") or []:
        if isinstance(option, Mapping) and option.get("next"):
            label = option.get("digit") or "/".join((option.get("words") or {}).get("en", []))
            yield str(label), option["next"]


class _Checker:
    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[tuple[str, str, str]] = []

    def bad(self, node: str, message: str) -> None:
        self.problems.append((self.file, node, message))

    def text(self, node: str, where: str, value: Any, placeholders: frozenset[str]) -> None:
        if not isinstance(value, Mapping):
            self.bad(node, f"{where} must give English and Spanish text ({{en: ..., es: ...}})")
            return
        for language in LANGUAGES:
            text = value.get(language)
            name = "English" if language == "en" else "Spanish"
            if not isinstance(text, str) or not text.strip():
                self.bad(node, f"missing {name} {where}")
                continue
            for used in PLACEHOLDER.findall(text):
                # The agency's name, numbers and web address may be said anywhere.
                if used not in placeholders and used not in AGENCY_PLACEHOLDERS:
                    self.bad(node, f"{name} {where} uses unknown placeholder {{{used}}}")
        extra = set(value) - set(LANGUAGES)
        if extra:
            self.bad(node, f"{where} has unknown languages {sorted(extra)}")


_NODE_FIELDS: dict[str, tuple[set[str], set[str]]] = {
    # kind: (required, optional) besides "kind"
    "say": ({"prompt", "next"}, {"topic"}),
    "menu": ({"prompt", "options", "fail"}, {"bilingual", "topic"}),
    "collect": ({"prompt", "retry", "value", "store", "next", "fail"}, {"topic"}),
    "case_status": (
        {"receipt", "found", "not_found", "next", "not_found_next"},
        {"topic"},
    ),
    "send_link": ({"prompt", "not_sent", "next"}, {"via"}),
    "transfer": ({"prompt", "tier", "after_hours"}, {"skill", "topic"}),
    "callback": ({"prompt"}, set()),
    "hangup": (set(), {"prompt", "self_served"}),
}


def _check_node(check: _Checker, node_id: str, node: Any, node_ids: set[str]) -> None:
    if not NODE_ID.match(str(node_id)):
        check.bad(str(node_id), "node ids are lower case letters, digits and _ (at most 40)")
    if not isinstance(node, Mapping):
        check.bad(node_id, "a node must be a mapping with a kind")
        return
    kind = node.get("kind")
    if kind not in NODE_KINDS:
        check.bad(node_id, f"unknown kind {kind!r}; use one of {sorted(NODE_KINDS)}")
        return
    required, optional = _NODE_FIELDS[kind]
    for missing in sorted(required - set(node)):
        check.bad(node_id, f"a {kind} node needs {missing!r}")
    for unknown in sorted(set(node) - required - optional - {"kind"}):
        check.bad(node_id, f"unknown field {unknown!r} for a {kind} node")
    for label, target in edges(node):
        if target not in node_ids:
            check.bad(node_id, f"unknown next node {target!r} (from {label})")
    if "prompt" in node:
        allowed = ALLOWED_PLACEHOLDERS["after_hours"] if kind in ("say", "menu") else frozenset()
        check.text(node_id, "prompt", node["prompt"], allowed)
    if kind == "collect":
        check.text(node_id, "retry prompt", node.get("retry"), frozenset())
        if node.get("value") not in VALUE_KINDS:
            check.bad(node_id, f"value must be one of {sorted(VALUE_KINDS)}")
        if not isinstance(node.get("store"), str) or not NODE_ID.match(node.get("store", "")):
            check.bad(node_id, "store must name a variable (lower case letters, digits, _)")
    if kind == "case_status":
        check.text(node_id, "found prompt", node.get("found"), ALLOWED_PLACEHOLDERS["found"])
        check.text(node_id, "not_found prompt", node.get("not_found"), frozenset())
    if kind == "transfer" and node.get("tier") not in TIERS:
        check.bad(node_id, f"tier must be one of {sorted(TIERS)}")
    if kind == "send_link":
        check.text(node_id, "not_sent prompt", node.get("not_sent"), frozenset())
    if kind == "send_link" and node.get("via", "sms") not in LINK_CHANNELS:
        check.bad(node_id, f"via must be one of {list(LINK_CHANNELS)} (sms is the default)")
    if kind == "menu":
        _check_menu(check, node_id, node)


def _check_menu(check: _Checker, node_id: str, node: Mapping[str, Any]) -> None:
    options = node.get("options")
    if not isinstance(options, list) or not options:
        check.bad(node_id, "a menu needs a list of options")
        return
    digits: set[str] = set()
    words: dict[str, set[str]] = {language: set() for language in LANGUAGES}
    for index, option in enumerate(options, 1):
        where = f"option {index}"
        if not isinstance(option, Mapping):
            check.bad(node_id, f"{where} must be a mapping")
            continue
        unknown = set(option) - {"digit", "words", "next", "language", "topic"}
        if unknown:
            check.bad(node_id, f"{where} has unknown fields {sorted(unknown)}")
        if "next" not in option:
            check.bad(node_id, f"{where} needs next")
        digit = str(option.get("digit", ""))
        if not re.fullmatch(r"[1-9*#]", digit):
            check.bad(node_id, f"{where}: digit must be one key 1-9, * or # (0 asks for a person)")
        elif digit in digits:
            check.bad(node_id, f"{where}: digit {digit} is used twice")
        digits.add(digit)
        spoken = option.get("words")
        if not isinstance(spoken, Mapping):
            check.bad(node_id, f"{where} needs words in English and Spanish")
            continue
        for language in LANGUAGES:
            listed = spoken.get(language)
            name = "English" if language == "en" else "Spanish"
            if (
                not isinstance(listed, list)
                or not listed
                or not all(isinstance(w, str) and w.strip() for w in listed)
            ):
                check.bad(node_id, f"{where}: missing {name} words")
                continue
            for word in listed:
                key = word.strip().lower()
                if key in words[language]:
                    check.bad(node_id, f"{where}: {name} word {word!r} is used twice")
                words[language].add(key)
        if option.get("language") not in (None, *LANGUAGES):
            check.bad(node_id, f"{where}: language must be en or es")


def _check_email_links(check: _Checker, nodes: Mapping[str, Any]) -> None:
    """An emailed link goes to the address on file for the case found in the call, so a flow
    without a case look-up would promise an email it could never send."""
    mappings = {str(k): v for k, v in nodes.items() if isinstance(v, Mapping)}
    if any(node.get("kind") == "case_status" for node in mappings.values()):
        return
    for node_id, node in mappings.items():
        if node.get("kind") == "send_link" and node.get("via") == "email":
            check.bad(node_id, "a link sent by email needs a case_status node in the flow (it "
                               "goes to the address on file for the case found)")  # fmt: skip


def _reachable(start: str, nodes: Mapping[str, Mapping[str, Any]], extra: list[str]) -> set[str]:
    seen: set[str] = set()
    todo = [start, *extra]
    while todo:
        current = todo.pop()
        if current in seen or current not in nodes:
            continue
        seen.add(current)
        node = nodes[current]
        if isinstance(node, Mapping):
            todo.extend(target for _label, target in edges(node))
    return seen


def flow_parse(text: str, *, file: str) -> Flow:
    """Parse and check one flow file; raise FlowInvalid naming every problem."""
    check = _Checker(file)
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise FlowInvalid([(file, "", f"not valid YAML: {error}")]) from error
    if not isinstance(data, Mapping):
        raise FlowInvalid([(file, "", "a flow file must be a mapping with line, start and nodes")])
    unknown = set(data) - {
        "line", "channel", "title", "start", "default_language", "representative",
        "supervisor", "prompts", "nodes", "survey_share",
    }  # fmt: skip
    if unknown:
        check.bad("", f"unknown top-level fields {sorted(unknown)}")
    line = data.get("line")
    if not isinstance(line, str) or not LINE_ID.match(line):
        check.bad("", "line must be a short lower-case name (letters, digits, -)")
    if data.get("channel", "phone") not in CHANNELS:
        check.bad("", f"channel must be one of {sorted(CHANNELS)}")
    if data.get("default_language", "en") not in LANGUAGES:
        check.bad("", "default_language must be en or es")
    check.text("", "title", data.get("title"), frozenset())
    nodes = data.get("nodes")
    if not isinstance(nodes, Mapping) or not nodes:
        check.bad("", "nodes must be a mapping of node id to node")
        raise FlowInvalid(check.problems)
    node_ids = {str(k) for k in nodes}
    prompts = data.get("prompts")
    if not isinstance(prompts, Mapping):
        check.bad("", f"prompts must hold {', '.join(FLOW_PROMPTS)}")
        prompts = {}
    for name in FLOW_PROMPTS:
        check.text(f"prompts.{name}", "prompt", prompts.get(name),
                   ALLOWED_PLACEHOLDERS.get(name, frozenset()))  # fmt: skip
    for name in OPTIONAL_FLOW_PROMPTS:
        if name in prompts:
            check.text(f"prompts.{name}", "prompt", prompts[name],
                       ALLOWED_PLACEHOLDERS.get(name, frozenset()))  # fmt: skip
    given = [name for name in SURVEY_PROMPTS if name in prompts]
    if given and len(given) != len(SURVEY_PROMPTS):
        check.bad(
            "prompts", f"a line that asks the survey gives all of {', '.join(SURVEY_PROMPTS)}"
        )
    share = data.get("survey_share", 1)
    if "survey_share" in data and not given:
        check.bad("", "survey_share is for a line that asks the survey (its four prompts)")
    elif isinstance(share, bool) or not isinstance(share, int | float) or not 0 <= share <= 1:
        check.bad("", "survey_share must be a number from 0 (nobody) to 1 (every caller)")
    for name in set(prompts) - set(FLOW_PROMPTS) - set(OPTIONAL_FLOW_PROMPTS):
        check.bad(f"prompts.{name}", "unknown flow prompt")
    for role in ("start", "representative", "supervisor"):
        target = data.get(role)
        if target not in node_ids:
            check.bad("", f"{role} names unknown node {target!r}")
    for role, tiers in (("representative", {"tier1", "tier2"}), ("supervisor", {"supervisor"})):
        target = nodes.get(data.get(role)) if data.get(role) in node_ids else None
        if isinstance(target, Mapping) and (
            target.get("kind") != "transfer" or target.get("tier") not in tiers
        ):
            check.bad(str(data.get(role)), f"the {role} node must be a transfer to {sorted(tiers)}")
    for node_id, node in nodes.items():
        _check_node(check, str(node_id), node, node_ids)
    _check_email_links(check, nodes)
    if data.get("start") in node_ids:
        reached = _reachable(
            data["start"], nodes, [data.get("representative", ""), data.get("supervisor", "")]
        )
        for node_id in nodes:
            if node_id not in reached:
                check.bad(str(node_id), "unreachable node: nothing leads here from the start")
    if check.problems:
        raise FlowInvalid(check.problems)
    return Flow(
        line=str(line),
        channel=data.get("channel", "phone"),
        start=data["start"],
        default_language=data.get("default_language", "en"),
        representative=data["representative"],
        supervisor=data["supervisor"],
        prompts={k: dict(v) for k, v in prompts.items()},
        nodes={str(k): dict(v) for k, v in nodes.items()},
        title=dict(data["title"]),
        survey_share=float(share),
    )


def flow_files(directory: Path = FLOWS_DIR) -> list[Path]:
    return sorted(directory.glob("*.yaml"))
