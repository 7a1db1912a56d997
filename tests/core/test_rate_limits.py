"""The shared rate limit by client address, and every public adapter that applies it."""

from __future__ import annotations

import uuid

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse
from django.test import RequestFactory

from contactcenter.chat import views as chat_views
from contactcenter.core.client_addresses import client_address
from contactcenter.core.errors import InvalidInput, RateLimited
from contactcenter.core.rate_limits import rate_limit_hit_by_client, retry_after_set


def _address() -> str:
    """A documentation-range address of its own, so no two tests share a budget."""
    number = uuid.uuid4().int
    return f"198.51.{number % 250}.{(number >> 8) % 250 + 1}"


def _request(remote: str, forwarded: str = ""):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote, **extra)


PROXY = "10.0.0.5"


@pytest.mark.parametrize(
    ("remote", "forwarded", "trusted", "expected"),
    [
        (PROXY, "", [], PROXY),
        (PROXY, "203.0.113.9", [], PROXY),  # nobody trusted: a forged header changes nothing
        (PROXY, "203.0.113.9", ["10.0.0.5"], "203.0.113.9"),
        (PROXY, "203.0.113.9", ["10.0.0.0/8"], "203.0.113.9"),  # a network names the proxy
        (PROXY, "192.0.2.1, 203.0.113.9", ["10.0.0.5"], "203.0.113.9"),  # our proxy's hop
        # Two proxies of ours: the hop before the second.
        (PROXY, "192.0.2.1, 10.0.0.7", ["10.0.0.0/8"], "192.0.2.1"),
        ("127.0.0.1", "203.0.113.9", ["10.0.0.5"], "127.0.0.1"),  # not a named proxy
        (PROXY, "garbage, 10.0.0.7", ["10.0.0.0/8"], "10.0.0.7"),  # not an address: stop
        (PROXY, "10.0.0.7", ["10.0.0.0/8"], "10.0.0.7"),  # all ours: the furthest
        ("::1", "2001:db8::1", ["::1"], "2001:db8::1"),
    ],
)
def test_client_address_honours_only_the_named_proxies(
    settings, remote, forwarded, trusted, expected
):
    settings.TRUSTED_PROXIES = trusted
    assert client_address(_request(remote, forwarded)) == expected


def test_a_bad_trusted_proxy_is_a_configuration_error_that_names_it(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.1", "ten.0.0.2"]
    with pytest.raises(ImproperlyConfigured, match=r"ten\.0\.0\.2"):
        client_address(_request(PROXY))


def test_allauth_counts_by_the_same_address(settings, rf):
    from contactcenter.portal.adapters import AccountAdapter

    settings.TRUSTED_PROXIES = []
    request = rf.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert AccountAdapter(request).get_client_ip(request) == PROXY
    settings.TRUSTED_PROXIES = [PROXY]
    assert AccountAdapter(request).get_client_ip(request) == "203.0.113.9"


def test_the_limit_counts_by_client_address(settings):
    settings.TRUSTED_PROXIES = []
    scope = f"test-{uuid.uuid4().hex}"
    first, second = _address(), _address()
    for _ in range(2):
        rate_limit_hit_by_client(_request(first), scope=scope, limit=2, window_seconds=60)
    with pytest.raises(RateLimited) as raised:
        rate_limit_hit_by_client(_request(first), scope=scope, limit=2, window_seconds=60)
    assert 1 <= raised.value.retry_after <= 60
    rate_limit_hit_by_client(_request(second), scope=scope, limit=2, window_seconds=60)


def test_the_limit_counts_by_the_forwarded_address_behind_a_trusted_proxy(settings):
    proxy, person, other = _address(), _address(), _address()
    settings.TRUSTED_PROXIES = [proxy]
    scope = f"test-{uuid.uuid4().hex}"
    rate_limit_hit_by_client(_request(proxy, person), scope=scope, limit=1, window_seconds=60)
    with pytest.raises(RateLimited):
        rate_limit_hit_by_client(_request(proxy, person), scope=scope, limit=1, window_seconds=60)
    # Another person behind the same proxy has a budget of their own.
    rate_limit_hit_by_client(_request(proxy, other), scope=scope, limit=1, window_seconds=60)


def test_retry_after_is_set_only_for_a_rate_limit():
    limited = retry_after_set(HttpResponse(status=429), RateLimited("slow down", retry_after=17))
    assert limited["Retry-After"] == "17"
    assert not retry_after_set(HttpResponse(status=400), InvalidInput("bad")).has_header(
        "Retry-After"
    )
    assert not retry_after_set(HttpResponse(), None).has_header("Retry-After")


# Every public adapter that counts by client address: one request within the budget, the
# next refused with 429 and Retry-After, another client behind the same proxy still served.
# Each sends input the adapter refuses after counting, so no data is needed.
ADAPTERS = {
    "case-status page": ("get", "/case-status/", {"receipt_number": "x"}),
    "case-status API": ("get", "/api/v1/case-status/x", {}),
    "service-request API": ("get", "/api/v1/service-requests/1", {"receipt_number": "x"}),
    "assistant API": ("post", "/api/v1/assistant/ask", {"question": ""}),
    "chat": ("post", "/chat/ask/", {"question": ""}),
    "appointment look-up": ("get", "/appointments/manage/", {"number": "x", "zip_code": "y"}),
    "account-help form": ("post", "/account-help/", {}),
    "feedback form": ("post", "/feedback/", {}),
}


@pytest.mark.django_db
@pytest.mark.parametrize("name", list(ADAPTERS))
def test_each_public_adapter_limits_by_client_address(client, settings, monkeypatch, name):
    settings.CASE_STATUS_RATE_LIMIT = 1
    settings.ASSISTANT_RATE_LIMIT = 1
    settings.PORTAL_FORM_RATE_LIMIT = 1
    monkeypatch.setattr(chat_views, "ASK_LIMIT_PER_MINUTE", 1)
    method, path, data = ADAPTERS[name]
    proxy, person, other = _address(), _address(), _address()
    settings.TRUSTED_PROXIES = [proxy]

    def send(forwarded: str):
        extra = {"REMOTE_ADDR": proxy, "HTTP_X_FORWARDED_FOR": forwarded}
        if method == "post" and path.startswith(("/api/", "/chat/")):
            return client.post(path, data, content_type="application/json", **extra)
        return getattr(client, method)(path, data, **extra)

    assert send(person).status_code != 429
    limited = send(person)
    assert limited.status_code == 429
    assert 1 <= int(limited["Retry-After"]) <= 3600
    assert send(other).status_code != 429
