"""Which members of staff may open a chat's desk socket (``selectors.conversation_for_staff``):
the agent who holds it (in one query, on the way to work it), any supervisor, no one else;
and an inquiry that is not there looks the same as one that is someone else's."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from contactcenter.chat.selectors import conversation_for_staff
from contactcenter.staff.models import Role
from tests.chat.test_consumers import accepted_chat

pytestmark = pytest.mark.django_db

__all__ = ["accepted_chat"]  # the fixture, shared with test_consumers


def test_the_agent_holding_it_in_one_query(accepted_chat, django_assert_num_queries):
    conversation, _token, agent_user = accepted_chat
    reference = conversation.inquiry.reference_number
    with django_assert_num_queries(1):
        found = conversation_for_staff(user=agent_user, reference_number=reference)
    assert found == conversation and found.inquiry.reference_number == reference


def test_a_supervisor_yes_another_agent_and_strangers_no(accepted_chat, staff):
    conversation, _token, _agent_user = accepted_chat
    reference = conversation.inquiry.reference_number
    supervisor, other = staff(Role.SUPERVISOR), staff(Role.TIER1)
    assert conversation_for_staff(user=supervisor, reference_number=reference) == conversation
    assert conversation_for_staff(user=other, reference_number=reference) is None
    assert conversation_for_staff(user=AnonymousUser(), reference_number=reference) is None
    assert conversation_for_staff(user=supervisor, reference_number="X-NOT-THERE") is None
