"""Only contact-center staff reach the desk, each role its own pages."""

from __future__ import annotations

import pytest

from contactcenter.staff.models import Role
from tests.desk.conftest import PASSWORD
from tests.factories import OfficeFactory

pytestmark = pytest.mark.django_db


def test_signed_out_people_are_sent_to_the_desk_sign_in(client):
    response = client.get("/desk/")
    assert response.status_code == 302
    assert response["Location"].startswith("/desk/login/?next=/desk/")


def test_sign_in_page_and_sign_in_lead_to_the_desk(client, staff):
    user = staff(Role.TIER1)
    page = client.get("/desk/login/")
    assert page.status_code == 200
    assert b"Staff sign-in" in page.content
    response = client.post("/desk/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/desk/"
    assert client.get("/desk/").status_code == 200


def test_wrong_password_is_refused_with_a_message(client, staff):
    user = staff(Role.TIER1)
    response = client.post("/desk/login/", {"username": user.username, "password": "nope"})
    assert response.status_code == 200
    assert b"The username or password is not right" in response.content
    assert client.get("/desk/").status_code == 302


def test_sign_out_is_a_post(signed_in):
    client, _user = signed_in(Role.TIER1)
    assert client.get("/desk/logout/").status_code == 405
    response = client.post("/desk/logout/")
    assert response.status_code == 302 and response["Location"] == "/desk/login/"
    assert client.get("/desk/").status_code == 302


@pytest.mark.parametrize("role", ["", Role.OFFICE_STAFF])
@pytest.mark.parametrize(
    "url", ["/desk/callbacks/", "/desk/supervisor/", "/desk/inquiries/0000000001/"]
)
def test_people_without_a_desk_role_get_403(signed_in, role, url):
    client, _user = signed_in(role)
    assert client.get(url).status_code == 403


def test_people_with_no_role_get_403_at_the_desk(signed_in):
    client, _user = signed_in("")
    assert client.get("/desk/").status_code == 403


def test_office_staff_at_the_desk_are_sent_to_their_office_queue(signed_in):
    client, _user = signed_in(Role.OFFICE_STAFF, office=OfficeFactory())
    response = client.get("/desk/")
    assert response.status_code == 302 and response["Location"] == "/service-requests/office/"


def test_tier1_cannot_reach_callbacks_or_supervisor_pages(signed_in):
    client, _user = signed_in(Role.TIER1)
    assert client.get("/desk/callbacks/").status_code == 403
    assert client.get("/desk/supervisor/").status_code == 403
    assert client.post("/desk/callbacks/take/").status_code == 403
    assert client.post("/desk/supervisor/items/1/assign/", {"take": "1"}).status_code == 403


def test_tier2_desk_is_the_callback_list(signed_in, queues):
    client, _user = signed_in(Role.TIER2)
    response = client.get("/desk/")
    assert response.status_code == 302 and response["Location"] == "/desk/callbacks/"
    assert client.get("/desk/supervisor/").status_code == 403
    assert client.post("/desk/presence/", {"presence": "available"}).status_code == 403


def test_supervisor_reaches_every_page(signed_in, queues):
    client, _user = signed_in(Role.SUPERVISOR)
    for url in ["/desk/", "/desk/callbacks/", "/desk/supervisor/"]:
        assert client.get(url).status_code == 200, url


def test_pages_are_translated_into_spanish(signed_in, queues):
    client, _user = signed_in(Role.TIER1)
    response = client.get("/desk/", HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 200
    assert b'lang="es"' in response.content
    assert "Disponible" in response.content.decode()  # presence labels from the catalogue
