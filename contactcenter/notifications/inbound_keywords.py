"""Keywords people text back to us, and the handlers other features register for them.

STOP and START are handled here (the law and the carriers require them); anything else, such
as YES to "we plan to call you in the next 30 minutes", goes to the handler a feature
registered with ``inbound_keyword_register("YES", handler)``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

# A handler gets the sender (E.164) and the message text and returns a reply, or None.
InboundHandler = Callable[..., str | None]

STOP_WORDS = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "PARA"})
START_WORDS = frozenset({"START", "UNSTOP"})
HELP_WORDS = frozenset({"HELP", "INFO", "AYUDA"})
# Spanish texts ask for "SI"; handlers register the English word and get both.
ALIASES = {"SI": "YES"}

_HANDLERS: dict[str, InboundHandler] = {}
_EDGE_PUNCTUATION = re.compile(r"^[\W_]+|[\W_]+$")


def keyword_normalise(body: str) -> str:
    """``" Sí! "`` -> ``"YES"``: a keyword is the whole message, any case, accents and edge
    punctuation ignored (carriers treat "stop." and "Stop" as STOP)."""
    text = unicodedata.normalize("NFKD", body.strip())
    text = "".join(char for char in text if not unicodedata.combining(char))
    word = _EDGE_PUNCTUATION.sub("", text).upper()
    return ALIASES.get(word, word)


def inbound_keyword_register(keyword: str, handler: InboundHandler) -> None:
    """Call ``handler(from_phone=..., body=...)`` when someone texts ``keyword``.

    Registering a keyword twice replaces the earlier handler; STOP/START/HELP words cannot be
    taken over.
    """
    word = keyword_normalise(keyword)
    if not word or " " in word:
        raise ValueError("A keyword is one word.")
    if word in STOP_WORDS | START_WORDS | HELP_WORDS:
        raise ValueError(f"{word} is reserved for opting in and out.")
    _HANDLERS[word] = handler


def inbound_handler_for(word: str) -> InboundHandler | None:
    return _HANDLERS.get(word)
