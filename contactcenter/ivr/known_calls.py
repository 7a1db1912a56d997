"""A per-process memory of the calls answered last: a hint that spares the next turn its read."""

from __future__ import annotations

import collections
import json
import threading
from typing import Any

from django.db import DEFAULT_DB_ALIAS

from contactcenter.ivr.call_requests import CallRequest
from contactcenter.ivr.call_store import call_attnames
from contactcenter.ivr.models import Call


class KnownCalls:
    """The calls this process answered last, as their last turn left them, so the next turn
    of the same call (Twilio sends a call's requests one after another) needs no read.

    Only a hint: the next turn's write goes through only if the row still has the step and
    ``updated_at`` kept here, and otherwise the turn starts again from a read. An entry is
    taken when used, dropped when the call ends or takes the locked path, and the oldest go
    past ``size``. What is kept is what the row holds (the state of the call, with any value
    collected so far), in this process's memory only. PostgreSQL only, like the statements
    that check it."""

    def __init__(self, size: int = 20_000) -> None:
        self.size = size
        self._rows: collections.OrderedDict[str, tuple[Any, ...]] = collections.OrderedDict()
        self._lock = threading.Lock()

    def remember(self, call: Call) -> None:
        values = tuple(
            json.dumps(call.state) if name == "state" else getattr(call, name)
            for name in call_attnames()
        )
        with self._lock:
            self._rows[call.call_sid] = values
            self._rows.move_to_end(call.call_sid)
            while len(self._rows) > self.size:
                self._rows.popitem(last=False)

    def take(self, request: CallRequest) -> Call | None:
        with self._lock:
            values = self._rows.pop(request.call_sid, None)
        if values is None:
            return None
        names = call_attnames()
        call = Call.from_db(DEFAULT_DB_ALIAS, names, [
            json.loads(value) if name == "state" else value
            for name, value in zip(names, values, strict=True)
        ])  # fmt: skip
        if call.line != request.line or call.next_step != request.step:
            return None  # a retry or a step out of order: the read decides
        return call

    def forget(self, call_sid: str) -> None:
        with self._lock:
            self._rows.pop(call_sid, None)

    def clear(self) -> None:
        with self._lock:
            self._rows.clear()


KNOWN_CALLS = KnownCalls()
