"""Each role lands on its own work after signing in at the desk (office staff too, who have no
desk page), a ``next`` is followed only to a page the role may use, and another role's page
is a 403 in the desk's layout with a way on, logged as an everyday event."""

from __future__ import annotations

import logging
import time

import pytest

from contactcenter.staff.models import Role
from tests.desk.conftest import PASSWORD
from tests.factories import OfficeFactory

pytestmark = pytest.mark.django_db

LANDINGS = {
    Role.TIER1: "/desk/",
    Role.TIER2: "/desk/callbacks/",
    Role.SUPERVISOR: "/desk/supervisor/",
    Role.ADMIN: "/desk/supervisor/",
    Role.OFFICE_STAFF: "/service-requests/office/",
}


def _sign_in(client, user, next_url: str | None = None):
    url = "/desk/login/" if next_url is None else f"/desk/login/?next={next_url}"
    return client.post(url, {"username": user.username, "password": PASSWORD})


@pytest.mark.parametrize("role", sorted(LANDINGS))
def test_each_role_lands_on_its_own_work_and_can_use_it(client, staff, queues, role):
    user = staff(role, office=OfficeFactory())
    response = _sign_in(client, user)
    assert response.status_code == 302 and response["Location"] == LANDINGS[role]
    assert client.get(LANDINGS[role]).status_code == 200


def test_signed_in_staff_at_the_sign_in_page_go_to_their_own_work(client, staff):
    user = staff(Role.OFFICE_STAFF, office=OfficeFactory())
    client.force_login(user)
    response = client.get("/desk/login/")
    assert response.status_code == 302 and response["Location"] == "/service-requests/office/"


def test_next_is_followed_to_a_page_the_role_may_use(client, staff):
    user = staff(Role.SUPERVISOR)
    response = _sign_in(client, user, "/desk/callbacks/")
    assert response["Location"] == "/desk/callbacks/"


@pytest.mark.parametrize(
    "next_url",
    ["/desk/supervisor/", "/service-requests/office/", "https://elsewhere.example/desk/", "/nope/"],
)
def test_next_to_another_roles_page_or_elsewhere_gives_way_to_the_own_page(client, staff, next_url):
    user = staff(Role.TIER2)
    response = _sign_in(client, user, next_url)
    assert response.status_code == 302 and response["Location"] == "/desk/callbacks/"


def test_another_roles_page_is_a_styled_403_with_a_way_on(client, staff):
    client.force_login(staff(Role.TIER2))
    response = client.get("/desk/supervisor/")
    assert response.status_code == 403
    assert "desk/forbidden.html" in [t.name for t in response.templates]
    assert "desk/base.html" in [t.name for t in response.templates]
    page = response.content.decode()
    assert "Not a page for your role" in page
    assert 'href="/desk/callbacks/"' in page


def test_office_staff_on_a_desk_page_are_pointed_to_their_office_queue(client, staff):
    client.force_login(staff(Role.OFFICE_STAFF, office=OfficeFactory()))
    response = client.get("/desk/callbacks/")
    assert response.status_code == 403
    assert 'href="/service-requests/office/"' in response.content.decode()


def test_the_403_page_is_in_spanish(client, staff):
    client.force_login(staff(Role.TIER1))
    response = client.get("/desk/supervisor/", HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 403
    page = response.content.decode()
    assert 'lang="es"' in page
    assert "Esta página no es para su función" in page
    assert "Ir a su propio trabajo" in page
    assert "Not a page for your role" not in page


def test_people_without_a_staff_role_get_the_sites_403(client, staff):
    client.force_login(staff(""))
    response = client.get("/desk/supervisor/")
    assert response.status_code == 403
    assert "403.html" in [t.name for t in response.templates]
    assert "desk/forbidden.html" not in [t.name for t in response.templates]


def test_a_403_is_logged_once_below_error_without_a_traceback_or_the_address(client, staff, caplog):
    client.force_login(staff(Role.TIER1))
    with caplog.at_level(logging.DEBUG):
        response = client.get("/service-requests/office/12345678/")
        response = client.get("/desk/supervisor/")
    assert response.status_code == 403
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
    refusals = [r for r in caplog.records if "forbidden" in r.getMessage()]
    assert refusals and all(r.levelno == logging.INFO for r in refusals)
    assert all(r.exc_info is None for r in caplog.records)
    assert not any("12345678" in r.getMessage() for r in caplog.records)


def test_office_staff_without_an_office_are_not_linked_back_to_the_page_that_refused_them(
    client, staff
):
    client.force_login(staff(Role.OFFICE_STAFF))
    response = client.get("/service-requests/office/")
    assert response.status_code == 403
    assert "desk/forbidden.html" in [t.name for t in response.templates]
    assert 'href="/service-requests/office/"' not in response.content.decode()


@pytest.mark.parametrize(
    ("path", "role_kwargs"),
    [("/service-requests/office/", "office"), ("/desk/messages/", "tier1")],
)
def test_office_and_message_pages_use_the_staff_layout_with_the_role_menu(
    client, settings, path, role_kwargs
):
    """The office queue and secure messages are staff pages: the staff menu for the role, not
    the public site's "My account" and chat."""
    from tests.factories import StaffUserFactory

    settings.STAFF_REQUIRE_TWO_STEP = False
    if role_kwargs == "office":
        user = StaffUserFactory(role=Role.OFFICE_STAFF, office=OfficeFactory())
        expected = 'href="/service-requests/office/"'
    else:
        user = StaffUserFactory(role=Role.TIER1)
        expected = 'href="/desk/messages/"'
    from tests.portal.conftest import two_step_on

    two_step_on(user)  # the secure messages always ask for two-step verification
    client.force_login(user)
    session = client.session
    session["account_authentication_methods"] = [{"method": "mfa", "at": time.time()}]
    session["account_authentication_methods_user"] = str(user.pk)
    session.save()
    page = client.get(path, HTTP_ACCEPT_LANGUAGE="es")
    text = page.content.decode()
    assert page.status_code == 200
    assert "staff/base.html" in [t.name for t in page.templates]
    assert expected in text and "Escritorio del agente" in text
    assert "Chatee con nosotros" not in text and "Chat with us" not in text
    assert 'href="/account/"' not in text
    # The desk's live socket refuses office staff: their pages do not open it.
    assert ("data-desk-socket" in text) is (role_kwargs != "office")
