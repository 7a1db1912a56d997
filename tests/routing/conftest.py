import datetime as dt

import pytest
from django.contrib.auth import get_user_model

from contactcenter.routing.models import Agent, Presence
from contactcenter.routing.reference_data import queues_load


@pytest.fixture
def queues(db):
    queues_load()


@pytest.fixture
def always_open(settings):
    settings.LIVE_HELP_ALWAYS_OPEN = True


@pytest.fixture
def make_agent(db):
    counter = iter(range(1, 100_000))

    def make(
        *,
        tiers=("tier1",),
        languages=("en",),
        skills=(),
        capacity=None,
        presence=Presence.AVAILABLE,
    ) -> Agent:
        user = get_user_model().objects.create_user(username=f"agent{next(counter)}")
        return Agent.objects.create(
            user=user,
            tiers=list(tiers),
            languages=list(languages),
            skills=list(skills),
            capacity=capacity if capacity is not None else {"phone": 1, "chat": 3},
            presence=presence,
        )

    return make


@pytest.fixture
def at():
    def moment(*args):
        from zoneinfo import ZoneInfo

        return dt.datetime(*args, tzinfo=ZoneInfo("America/New_York"))

    return moment
