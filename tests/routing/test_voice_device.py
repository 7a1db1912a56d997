"""Where an agent's accepted calls ring: ``agent_voice_device_set`` and the database rule
that a phone device always has its number."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from contactcenter.core.errors import InvalidInput
from contactcenter.routing.models import Agent, VoiceDevice
from contactcenter.routing.services import agent_voice_device_set

pytestmark = pytest.mark.django_db


def stored(agent: Agent) -> tuple[str, str]:
    row = Agent.objects.get(pk=agent.pk)
    return row.voice_device, row.voice_phone


def test_a_new_agent_takes_calls_in_the_browser_under_its_own_identity(make_agent):
    agent = make_agent()
    assert agent.voice_device == VoiceDevice.BROWSER
    assert agent.voice_phone == ""
    assert agent.voice_identity == f"agent-{agent.pk}"
    assert make_agent().voice_identity != agent.voice_identity


@pytest.mark.parametrize(
    ("typed", "e164"),
    [
        ("(402) 555-0142", "+14025550142"),
        ("402.555.0142", "+14025550142"),
        ("1 402 555 0142", "+14025550142"),
        ("+1 402-555-0142", "+14025550142"),
        ("+52 55 1234 5678", "+525512345678"),
    ],
)
def test_a_phone_device_keeps_the_number_in_e164(make_agent, typed, e164):
    agent = make_agent()
    result = agent_voice_device_set(agent=agent, device="phone", phone=typed)
    assert stored(agent) == ("phone", e164)
    assert (agent.voice_device, agent.voice_phone) == ("phone", e164)  # the caller's copy too
    assert result.voice_phone == e164


@pytest.mark.parametrize(
    ("device", "phone", "message"),
    [
        ("phone", "555-0142", "not a valid 10-digit U.S. phone number"),
        ("phone", "(102) 555-0142", "not a valid 10-digit U.S. phone number"),
        ("phone", "call me maybe", "only digits"),
        ("phone", "+0 402 555 0142", "not a phone number in international form"),
        ("phone", "+1 123 555 0142", "not a valid U.S. phone number"),
        ("browser", "402-555-01x2", "only digits"),
        ("pager", "4025550142", "this browser or a phone number"),
        ("", "", "this browser or a phone number"),
    ],
)
def test_bad_choices_and_numbers_are_refused_and_nothing_changes(
    make_agent, device, phone, message
):
    agent = make_agent()
    agent_voice_device_set(agent=agent, device="phone", phone="4025550199")
    before = stored(agent)
    with pytest.raises(InvalidInput) as refused:
        agent_voice_device_set(agent=agent, device=device, phone=phone)
    assert message in str(refused.value.message)
    assert stored(agent) == before == ("phone", "+14025550199")
    assert (agent.voice_device, agent.voice_phone) == before


@pytest.mark.parametrize("phone", ["", "   "])
def test_a_phone_device_needs_a_number_from_an_agent_who_never_gave_one(make_agent, phone):
    agent = make_agent()
    with pytest.raises(InvalidInput, match="Enter the phone number your calls should ring at"):
        agent_voice_device_set(agent=agent, device="phone", phone=phone)
    assert stored(agent) == ("browser", "")


def test_the_contact_centers_own_number_is_refused(make_agent, settings):
    settings.TWILIO_FROM_NUMBER = "+14025550100"
    agent = make_agent()
    with pytest.raises(InvalidInput, match="own number"):
        agent_voice_device_set(agent=agent, device="phone", phone="402 555 0100")
    assert stored(agent) == ("browser", "")


def test_back_to_the_browser_keeps_the_number_for_next_time(make_agent):
    agent = make_agent()
    agent_voice_device_set(agent=agent, device="phone", phone="4025550142")
    agent_voice_device_set(agent=agent, device="browser")
    assert stored(agent) == ("browser", "+14025550142")
    # Choosing the phone again without typing the number uses the one on file.
    agent_voice_device_set(agent=agent, device="phone")
    assert stored(agent) == ("phone", "+14025550142")


def test_a_number_given_with_the_browser_is_parsed_and_kept(make_agent):
    agent = make_agent()
    agent_voice_device_set(agent=agent, device="browser", phone="(402) 555-0142")
    assert stored(agent) == ("browser", "+14025550142")


def test_the_number_is_never_logged(make_agent, caplog):
    agent = make_agent()
    with caplog.at_level("DEBUG"):
        agent_voice_device_set(agent=agent, device="phone", phone="4025550142")
    assert "routing.voice_device_set" in caplog.messages
    logged = " ".join(f"{record.getMessage()} {record.__dict__}" for record in caplog.records)
    assert "5550142" not in logged


def test_the_database_refuses_a_phone_device_without_a_number(make_agent):
    agent = make_agent()
    with pytest.raises(IntegrityError), transaction.atomic():
        Agent.objects.filter(pk=agent.pk).update(voice_device="phone", voice_phone="")
    assert stored(agent) == ("browser", "")
