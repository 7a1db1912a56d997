"""One request of a call as the webhook received it, what of it is kept as heard, and the
address the next request comes back to."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from django.urls import get_script_prefix, reverse

from contactcenter.core.redaction import redact
from contactcenter.ivr.flows import Flow


@dataclass(frozen=True, slots=True)
class CallRequest:
    line: str
    call_sid: str
    step: int
    from_number: str = ""
    digits: str = ""
    speech: str = ""


def step_url(line: str, step_number: int) -> str:
    return f"{_step_path(line, get_script_prefix())}?n={step_number}"


@functools.lru_cache(maxsize=256)
def _step_path(line: str, _script_prefix: str) -> str:
    # Reversed once per line (and prefix): reverse() on every turn was a measurable cost.
    return reverse("ivr:step", args=[line])


def mask_heard(flow: Flow, node_id: str, request: CallRequest) -> str:
    heard = (request.digits or request.speech).strip()[:200]
    if not heard:
        return ""
    node = flow.nodes.get(node_id)
    if node and node.get("kind") == "collect":
        return f"[{str(node['value']).upper().replace('_', '-')}]"  # never the value itself
    return redact(heard).text
