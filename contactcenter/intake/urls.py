"""Inbound email webhooks, under ``/webhooks/anymail/`` (``contactcenter/urls.py``)."""

from __future__ import annotations

from anymail.webhooks.amazon_ses import AmazonSESInboundWebhookView
from anymail.webhooks.mailgun import MailgunInboundWebhookView
from anymail.webhooks.mailjet import MailjetInboundWebhookView
from anymail.webhooks.postmark import PostmarkInboundWebhookView
from anymail.webhooks.sparkpost import SparkPostInboundWebhookView
from django.urls import path, re_path

from contactcenter.intake.webhooks import secured

urlpatterns = [
    path(
        "amazon_ses/inbound/",
        secured("amazon_ses", AmazonSESInboundWebhookView.as_view()),
        name="intake-inbound-amazon-ses",
    ),
    re_path(
        r"^mailgun/inbound(_mime)?/$",
        secured("mailgun", MailgunInboundWebhookView.as_view()),
        name="intake-inbound-mailgun",
    ),
    path(
        "mailjet/inbound/",
        secured("mailjet", MailjetInboundWebhookView.as_view()),
        name="intake-inbound-mailjet",
    ),
    path(
        "postmark/inbound/",
        secured("postmark", PostmarkInboundWebhookView.as_view()),
        name="intake-inbound-postmark",
    ),
    path(
        "sparkpost/inbound/",
        secured("sparkpost", SparkPostInboundWebhookView.as_view()),
        name="intake-inbound-sparkpost",
    ),
]
