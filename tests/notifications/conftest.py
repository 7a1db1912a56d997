import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from contactcenter.core.reference_numbers import ReferenceNumber
from contactcenter.notifications.inbound_keywords import _HANDLERS
from contactcenter.notifications.providers.sms import InMemorySmsProvider
from contactcenter.notifications.services import deliver_notification
from tests.notifications.fakes import FlakySmsProvider

PHONE = "+15555550142"
EMAIL = "ana.reyes@example.org"


@pytest.fixture(autouse=True)
def _providers(settings):
    """Texts and emails stay in memory; both outboxes start empty."""
    settings.SMS_PROVIDER = "memory"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.PUBLIC_BASE_URL = "https://contact.example.gov"
    InMemorySmsProvider.outbox.clear()
    FlakySmsProvider.failures.clear()
    mail.outbox = []
    handlers = dict(_HANDLERS)
    yield
    InMemorySmsProvider.outbox.clear()
    FlakySmsProvider.failures.clear()
    _HANDLERS.clear()
    _HANDLERS.update(handlers)


@pytest.fixture
def sms_outbox():
    return InMemorySmsProvider.outbox


@pytest.fixture
def flaky_sms(settings):
    settings.SMS_PROVIDER = "tests.notifications.fakes.FlakySmsProvider"
    return FlakySmsProvider


@pytest.fixture
def dummy_tasks(settings):
    """Tasks are recorded, not run: the test sees exactly what was enqueued."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    backend = deliver_notification.get_backend()
    backend.clear()
    return backend


@pytest.fixture
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def reference_number():
    return ReferenceNumber.generate().value


class Clock:
    def __init__(self, start: dt.datetime) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


@pytest.fixture
def clock(monkeypatch):
    """One controllable clock for the services (they read time only via timezone.now)."""
    fake = Clock(dt.datetime(2025, 3, 4, 14, 0, tzinfo=dt.UTC))
    monkeypatch.setattr(timezone, "now", fake)
    return fake
