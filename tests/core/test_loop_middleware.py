"""Django's middleware on the event loop under ASGI: a plain request crosses into a thread only
for its (sync) view, while saving a session still goes to a thread; what the middleware does to
requests and responses is unchanged."""

from __future__ import annotations

import asyncio

import asgiref.sync
import pytest
from django.test import AsyncClient

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def hand_offs(monkeypatch):
    """What the request path handed to a thread (every sync_to_async call, by function)."""
    calls: list[str] = []
    original = asgiref.sync.SyncToAsync.__call__

    async def counted(self, *args, **kwargs):
        calls.append(getattr(self.func, "__qualname__", repr(self.func)))
        return await original(self, *args, **kwargs)

    monkeypatch.setattr(asgiref.sync.SyncToAsync, "__call__", counted)
    return calls


def middleware_hops(calls: list[str]) -> list[str]:
    return [name for name in calls if "Middleware" in name]


def test_a_plain_request_hands_off_no_middleware_hook(hand_offs):
    response = asyncio.run(AsyncClient().get("/healthz"))
    assert response.status_code == 200
    assert middleware_hops(hand_offs) == []
    # Security and clickjacking headers are still added, on the loop.
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_page_keeps_its_language_and_csrf_cookie(hand_offs, reference_data):
    response = asyncio.run(AsyncClient().get("/case-status/", headers={"accept-language": "es"}))
    assert response.status_code == 200
    assert response["Content-Language"] == "es"
    assert 'lang="es"' in response.content.decode()
    assert middleware_hops(hand_offs) == []


def test_a_post_without_the_csrf_token_is_refused(hand_offs):
    client = AsyncClient(enforce_csrf_checks=True)
    form = asyncio.run(
        client.post(
            "/admin/login/", "username=x&password=y",
            content_type="application/x-www-form-urlencoded",
        )
    )  # fmt: skip
    assert form.status_code == 403
    assert middleware_hops(hand_offs) == []  # the form was read on the loop
    upload = asyncio.run(client.post("/admin/login/", {"username": "x", "password": "y"}))
    assert upload.status_code == 403
    # A multipart body (file uploads) may spill to disk: that check goes to a thread.
    assert middleware_hops(hand_offs) == ["CsrfViewMiddleware.process_view"]


def test_signing_in_saves_the_session_in_a_thread(hand_offs, django_user_model):
    from django.contrib.sessions.models import Session

    django_user_model.objects.create_user(username="ada", password="a long pass 1", is_staff=True)
    client = AsyncClient()
    response = asyncio.run(
        client.post("/admin/login/?next=/admin/", {"username": "ada", "password": "a long pass 1"})
    )
    assert response.status_code == 302
    assert response.cookies["sessionid"].value
    assert Session.objects.filter(session_key=response.cookies["sessionid"].value).exists()
    assert [name for name in middleware_hops(hand_offs) if "process_response" in name] == [
        "SessionMiddleware.process_response"
    ]


def test_deploy_checks_still_see_the_protections_through_the_subclasses(settings):
    from contactcenter.core.checks import security_with_loop_middleware

    settings.SECURE_SSL_REDIRECT = False  # a real deploy warning must still come through
    ids = {message.id for message in security_with_loop_middleware()}
    assert "security.W008" in ids
    assert not {"core.W001", "core.W002", "core.W003"} & ids
    settings.MIDDLEWARE = [
        path
        for path in settings.MIDDLEWARE
        if path != "contactcenter.core.loop_middleware.XFrameOptionsMiddleware"
    ]
    assert "core.W002" in {message.id for message in security_with_loop_middleware()}
