"""After-contact work: wrap-up after a contact ends by itself after DESK_AFTER_CONTACT_SECONDS
(never when 0), recorded as such, with the deadline on the agent's page for its timer."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from contactcenter.core.models import PeriodicJobRun
from contactcenter.core.periodic import periodic_jobs, periodic_run_due
from contactcenter.desk import receivers
from contactcenter.desk.selectors import after_contact_deadline
from contactcenter.desk.services import (
    AFTER_CONTACT_ENDED,
    desk_after_contact_end_due,
    desk_inquiry_resolve,
)
from contactcenter.routing.models import Agent, Presence, PresenceChange, WorkState
from contactcenter.routing.services import agent_set_presence
from contactcenter.staff.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def wrapped_up(signed_in, held_call):
    """A Tier 1 agent who just resolved their call and is in wrap-up; returns (client, agent)."""
    client, user = signed_in(Role.TIER1)
    item = held_call(user)
    agent = item.assigned_to
    desk_inquiry_resolve(agent=agent, actor=user, inquiry=item.inquiry, held_item_ids=[item.pk],
                         disposition="resolved_first_contact")  # fmt: skip
    agent.refresh_from_db()
    assert agent.presence == Presence.WRAP_UP
    return client, agent


def test_the_deadline_is_on_the_page_and_from_the_setting(wrapped_up, settings):
    client, agent = wrapped_up
    settings.DESK_AFTER_CONTACT_SECONDS = 90
    deadline = after_contact_deadline(agent=agent)
    assert deadline == agent.presence_since + dt.timedelta(seconds=90)
    response = client.get("/desk/")
    assert response.context["after_contact_deadline"] == deadline
    settings.DESK_AFTER_CONTACT_SECONDS = 0
    assert after_contact_deadline(agent=agent) is None
    assert client.get("/desk/").context["after_contact_deadline"] is None


def test_no_deadline_outside_wrap_up(signed_in, queues):
    client, _user = signed_in(Role.TIER1)
    client.post("/desk/presence/", {"presence": "available"})
    assert client.get("/desk/").context["after_contact_deadline"] is None


def test_wrap_up_ends_by_itself_after_the_set_time(wrapped_up, settings):
    _client, agent = wrapped_up
    settings.DESK_AFTER_CONTACT_SECONDS = 60
    started = agent.presence_since
    assert desk_after_contact_end_due(now=started + dt.timedelta(seconds=59)) == 0
    agent.refresh_from_db()
    assert agent.presence == Presence.WRAP_UP
    assert desk_after_contact_end_due(now=started + dt.timedelta(seconds=60)) == 1
    agent.refresh_from_db()
    assert agent.presence == Presence.AVAILABLE
    last = PresenceChange.objects.filter(agent=agent).latest("changed_at", "id")
    assert (last.presence, last.reason) == (Presence.AVAILABLE, AFTER_CONTACT_ENDED)
    # Once ended, nothing more happens.
    assert desk_after_contact_end_due(now=started + dt.timedelta(hours=1)) == 0


def test_zero_means_wrap_up_never_ends_by_itself(wrapped_up, settings):
    _client, agent = wrapped_up
    settings.DESK_AFTER_CONTACT_SECONDS = 0
    assert desk_after_contact_end_due(now=timezone.now() + dt.timedelta(days=1)) == 0
    agent.refresh_from_db()
    assert agent.presence == Presence.WRAP_UP


def test_an_agent_still_holding_work_goes_back_to_busy_not_available(
    signed_in, held_call, settings
):
    _client, user = signed_in(Role.TIER1)
    item = held_call(user)
    agent = item.assigned_to
    agent_set_presence(agent=agent, presence=Presence.WRAP_UP, reason="desk")  # chosen
    settings.DESK_AFTER_CONTACT_SECONDS = 30
    assert desk_after_contact_end_due(now=timezone.now() + dt.timedelta(seconds=31)) == 1
    agent.refresh_from_db()
    item.refresh_from_db()
    assert agent.presence == Presence.BUSY and item.state == WorkState.ASSIGNED


def test_only_agents_past_their_time_are_moved(wrapped_up, make_agent, settings):
    _client, agent = wrapped_up
    settings.DESK_AFTER_CONTACT_SECONDS = 60
    later = make_agent(presence=Presence.WRAP_UP)
    later.presence_since = agent.presence_since + dt.timedelta(seconds=45)
    later.save()
    away = make_agent(presence=Presence.AWAY)
    away.presence_since = agent.presence_since - dt.timedelta(hours=1)
    away.save()
    assert desk_after_contact_end_due(now=agent.presence_since + dt.timedelta(seconds=70)) == 1
    presences = dict(Agent.objects.values_list("pk", "presence"))
    assert presences[agent.pk] == Presence.AVAILABLE
    assert presences[later.pk] == Presence.WRAP_UP and presences[away.pk] == Presence.AWAY


def test_the_periodic_job_is_registered_and_runs(wrapped_up, settings):
    _client, agent = wrapped_up
    assert "desk.end_after_contact" in [job.name for job in periodic_jobs()]
    settings.DESK_AFTER_CONTACT_SECONDS = 1
    Agent.objects.filter(pk=agent.pk).update(
        presence_since=timezone.now() - dt.timedelta(seconds=5)
    )
    ran = periodic_run_due()
    assert "desk.end_after_contact" in ran
    assert PeriodicJobRun.objects.get(name="desk.end_after_contact").last_error == ""
    agent.refresh_from_db()
    assert agent.presence == Presence.AVAILABLE


def test_the_agents_own_pages_hear_that_wrap_up_ended(monkeypatch):
    sent: list[tuple[str, str, int | None]] = []
    monkeypatch.setattr(receivers, "_send", lambda group, kind, origin: sent.append(
        (group, kind, origin)))  # fmt: skip
    receivers.desk_on_presence(None, user_id=7, reason=AFTER_CONTACT_ENDED)
    assert sent == [("desk.supervisors", "board", 7), ("desk.user.7", "work", None)]
    sent.clear()
    receivers.desk_on_presence(None, user_id=7, reason="desk")  # their own click
    assert sent == [("desk.supervisors", "board", 7)]
