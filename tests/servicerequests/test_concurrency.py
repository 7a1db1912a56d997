"""Two agents creating the same request for the same case at the same moment: one request is
created and the other agent is given its number. PostgreSQL only (CI runs it there): SQLite
serialises writers, so it cannot show the race the partial unique index settles."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from contactcenter.servicerequests.errors import ServiceRequestRefused
from contactcenter.servicerequests.models import ServiceRequest
from contactcenter.servicerequests.services import service_request_create
from contactcenter.staff.models import Role
from tests.factories import StaffUserFactory

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL; runs in CI"),
    pytest.mark.django_db(transaction=True),
]

AGENTS = 8


def test_simultaneous_duplicates_create_one(make_case, make_inquiry):
    case = make_case()
    agents = [StaffUserFactory(role=Role.TIER1) for _ in range(AGENTS)]
    inquiries = [make_inquiry(case) for _ in range(AGENTS)]
    start = threading.Barrier(AGENTS)
    outcomes: list[object] = []

    def work(agent, inquiry) -> None:
        try:
            start.wait()
            created = service_request_create(
                inquiry=inquiry,
                actor=agent,
                type_code="typographic-error",
                details={"document": "card", "description": "Wrong name."},
            )
            outcomes.append(created.request.number)
        except ServiceRequestRefused as refused:
            outcomes.append(refused)
        except BaseException as error:  # surfaced below
            outcomes.append(error)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=work, args=pair) for pair in zip(agents, inquiries, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    numbers = [o for o in outcomes if isinstance(o, str)]
    refusals = [o for o in outcomes if isinstance(o, ServiceRequestRefused)]
    assert len(numbers) == 1, outcomes
    assert len(refusals) == AGENTS - 1, outcomes
    assert all(r.extra["existing_number"] == numbers[0] for r in refusals)
    assert ServiceRequest.objects.filter(case=case).count() == 1
