"""Twilio's webhook requests replayed as Twilio sends them.

``tests/fixtures/twilio/`` keeps one payload per kind of request (an incoming call, a
``<Gather>`` answered by keypad or by voice, a call's status callback, an incoming text) with
every field Twilio posts and values shaped like Twilio's (``AC``/``CA``/``SM`` SIDs, E.164
numbers, the geographic fields it looks up). A test changes only the fields it is about; the
request goes out form-encoded, signed by the Twilio library's own ``RequestValidator``.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlencode

from django.http import HttpResponse
from django.test import Client
from twilio.request_validator import RequestValidator

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "twilio"
FORM = "application/x-www-form-urlencoded"


def twilio_payload(name: str, **fields: str | None) -> dict[str, str]:
    """The fields of ``fixtures/twilio/<name>.json`` with ``fields`` changed; a field given as
    None is left out, as Twilio leaves out what does not apply."""
    payload: dict[str, str] = json.loads((FIXTURES / f"{name}.json").read_text("utf-8"))
    for key, value in fields.items():
        if value is None:
            payload.pop(key, None)
        else:
            payload[key] = value
    return payload


def twilio_signature(url: str, payload: dict[str, str], token: str) -> str:
    """``X-Twilio-Signature`` for ``payload`` posted to the full public ``url``."""
    return RequestValidator(token).compute_signature(url, payload)


def twilio_post(
    path: str,
    payload: dict[str, str],
    *,
    token: str,
    signature: str | None = None,
    base_url: str = "http://testserver",
    client: Client | None = None,
    **extra: object,
) -> HttpResponse:
    """POST ``payload`` form-encoded to ``path``, signed for ``base_url + path`` with ``token``
    unless ``signature`` is given (a forged or missing one)."""
    if signature is None:
        signature = twilio_signature(base_url + path, payload, token)
    return (client or Client()).post(
        path,
        urlencode(payload),
        content_type=FORM,
        HTTP_X_TWILIO_SIGNATURE=signature,
        **extra,
    )
