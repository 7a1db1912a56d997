"""Inbound fax webhooks, under ``/webhooks/fax/`` (``contactcenter/urls.py``)."""

from __future__ import annotations

from django.urls import path

from contactcenter.mailroom import webhooks

urlpatterns = [
    path("generic/", webhooks.generic, name="fax-inbound-generic"),
    path("telnyx/", webhooks.telnyx, name="fax-inbound-telnyx"),
]
