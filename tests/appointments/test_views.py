import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from contactcenter.appointments import services
from contactcenter.appointments.models import Appointment, AppointmentRequest, RequestState
from contactcenter.inquiries.services import inquiry_open
from contactcenter.offices.models import OfficeClosure
from contactcenter.staff.models import Role
from tests.appointments.conftest import NYC_ZIP, first_slot
from tests.factories import StaffUserFactory
from tests.page_scripts import scripts_besides_chat


def test_closures_page_lists_todays_closures_in_both_languages(client, offices):
    today = timezone.localdate()
    OfficeClosure.objects.create(
        office=offices["NYC"], starts_on=today, ends_on=today,
        reason_en="Snow storm", reason_es="Tormenta de nieve",
    )  # fmt: skip
    OfficeClosure.objects.create(  # not open to the public: not listed
        office=offices["VSC"], starts_on=today, ends_on=today,
        reason_en="Secret", reason_es="Secreto",
    )  # fmt: skip
    english = client.get(reverse("appointments:closures"))
    assert english.status_code == 200
    assert "Snow storm" in english.text and offices["NYC"].name_en in english.text
    assert "Secret" not in english.text
    spanish = client.get(reverse("appointments:closures"), HTTP_ACCEPT_LANGUAGE="es")
    assert "Tormenta de nieve" in spanish.text and offices["NYC"].name_es in spanish.text
    assert scripts_besides_chat(english.text) == []


def test_closures_page_says_when_everything_is_open(client, db):
    response = client.get(reverse("appointments:closures"))
    assert "Every office is open today." in response.text


@pytest.fixture
def biometrics(biometrics_case, slots, offices):
    return services.biometrics_appointment_book_by_agency(
        case=biometrics_case, slot=first_slot(offices["ASC-BRX"])
    )


def test_manage_finds_the_appointment_only_with_the_right_zip(client, biometrics):
    url = reverse("appointments:manage")
    wrong = client.get(url, {"number": biometrics.number, "zip_code": "10001"})
    assert wrong.status_code == 404
    assert "could not find" in wrong.text
    garbage = client.get(url, {"number": "abc", "zip_code": "x"})
    assert garbage.status_code == 404  # same answer: nothing to probe
    right = client.get(url, {"number": biometrics.number, "zip_code": "10472"})
    assert right.status_code == 200
    assert "What to bring" in right.text and "appointment notice" in right.text


def test_the_person_moves_biometrics_from_the_page(client, biometrics, offices):
    target = first_slot(offices["ASC-LAX"])
    response = client.post(
        reverse("appointments:manage"),
        {"number": biometrics.number, "zip_code": "10472", "slot": target.pk},
    )
    assert response.status_code == 302
    biometrics.refresh_from_db()
    assert biometrics.slot_id == target.pk


def test_a_move_to_a_bad_slot_is_shown_and_changes_nothing(client, biometrics, offices):
    response = client.post(
        reverse("appointments:manage"),
        {"number": biometrics.number, "zip_code": "10472", "slot": first_slot(offices["NYC"]).pk},
    )
    assert response.status_code == 409
    assert "does not take this kind of appointment" in response.text
    assert Appointment.objects.get(pk=biometrics.pk).slot_id == biometrics.slot_id


def make_requests(count):
    for index in range(count):
        inquiry = inquiry_open(channel="phone", contact_email=f"q{index}@example.com")
        services.appointment_request_create(
            inquiry=inquiry,
            reason="emergency_travel_document" if index % 2 else "proof_of_status_stamp",
            zip_code=NYC_ZIP,
            accommodations=["wheelchair_access"],
        )


def test_review_list_urgent_first_in_constant_queries(client, offices, officer):
    client.force_login(officer)
    make_requests(2)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("appointments:staff-requests"))
    make_requests(8)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("appointments:staff-requests"))
    assert response.status_code == 200
    assert len(many) == len(few)
    text = response.text
    assert text.index("Emergency travel document") < text.index("Temporary proof")


def test_staff_pages_need_tier2(client, offices, tier1):
    url = reverse("appointments:staff-requests")
    assert client.get(url).status_code == 302  # to sign-in
    client.force_login(tier1)
    assert client.get(url).status_code == 403


def test_officer_offers_a_slot_and_declines_from_the_page(client, offices, slots, officer):
    client.force_login(officer)
    make_requests(2)
    first, second = AppointmentRequest.objects.order_by("id")
    slot = first_slot(offices["NYC"])
    url = reverse("appointments:staff-request", args=[first.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"action": "offer", "slot": slot.pk})
    assert response.status_code == 302
    appointment = Appointment.objects.get(request=first)
    detail = client.get(response["Location"])
    assert appointment.number in detail.text and "Wheelchair access" in detail.text
    url = reverse("appointments:staff-request", args=[second.pk])
    empty = client.post(url, {"action": "decline", "reason": ""})
    assert empty.status_code == 400
    client.post(url, {"action": "decline", "reason": "Use the online form"})
    second.refresh_from_db()
    assert second.state == RequestState.DECLINED


def test_office_roster_shows_accommodations_to_that_office_only(client, offices, slots, officer):
    make_requests(1)
    request = AppointmentRequest.objects.get()
    appointment = services.appointment_request_offer_slot(
        request=request, slot=first_slot(offices["NYC"]), reviewer=officer
    )
    url = reverse("appointments:staff-roster", args=["NYC", appointment.slot.day.isoformat()])
    clerk = StaffUserFactory(role=Role.OFFICE_STAFF, office=offices["NYC"])
    client.force_login(clerk)
    response = client.get(url)
    assert response.status_code == 200
    assert appointment.number in response.text and "Wheelchair access" in response.text
    outsider = StaffUserFactory(role=Role.OFFICE_STAFF, office=offices["ASC-BRX"])
    client.force_login(outsider)
    assert client.get(url).status_code == 404
