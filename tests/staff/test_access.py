"""The one role check every staff page uses: sign in first, then the right role (403 without
it), then two-step verification; and the pages that use it keep their sign-in page."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.db import SessionStore
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from contactcenter.staff.access import staff_roles_required
from contactcenter.staff.models import Role
from tests.factories import StaffUserFactory, UserFactory

pytestmark = pytest.mark.django_db

PATH = "/somewhere/staff-only/?page=2"


def _request(user=None) -> HttpRequest:
    request = RequestFactory().get(PATH)
    request.user = user if user is not None else AnonymousUser()
    request.session = SessionStore()
    request._messages = FallbackStorage(request)  # type: ignore[attr-defined]
    return request


def _page(roles=(Role.TIER2,), **options):
    calls: list[tuple] = []

    @staff_roles_required(roles, **options)
    def view(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        calls.append((args, kwargs))
        return HttpResponse("the page")

    return view, calls


def test_signed_out_people_are_sent_to_the_sign_in_page_and_back():
    view, calls = _page()
    response = view(_request())
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('admin:login')}?next={quote(PATH, safe='/')}"
    assert calls == []


def test_a_page_may_name_its_own_sign_in_page():
    view, _calls = _page(login_url="desk:login")
    response = view(_request())
    assert response["Location"].startswith(f"{reverse('desk:login')}?next=")


@pytest.mark.parametrize("role", ["", Role.TIER1, Role.OFFICE_STAFF])
def test_signed_in_people_without_one_of_the_roles_get_403(role):
    view, calls = _page(roles=(Role.TIER2, Role.SUPERVISOR))
    with pytest.raises(PermissionDenied):
        view(_request(StaffUserFactory(role=role)))
    assert calls == []


def test_a_holder_of_one_of_the_roles_reaches_the_page_with_its_arguments():
    view, calls = _page(roles=(Role.TIER2, Role.SUPERVISOR))
    response = view(_request(StaffUserFactory(role=Role.SUPERVISOR)), 7, number="EAC")
    assert response.content == b"the page"
    assert calls == [((7,), {"number": "EAC"})]


def test_a_superuser_counts_as_an_administrator():
    view, calls = _page(roles=(Role.ADMIN,))
    assert view(_request(UserFactory(is_superuser=True))).status_code == 200
    assert len(calls) == 1


def test_by_default_any_staff_role_will_do_and_the_public_gets_403():
    @staff_roles_required()
    def any_staff(request: HttpRequest) -> HttpResponse:
        return HttpResponse("ok")

    assert any_staff(_request(StaffUserFactory(role=Role.OFFICE_STAFF))).status_code == 200
    with pytest.raises(PermissionDenied):
        any_staff(_request(StaffUserFactory(role="")))


def test_two_step_verification_comes_after_the_role(settings):
    settings.STAFF_REQUIRE_TWO_STEP = True
    view, calls = _page(roles=(Role.TIER2,))
    with pytest.raises(PermissionDenied):  # the wrong role is refused, not sent to set up TOTP
        view(_request(StaffUserFactory(role=Role.TIER1)))
    response = view(_request(StaffUserFactory(role=Role.TIER2)))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_activate_totp"))
    assert calls == []


# Each page that had a copy of the check keeps its sign-in page and its 403 (the desk's home
# sends office staff on to their office's queue, so only someone with no role is refused).
PAGES = [
    ("/desk/", "/desk/login/", ""),
    ("/desk/messages/", "/desk/login/", Role.OFFICE_STAFF),
    ("/appointments/staff/", "/admin/login/", Role.TIER1),
    ("/service-requests/new/0000000000/", "/admin/login/", Role.OFFICE_STAFF),
    ("/service-requests/office/", "/admin/login/", ""),
]


@pytest.mark.parametrize(("path", "sign_in", "wrong_role"), PAGES)
def test_staff_pages_send_signed_out_people_to_their_sign_in_and_refuse_other_roles(
    client, path, sign_in, wrong_role
):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == f"{sign_in}?next={quote(path, safe='/')}"
    client.force_login(StaffUserFactory(role=wrong_role))
    assert client.get(path).status_code == 403
