"""Two people after the last place at once: one gets it, the other is told plainly.

PostgreSQL only: SQLite serialises writers, so it cannot show the race this is about.
"""

import threading

import pytest
from django.db import connection, connections

from contactcenter.appointments import errors, services
from contactcenter.appointments.models import Appointment, AppointmentSlot
from contactcenter.inquiries.services import inquiry_open
from tests.appointments.conftest import NYC_ZIP, first_slot

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL row locks and real concurrent connections; runs in CI",
    ),
    pytest.mark.django_db(transaction=True),
]

ROUNDS = 5


def race(calls):
    """Run each call in its own thread (its own connection), released together."""
    start = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def work(position, call):
        try:
            start.wait()
            results[position] = call()
        except BaseException as error:  # the loser's error is the result under test
            results[position] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_last_place_goes_to_exactly_one_of_two(offices, slots, officer):
    for round_number in range(ROUNDS):
        slot = first_slot(offices["NYC"], exclude=tuple(
            AppointmentSlot.objects.filter(booked__gt=0).values_list("pk", flat=True)
        ))  # fmt: skip
        AppointmentSlot.objects.filter(pk=slot.pk).update(booked=slot.capacity - 1)
        requests = []
        for index in range(2):
            inquiry = inquiry_open(channel="phone", contact_email=f"r{round_number}{index}@ex.com")
            requests.append(
                services.appointment_request_create(
                    inquiry=inquiry, reason="proof_of_status_stamp", zip_code=NYC_ZIP
                )
            )
        results = race(
            [
                lambda r=r, s=slot: services.appointment_request_offer_slot(
                    request=r, slot=s, reviewer=officer
                )
                for r in requests
            ]
        )
        won = [r for r in results if isinstance(r, Appointment)]
        lost = [r for r in results if isinstance(r, errors.SlotFull)]
        assert len(won) == 1 and len(lost) == 1, results
        assert "Someone else has just taken the last place" in lost[0].message
        slot.refresh_from_db()
        assert slot.booked == slot.capacity
        assert Appointment.objects.filter(slot=slot).count() == 1
