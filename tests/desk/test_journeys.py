"""Journeys: the figures of docs/journeys.md worked out by hand on the contacts of
tests/desk/journey_data.py, the page and its CSV, and the journeys behind each figure, for
supervisors only and on record in the disclosure log."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from contactcenter.audit.models import DisclosureLog
from contactcenter.core.errors import ApplicationError, InvalidInput
from contactcenter.desk.journeys import (
    JourneySpec,
    journey_figures,
    journeys_for_viewer,
    person_journey_for_viewer,
)
from contactcenter.staff.models import Role
from tests.desk.journey_data import FIRST, LAST, SETTLED, build, contact, local
from tests.desk.staff_pages import _staff, staff_client

pytestmark = pytest.mark.django_db

SPEC = JourneySpec(first=FIRST, last=LAST)
QUERY = f"first={FIRST}&last={LAST}"


@pytest.fixture
def world(settings):
    settings.TIME_ZONE = "America/New_York"
    return build()


def _row(rows, label):
    return next(row for row in rows if row.label == label).counts


def test_the_figures_of_the_range_are_the_hand_worked_ones(world):
    counts = journey_figures(SPEC, today=SETTLED).total.counts
    assert counts.contacts == 8
    assert (counts.identified, len(counts.people), len(counts.cases)) == (6, 5, 5)
    assert (counts.repeats, counts.repeat_percent) == (2, Decimal("33.33"))
    assert (counts.settled, counts.resolved_first) == (6, 2)
    assert counts.resolved_first_percent == Decimal("33.33")
    assert (counts.self_service_starts, counts.self_service_reached) == (5, 2)
    assert counts.reached_of_contacts_percent == Decimal("25.00")
    assert counts.reached_of_starts_percent == Decimal("40.00")


def test_by_channel_and_by_first_queue(world):
    figures = journey_figures(SPEC, today=SETTLED)
    phone = _row(figures.by_channel, "Phone")  # 1, 6, 9, 10
    assert (phone.contacts, phone.identified, phone.repeats, phone.settled) == (4, 3, 1, 3)
    assert phone.resolved_first_percent == Decimal("33.33")  # #6 only
    assert (phone.self_service_starts, phone.self_service_reached) == (3, 2)
    chat = _row(figures.by_channel, "Live chat")  # 4
    assert (chat.contacts, chat.repeats, chat.resolved_first, chat.self_service_reached) == (
        1, 1, 0, 0,
    )  # fmt: skip
    assert _row(figures.by_channel, "Web form").resolved_first_percent == Decimal("100.00")
    assistant = _row(figures.by_channel, "Virtual assistant")
    assert (assistant.contacts, assistant.identified, assistant.self_service_starts) == (1, 0, 1)
    general = _row(figures.by_queue, "Tier 1 general, English")  # 1, 3, 9
    assert (general.contacts, general.identified, general.settled, general.resolved_first) == (
        3, 2, 2, 0,
    )  # fmt: skip
    assert general.self_service_reached == 2
    none = _row(figures.by_queue, "No queue")  # 6, 8, 10 and the assistant's
    assert (none.contacts, none.repeats) == (4, 1)
    assert figures.by_queue[-1].label == "No queue"


def test_a_repeat_on_day_7_counts_and_on_day_8_does_not(world):
    """Agency days, not hours: #1 at 23:50 and #2 on the seventh day after (six days by UTC
    date) is a repeat; #6 comes seven days and one hour after #5 (the clocks went back between)
    and is still a repeat; #8, under eight days after #7 but on the eighth day, is not."""
    figures = journey_figures(SPEC, today=SETTLED)
    page = journeys_for_viewer(
        viewer=_staff(Role.SUPERVISOR), spec=SPEC, figure="repeats", today=SETTLED
    )
    repeated = [step.reference_number for j in page.journeys for step in j.steps if step.repeat]
    assert repeated == [world.contacts[4].reference_number, world.contacts[6].reference_number]
    assert figures.total.counts.repeats == 2
    # Moving #2 to day 8 makes #1 resolved at first contact.
    type(world.contacts[2]).objects.filter(pk=world.contacts[2].pk).update(
        created_at=local(2026, 11, 10, 0, 5)
    )
    assert journey_figures(SPEC, today=SETTLED).total.counts.resolved_first == 3


def test_a_contact_late_on_the_last_day_is_in_the_range(world):
    """#10 is at 23:30 on the last day, 04:30 UTC the next day: counted."""
    figures = journey_figures(SPEC, today=SETTLED)
    assert _row(figures.by_channel, "Phone").identified == 3
    next_day = journey_figures(JourneySpec(first=LAST.replace(day=9), last=LAST.replace(day=9)),
                               today=SETTLED)  # fmt: skip
    assert next_day.total.counts.contacts == 1  # #2 only


def test_first_contact_resolution_waits_for_the_seven_days(world):
    """On 11-10 only the contacts of 11-02 have had their seven days (#1, followed)."""
    counts = journey_figures(SPEC, today=LAST.replace(day=10)).total.counts
    assert (counts.settled, counts.resolved_first, counts.still_open) == (1, 0, 5)
    assert counts.resolved_first_percent == Decimal("0.00")
    assert journey_figures(SPEC, today=LAST.replace(day=9)).total.counts.settled == 0


def test_an_unverified_hint_ties_nothing(world):
    """A contact with a person and case written on it but no identity check is not anyone's."""
    unverified = contact(at=local(2026, 11, 5, 9), channel="phone", closed_as="referred")
    type(unverified).objects.filter(pk=unverified.pk).update(
        person=world.cases["B1"].applicant, case=world.cases["B1"]
    )
    counts = journey_figures(SPEC, today=SETTLED).total.counts
    assert (counts.contacts, counts.identified, counts.repeats) == (9, 6, 2)


def test_a_bad_range_is_refused():
    with pytest.raises(InvalidInput):
        JourneySpec.parse(first="2026-11-08", last="2026-11-02")
    with pytest.raises(InvalidInput):
        JourneySpec.parse(first="2026-01-01", last="2026-12-31")
    with pytest.raises(InvalidInput):
        JourneySpec.parse(first="yesterday", last="2026-12-31")


def test_the_journeys_behind_repeats_are_each_person_in_order_and_on_record(world):
    supervisor = _staff(Role.SUPERVISOR)
    page = journeys_for_viewer(viewer=supervisor, spec=SPEC, figure="repeats", today=SETTLED)
    assert page.total == 2
    b, c = page.journeys
    assert [s.reference_number for s in b.steps] == [
        world.contacts[3].reference_number, world.contacts[4].reference_number,
    ]  # fmt: skip
    assert [s.counted for s in b.steps] == [False, True]
    assert [(s.channel_label, s.queue_label, s.agent, s.outcome) for s in b.steps] == [
        ("Secure message", "Tier 1 general, English", "agent.rivera", "Resolved at first contact"),
        ("Live chat", world.premium.name_en, "", "No answer"),
    ]  # fmt: skip
    assert [s.reference_number for s in c.steps] == [
        world.contacts[5].reference_number, world.contacts[6].reference_number,
    ]  # fmt: skip
    assert c.receipt_numbers == sorted(
        [world.cases["C1"].receipt_number, world.cases["C2"].receipt_number]
    )
    logged = DisclosureLog.objects.filter(viewer=supervisor)
    assert sorted(logged.values_list("case_id", flat=True)) == sorted(
        world.cases[name].pk for name in ("B1", "C1", "C2")
    )
    assert {(row.purpose, row.fields, row.channel) for row in logged} == {
        ("contact journeys: repeats 2026-11-02..2026-11-08", "contact_history", "desk")
    }


def test_journeys_filtered_by_channel_and_queue(world):
    supervisor = _staff(Role.SUPERVISOR)
    by_chat = journeys_for_viewer(viewer=supervisor, spec=SPEC, figure="repeats",
                                  channel="chat", today=SETTLED)  # fmt: skip
    assert [j.person_id for j in by_chat.journeys] == [world.cases["B1"].applicant_id]
    reached = journeys_for_viewer(viewer=supervisor, spec=SPEC, figure="self_service_reached",
                                  queue=world.general.pk, today=SETTLED)  # fmt: skip
    assert [j.person_id for j in reached.journeys] == [world.cases["A1"].applicant_id]
    assert reached.unidentified == 1  # #9, in the count, in no journey
    not_resolved = journeys_for_viewer(viewer=supervisor, spec=SPEC, figure="not_resolved",
                                       today=SETTLED)  # fmt: skip
    assert not_resolved.total == 3  # A (#1), B (#3, #4), E (#10)


@pytest.mark.parametrize("role", [Role.TIER1, Role.TIER2, Role.OFFICE_STAFF])
def test_other_roles_are_refused_and_nothing_is_read_or_logged(world, role):
    member = _staff(role)
    with pytest.raises(ApplicationError) as refused:
        journeys_for_viewer(viewer=member, spec=SPEC, figure="repeats", today=SETTLED)
    assert refused.value.http_status == 403
    with pytest.raises(ApplicationError):
        person_journey_for_viewer(viewer=member, person_id=world.cases["A1"].applicant_id)
    assert not DisclosureLog.objects.exists()
    client = staff_client(member)
    for url in (f"/desk/journeys/?{QUERY}", f"/desk/journeys/list/?{QUERY}&figure=repeats",
                f"/desk/journeys/person/{world.cases['A1'].applicant_id}/",
                f"/desk/journeys/case/{world.cases['A1'].pk}/"):  # fmt: skip
        assert client.get(url).status_code == 403
    assert not DisclosureLog.objects.exists()


def test_the_page_shows_the_figures_with_links_to_the_journeys(world):
    client = staff_client(_staff(Role.SUPERVISOR))
    page = client.get(f"/desk/journeys/?{QUERY}")
    assert page.status_code == 200
    text = page.content.decode()
    assert 'data-testid="figure-contacts">8<' in text
    assert 'data-testid="figure-repeats">2</a></td><td>33.33 %</td>' in text
    assert 'data-testid="figure-fcr">33.33 %</td><td>2 of 6;' in text
    assert 'data-testid="journeys-chart-contacts"' in text
    assert text.count('data-testid="journeys-row"') == 5 + 3  # five channels, then three queues
    assert 'href="/desk/journeys/"' in text  # in the menu
    assert not DisclosureLog.objects.exists()  # figures disclose nothing


def test_the_csv_holds_the_page_s_figures(world):
    client = staff_client(_staff(Role.SUPERVISOR))
    answer = client.get(f"/desk/journeys/?{QUERY}&format=csv")
    assert answer["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(answer.content.decode())))
    assert rows[1][:9] == ["All contacts", "All contacts", "8", "6", "5", "5", "2", "33.33", "6"]
    assert rows[1][9:] == ["2", "33.33", "5", "2", "25.00", "40.00"]


def test_the_list_page_and_one_person_s_journey(world):
    supervisor = _staff(Role.SUPERVISOR)
    client = staff_client(supervisor)
    listed = client.get(f"/desk/journeys/list/?{QUERY}&figure=repeats")
    assert listed.status_code == 200
    text = listed.content.decode()
    assert text.count('data-testid="journey"') == 2
    assert world.contacts[4].reference_number in text
    person = world.cases["A1"].applicant_id
    assert f"/desk/journeys/person/{world.cases['B1'].applicant_id}/" in text
    one = client.get(f"/desk/journeys/person/{person}/").content.decode()
    assert one.count('data-testid="journey-step"') == 2  # #1 and #2, every contact
    case = client.get(f"/desk/journeys/case/{world.cases['C2'].pk}/").content.decode()
    assert case.count('data-testid="journey-step"') == 1
    assert DisclosureLog.objects.filter(viewer=supervisor).count() == 3 + 1 + 1
    assert client.get("/desk/journeys/person/999999/").status_code == 404
    assert client.get(f"/desk/journeys/list/?{QUERY}&figure=nonsense").status_code == 400
    assert client.get(f"/desk/journeys/list/?{QUERY}&figure=repeats&page=9").status_code == 404


def test_in_spanish(world):
    client = staff_client(_staff(Role.SUPERVISOR))
    client.cookies["django_language"] = "es"
    text = client.get(f"/desk/journeys/?{QUERY}", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Recorridos" in text and "Resolución en el primer contacto" in text
    assert "First-contact resolution" not in text


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_a_fixed_number_of_queries_whatever_the_number_of_contacts(world):
    client = staff_client(_staff(Role.SUPERVISOR))
    urls = (f"/desk/journeys/?{QUERY}", f"/desk/journeys/list/?{QUERY}&figure=contacts",
            f"/desk/journeys/person/{world.cases['B1'].applicant_id}/")  # fmt: skip
    few = [_queries(client, url) for url in urls]
    for hour in range(12):  # twelve more contacts of B, on every channel, over the range
        contact(at=local(2026, 11, 2 + hour % 7, 8 + hour), case=world.cases["B1"],
                channel=("phone", "chat", "webform", "secure_message")[hour % 4],
                start="ivr" if hour % 4 == 0 else "", queue=world.general, agent=world.agent,
                closed_as="referred")  # fmt: skip
    many = [_queries(client, url) for url in urls]
    assert many == few
    assert max(few) <= 12


def test_one_person_s_journey_marks_its_repeats_by_the_same_rule(world):
    supervisor = _staff(Role.SUPERVISOR)
    a = person_journey_for_viewer(viewer=supervisor, person_id=world.cases["A1"].applicant_id)
    assert [step.repeat for step in a.journeys[0].steps] == [False, True]  # #2 on day 7
    d = person_journey_for_viewer(viewer=supervisor, person_id=world.cases["D1"].applicant_id)
    assert [step.repeat for step in d.journeys[0].steps] == [False, False]  # #8 on day 8
    assert DisclosureLog.objects.filter(viewer=supervisor).count() == 2


API = "/api/v1/operations/journeys"


def test_the_api_gives_the_page_s_figures_to_supervisors_only(world):
    from django.test import Client

    answer = staff_client(_staff(Role.SUPERVISOR)).get(API, {"first": FIRST, "last": LAST})
    assert answer.status_code == 200
    body = answer.json()
    total = body["total"]
    assert (total["contacts"], total["identified"], total["repeats"], total["settled"]) == (
        8, 6, 2, 6,
    )  # fmt: skip
    assert Decimal(str(total["resolved_first_percent"])) == Decimal("33.33")
    assert Decimal(str(total["reached_of_starts_percent"])) == Decimal("40.00")
    assert body["by_channel"][0]["group"] == "phone"
    assert Client().get(API, {"first": FIRST, "last": LAST}).status_code == 401
    refused = staff_client(_staff(Role.TIER1)).get(API, {"first": FIRST, "last": LAST})
    assert refused.status_code == 403 and refused.json()["code"] == "permission_denied"
    backwards = staff_client(_staff(Role.SUPERVISOR)).get(API, {"first": LAST, "last": FIRST})
    assert backwards.status_code == 400
    assert backwards.json()["message"] == "The last day comes before the first."
    assert not DisclosureLog.objects.exists()


def test_the_journeys_behind_the_self_service_starts(world):
    page = journeys_for_viewer(
        viewer=_staff(Role.SUPERVISOR), spec=SPEC, figure="self_service", today=SETTLED
    )
    # #1 (A), #4 (B), #6 (C); #9 has no verified identity; the assistant-only one is no inquiry.
    assert [j.person_id for j in page.journeys] == [
        world.cases[name].applicant_id for name in ("A1", "B1", "C1")
    ]
    assert page.unidentified == 1
