"""Every page carries a Content-Security-Policy (django-csp) whose nonce is new for each
request and matches the one the page uses, and a Permissions-Policy; both middleware keep the
chain async-capable (they run on the event loop under ASGI, like the rest of the chain)."""

from __future__ import annotations

import re

import pytest
from asgiref.sync import iscoroutinefunction
from django.conf import settings
from django.http import HttpResponse

from contactcenter.core.loop_middleware import CSPMiddleware, PermissionsPolicyMiddleware
from tests.factories import StaffUserFactory

pytestmark = pytest.mark.django_db


def _policy(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return {
        part.split(" ", 1)[0]: part.split(" ", 1)[1] if " " in part else ""
        for part in (p.strip() for p in header.split(";"))
        if part
    }


@pytest.mark.parametrize("path", ["/", "/case-status/", "/desk/login/", "/admin/login/"])
def test_pages_carry_both_policies(client, path):
    response = client.get(path)
    assert response.status_code == 200
    policy = _policy(response)
    assert policy["default-src"] == "'self'"
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert policy["object-src"] == "'none'" and policy["frame-ancestors"] == "'none'"
    assert "camera=()" in response["Permissions-Policy"]
    assert "microphone=()" in response["Permissions-Policy"]


def test_the_desk_gives_htmx_this_requests_nonce_and_a_new_one_each_time(client, staff):
    user = StaffUserFactory(role="tier1")
    client.force_login(user)
    nonces = []
    for _ in range(2):
        response = client.get("/desk/")
        assert response.status_code == 200
        (nonce,) = re.findall(r'"inlineStyleNonce": "([^"]+)"', response.content.decode())
        assert f"'nonce-{nonce}'" in _policy(response)["style-src"]
        assert f"'nonce-{nonce}'" in _policy(response)["script-src"]
        nonces.append(nonce)
    assert nonces[0] != nonces[1]


def test_no_inline_style_or_script_in_the_public_pages(client):
    for path in ("/", "/case-status/", "/contact/"):
        page = client.get(path).content.decode()
        assert " style=" not in page, path
        assert not re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", page), path


def test_both_middleware_stay_async_capable():
    async def get_response(request):
        return HttpResponse("ok")

    for middleware in (CSPMiddleware, PermissionsPolicyMiddleware):
        instance = middleware(get_response)
        assert iscoroutinefunction(instance), middleware
    chain = settings.MIDDLEWARE
    assert chain.index("contactcenter.core.loop_middleware.CSPMiddleware") < chain.index(
        "contactcenter.core.loop_middleware.SessionMiddleware"
    )
