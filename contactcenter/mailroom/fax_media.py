"""Fetching a fax's document from the provider's media URL, behind one small interface.

A provider's webhook (Telnyx's ``fax.received``) says where the PDF is; fetching it leaves
this machine, so it happens in a background task through a ``FaxMediaFetcher`` named by
``MAILROOM_FAX_FETCHER``. The real one fetches over HTTPS only, with a size cap and a timeout;
tests name a fake that hands back bytes they made.
"""

from __future__ import annotations

import ipaddress
from typing import Protocol
from urllib.parse import urlsplit

import httpx
from django.conf import settings
from django.utils.module_loading import import_string


class FaxMediaUnavailable(Exception):
    """The document could not be fetched; ``reason`` is a code safe to log (never the URL,
    which carries a signed token)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class FaxMediaFetcher(Protocol):
    def fetch(self, url: str, *, max_bytes: int) -> bytes: ...


def media_url_check(url: str) -> None:
    """HTTPS to a named host only: never an address written as an IP or this machine, and,
    when ``MAILROOM_FAX_MEDIA_HOSTS`` lists host names, one of them or under one."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().rstrip(".")
    if parts.scheme != "https" or not host:
        raise FaxMediaUnavailable("not_https")
    try:
        ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        raise FaxMediaUnavailable("ip_host")
    if host == "localhost" or host.endswith(".localhost"):
        raise FaxMediaUnavailable("local_host")
    allowed = [name.lower().strip(".") for name in settings.MAILROOM_FAX_MEDIA_HOSTS if name]
    if allowed and not any(host == name or host.endswith(f".{name}") for name in allowed):
        raise FaxMediaUnavailable("host_not_allowed")


class HttpsFaxMediaFetcher:
    """GET over HTTPS, streamed, refused past ``max_bytes``; no redirects to plain HTTP."""

    timeout_seconds = 30.0

    def fetch(self, url: str, *, max_bytes: int) -> bytes:
        media_url_check(url)
        try:
            with httpx.stream(
                "GET", url, timeout=self.timeout_seconds, follow_redirects=False
            ) as response:
                if response.status_code != 200:
                    raise FaxMediaUnavailable(f"http_{response.status_code}")
                chunks: list[bytes] = []
                seen = 0
                for chunk in response.iter_bytes():
                    seen += len(chunk)
                    if seen > max_bytes:
                        raise FaxMediaUnavailable("too_large")
                    chunks.append(chunk)
                return b"".join(chunks)
        except httpx.HTTPError as error:
            raise FaxMediaUnavailable(f"http_error:{type(error).__name__}") from error


def fax_media_fetcher() -> FaxMediaFetcher:
    return import_string(settings.MAILROOM_FAX_FETCHER)()
