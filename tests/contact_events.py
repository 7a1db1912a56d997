"""The domain events a contact reports (``core.domain_events``), as a test sees them.

``contact_events`` connects a receiver to ``contact_event`` (sent after commit) for one test
and gives the events received, in order. pytest-django runs a test inside a transaction that
never commits, so run each step of the contact under ``contact_events.committed()`` (the same
as ``django_capture_on_commit_callbacks(execute=True)``: what the step left to after the
commit runs when the block ends, in order, and so does what those callbacks leave in turn), or
mark the test ``django_db(transaction=True)``, where every commit is real. The fixture is
imported into ``tests/conftest.py``, so every test can ask for it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager

import pytest

from contactcenter.core.domain_events import ContactEvent, ContactEventKind, contact_event

# What personal data looks like, wherever it might slip into an event: a phone number (E.164
# or ten digits written the American way), an email address, a receipt number, an A-Number.
PERSONAL_DATA = {
    "phone number": re.compile(r"\+\d{8,15}|(?<!\d)\(?\d{3}\)?[-. ]?\d{3}[-. ]\d{4}(?!\d)"),
    "email address": re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+"),
    "receipt number": re.compile(r"\b[A-Z]{3}\d{10}\b", re.IGNORECASE),
    "A-Number": re.compile(r"\bA-?\d{8,9}\b", re.IGNORECASE),
}


class ContactEvents(list[ContactEvent]):
    """The events received so far, oldest first."""

    def __init__(self, capture: Callable[..., AbstractContextManager[object]]) -> None:
        super().__init__()
        self._capture = capture

    def committed(self) -> AbstractContextManager[object]:
        """A block whose after-commit work (these events among it) runs when it ends."""
        return self._capture(execute=True)

    def kinds(self, **fields: object) -> list[str]:
        """The kinds, in order, of the events whose fields equal ``fields`` (all if none)."""
        return [str(event.kind) for event in self.matching(**fields)]

    def matching(self, **fields: object) -> list[ContactEvent]:
        return [
            event
            for event in self
            if all(getattr(event, name) == value for name, value in fields.items())
        ]

    def one(self, kind: ContactEventKind, **fields: object) -> ContactEvent:
        """The one event of ``kind`` (and ``fields``); fails if there are none or several."""
        found = self.matching(kind=kind, **fields)
        assert len(found) == 1, f"expected one {kind} event, got {self.kinds()}"
        return found[0]


@contextmanager
def contact_events_received(
    capture: Callable[..., AbstractContextManager[object]],
) -> Iterator[ContactEvents]:
    received = ContactEvents(capture)

    def receive(sender, *, event: ContactEvent, **kwargs) -> None:
        received.append(event)

    contact_event.connect(receive, weak=False, dispatch_uid="tests.contact_events")
    try:
        yield received
    finally:
        contact_event.disconnect(dispatch_uid="tests.contact_events")


@pytest.fixture
def contact_events(django_capture_on_commit_callbacks) -> Iterator[ContactEvents]:
    """Every ``ContactEvent`` sent after commit during the test, in order."""
    with contact_events_received(django_capture_on_commit_callbacks) as received:
        yield received


def personal_data_found(events: Iterable[ContactEvent], *known: str) -> list[str]:
    """What in ``events`` (as ``as_dict()`` gives them) looks like personal data, or is one of
    the ``known`` values the test used (a caller's number, a name, a receipt number)."""
    found = []
    for event in events:
        payload = event.as_dict()
        # The event's own id is a random UUID, whose hex digits can look like a phone number.
        payload.pop("id")
        text = json.dumps(payload)
        for what, pattern in PERSONAL_DATA.items():
            found += [f"{event.kind}: {what} {match!r}" for match in pattern.findall(text)]
        for value in known:
            if value and re.search(rf"(?<!\w){re.escape(value)}(?!\w)", text, re.IGNORECASE):
                found.append(f"{event.kind}: {value!r}")
    return found


def assert_no_personal_data(events: Iterable[ContactEvent], *known: str) -> None:
    events = list(events)
    assert events, "no events to look at"
    found = personal_data_found(events, *known)
    assert not found, found
