"""A text-message provider for ``bench/faults.py``: stands in for the provider outside the
machine. Each send takes a while (so a worker can be killed in the middle of one) and is
written, on acceptance, to the file named by ``FAULTS_SMS_LOG``: what the provider would
have delivered, the ground truth for "sent twice". Like Twilio's message list, it can be asked
whether it accepted a text to a number since a time, which is what a stalled send asks before
it goes again."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import time
import uuid
from pathlib import Path

REQUEST_SECONDS = 0.2  # on the way to the provider
ANSWER_SECONDS = 0.2  # the provider accepted it; its answer on the way back


def _digest(body: str) -> str:
    return hashlib.sha256(body.encode()).hexdigest()[:16]


class RecordingSlowSmsProvider:
    """A kill in the first half loses nothing the provider saw; in the second half the
    provider has the text but the worker never hears so (the case a re-send duplicates)."""

    def send(self, to: str, body: str, *, status_callback: str = "") -> str:
        time.sleep(REQUEST_SECONDS)
        message_id = f"SM{uuid.uuid4().hex}"
        accepted_at = dt.datetime.now(dt.UTC).timestamp()
        with open(os.environ["FAULTS_SMS_LOG"], "a") as log:
            log.write(f"{to} {message_id} {accepted_at:.3f} {_digest(body)}\n")
        time.sleep(ANSWER_SECONDS)
        return message_id

    def accepted_message_id(self, *, to: str, body: str, since: dt.datetime) -> str | None:
        try:
            lines = Path(os.environ["FAULTS_SMS_LOG"]).read_text().splitlines()
        except FileNotFoundError:
            return None
        for line in reversed(lines):
            number, message_id, accepted_at, digest = line.split()
            if (number == to and digest == _digest(body)
                    and float(accepted_at) >= since.timestamp()):  # fmt: skip
                return message_id
        return None
