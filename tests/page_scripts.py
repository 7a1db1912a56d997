"""What a public page asks of JavaScript.

Public pages work without JavaScript. The one exception is the live-chat widget, which cannot
work without it: it arrives hidden, with its data as JSON and two deferred scripts, and its
script shows it. ``scripts_besides_chat`` lists every other script tag, which must be none.
"""

import re

SCRIPT_TAG = re.compile(r"<script\b[^>]*>", re.I)
CHAT_SCRIPTS = ("/static/chat/chat-socket.js", "/static/chat/widget.js")


def _is_chat(tag: str) -> bool:
    if 'id="cc-chat-texts"' in tag and 'type="application/json"' in tag:
        return True
    return " defer" in tag and any(f'src="{path}"' in tag for path in CHAT_SCRIPTS)


def scripts_besides_chat(html: str) -> list[str]:
    return [tag for tag in SCRIPT_TAG.findall(html) if not _is_chat(tag)]
