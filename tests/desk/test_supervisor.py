"""The supervisor's board: queues, agents, requests, reassignment, in a fixed number of
queries."""

from __future__ import annotations

import pytest

from contactcenter.inquiries.services import inquiry_request_supervisor
from contactcenter.routing.models import Presence, WorkItem, WorkKind, WorkState
from contactcenter.routing.services import agent_ensure_for_user, agent_set_presence
from contactcenter.staff.models import Role

pytestmark = pytest.mark.django_db


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def fill(staff, queued_call, held_call, *, agents: int, calls: int) -> None:
    for n in range(agents):
        user = staff(Role.TIER1)
        if n % 2:
            held_call(user)
        else:
            agent_set_presence(agent=agent_ensure_for_user(user=user), presence=Presence.AWAY)
    for _ in range(calls):
        queued_call()


def test_board_shows_depth_oldest_wait_and_agents(signed_in, staff, queued_call, held_call):
    client, _sup = signed_in(Role.SUPERVISOR)
    fill(staff, queued_call, held_call, agents=2, calls=3)
    response = client.get("/desk/supervisor/")
    board = response.context["board"]
    depths = {row.queue.code: row.depth for row in board.queues}
    assert depths["t1-general-en"] == 3 and depths["t2-callbacks-en"] == 0
    general = next(row for row in board.queues if row.queue.code == "t1-general-en")
    assert general.oldest_wait is not None and general.oldest_wait.total_seconds() >= 0
    presences = {agent.presence for agent in board.agents}
    assert {Presence.AWAY, Presence.BUSY} <= presences
    busy = next(agent for agent in board.agents if agent.presence == Presence.BUSY)
    assert len(busy.current_work) == 1
    content = response.content.decode()
    assert busy.current_work[0].inquiry.reference_number in content


def test_board_queries_do_not_grow_with_the_data(
    signed_in, staff, queued_call, held_call, django_assert_max_num_queries
):
    client, _sup = signed_in(Role.SUPERVISOR)
    fill(staff, queued_call, held_call, agents=2, calls=2)
    with django_assert_max_num_queries(12) as small:
        client.get("/desk/supervisor/")
    # Hold calls only once nothing waits: the oldest waiting call is the one offered.
    for item in WorkItem.objects.filter(state=WorkState.QUEUED):
        from contactcenter.routing.services import work_items_cancel_for_inquiry

        work_items_cancel_for_inquiry(inquiry=item.inquiry)
    fill(staff, queued_call, held_call, agents=8, calls=10)
    with django_assert_max_num_queries(len(small.captured_queries)):
        page = client.get("/desk/supervisor/")
    assert page.status_code == 200 and len(page.context["board"].agents) >= 10
    with django_assert_max_num_queries(len(small.captured_queries)):
        fragment = client.get("/desk/supervisor/board/")
    assert b'data-testid="queues"' in fragment.content and b"<html" not in fragment.content


def test_supervisor_requests_are_listed_and_can_be_taken(signed_in, held_call, staff, client):
    agent_user = staff(Role.TIER1)
    item = held_call(agent_user)
    inquiry_request_supervisor(inquiry=item.inquiry, actor=agent_user, reason="Upset caller")
    request_item = WorkItem.objects.get(kind=WorkKind.SUPERVISOR_REQUEST)
    sup_client, sup = signed_in(Role.SUPERVISOR)
    page = sup_client.get("/desk/supervisor/")
    assert [i.pk for i in page.context["board"].supervisor_requests] == [request_item.pk]
    taken = sup_client.post(f"/desk/supervisor/items/{request_item.pk}/assign/", {"take": "1"})
    assert taken["Location"] == f"/desk/inquiries/{item.inquiry.reference_number}/"
    request_item.refresh_from_db()
    assert request_item.state == WorkState.ASSIGNED and request_item.assigned_to.user == sup


def test_give_an_item_to_an_agent_and_refusals(signed_in, staff, queued_call, always_open):
    item = queued_call()
    target = agent_ensure_for_user(user=staff(Role.TIER1))
    client, _sup = signed_in(Role.SUPERVISOR)
    given = client.post(f"/desk/supervisor/items/{item.pk}/assign/", {"agent": target.pk},
                        follow=True)  # fmt: skip
    assert any(m.startswith(f"Item for inquiry {item.inquiry.reference_number} given to")
               for m in messages_of(given))  # fmt: skip
    item.refresh_from_db()
    assert item.state == WorkState.ASSIGNED and item.assigned_to == target

    unknown = client.post(f"/desk/supervisor/items/{item.pk}/assign/", {"agent": 999999},
                          follow=True)  # fmt: skip
    assert "Choose an agent from the list." in messages_of(unknown)
    junk = client.post(f"/desk/supervisor/items/{item.pk}/assign/", {"agent": "x"}, follow=True)
    assert "Choose an agent from the list." in messages_of(junk)
    missing = client.post("/desk/supervisor/items/999999/assign/", {"take": "1"}, follow=True)
    assert "That work item does not exist." in messages_of(missing)
    item.refresh_from_db()
    assert item.assigned_to == target


def test_finished_items_cannot_be_reassigned(signed_in, staff, held_call):
    user = staff(Role.TIER1)
    item = held_call(user)
    from contactcenter.routing.services import work_item_complete

    work_item_complete(agent=item.assigned_to, item_id=item.pk)
    client, _sup = signed_in(Role.SUPERVISOR)
    response = client.post(f"/desk/supervisor/items/{item.pk}/assign/", {"take": "1"},
                           follow=True)  # fmt: skip
    assert "This item is already finished." in messages_of(response)


def _phone_calls(outcomes: list[str]) -> None:
    from django.utils import timezone

    from contactcenter.ivr.models import Call, FlowVersion
    from contactcenter.ivr.services import flows_load_all

    flows_load_all()
    version = FlowVersion.objects.get(line="main", active=True)
    now = timezone.now()
    for n, outcome in enumerate(outcomes):
        Call.objects.create(call_sid=f"CA{n:032d}", line="main", flow_version=version,
                            started_at=now, ended_at=now, outcome=outcome)  # fmt: skip


def test_board_charts_the_phone_lines_day(signed_in):
    client, _sup = signed_in(Role.SUPERVISOR)
    _phone_calls(["self_served", "self_served", "self_served", "abandoned"])
    content = client.get("/desk/supervisor/board/").content.decode()
    assert "Phone lines today" in content
    assert "Main contact center line" in content and "75% self-served" in content
    assert content.count('data-testid="line-bar"') == 1
    assert '<rect class="desk-outcome--self_served" x="0.00" y="0" width="75.00"' in content
    assert '<rect class="desk-outcome--abandoned" x="75.00" y="0" width="25.00"' in content
    assert '<tr data-outcome="abandoned">' in content  # the figures, beside the picture


def test_board_phone_lines_in_spanish_keep_a_decimal_point_in_the_chart(signed_in):
    client, _sup = signed_in(Role.SUPERVISOR)
    _phone_calls(["self_served", "self_served", "abandoned"])
    content = client.get("/desk/supervisor/board/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Líneas telefónicas hoy" in content
    assert "Línea principal del centro de contacto" in content and "Autoservicio" in content
    assert 'width="66.67"' in content and 'x="66.67"' in content


def test_board_says_when_no_call_came_today(signed_in):
    client, _sup = signed_in(Role.SUPERVISOR)
    assert "No calls yet today." in client.get("/desk/supervisor/board/").content.decode()
