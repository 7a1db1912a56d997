"""A text-message provider for ``bench/faults.py``: stands in for the provider outside the
machine. Each send takes a while (so a worker can be killed in the middle of one) and is
written, on acceptance, to the file named by ``FAULTS_SMS_LOG``: what the provider would
have delivered, the ground truth for "sent twice"."""

from __future__ import annotations

import os
import time
import uuid

REQUEST_SECONDS = 0.2  # on the way to the provider
ANSWER_SECONDS = 0.2  # the provider accepted it; its answer on the way back


class RecordingSlowSmsProvider:
    """A kill in the first half loses nothing the provider saw; in the second half the
    provider has the text but the worker never hears so (the case a re-send duplicates)."""

    def send(self, to: str, body: str) -> str:
        time.sleep(REQUEST_SECONDS)
        message_id = f"SM{uuid.uuid4().hex}"
        with open(os.environ["FAULTS_SMS_LOG"], "a") as log:
            log.write(f"{to} {message_id}\n")
        time.sleep(ANSWER_SECONDS)
        return message_id
