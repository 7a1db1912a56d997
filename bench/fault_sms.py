"""A text-message provider for ``bench/faults.py``: stands in for the provider outside the
machine. Each send takes a while (so a worker can be killed in the middle of one) and is
written, on acceptance, to the file named by ``FAULTS_SMS_LOG``: what the provider would
have delivered, the ground truth for "sent twice"."""

from __future__ import annotations

import os
import time
import uuid

SEND_SECONDS = 0.4


class RecordingSlowSmsProvider:
    def send(self, to: str, body: str) -> str:
        time.sleep(SEND_SECONDS)
        message_id = f"SM{uuid.uuid4().hex}"
        with open(os.environ["FAULTS_SMS_LOG"], "a") as log:
            log.write(f"{to} {message_id}\n")
        return message_id
