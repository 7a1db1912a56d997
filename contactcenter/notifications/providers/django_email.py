"""Email through Django's configured backend (``EMAIL_BACKEND``): console, SMTP, locmem, ..."""

from __future__ import annotations

import smtplib
from email.utils import make_msgid, parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives

from contactcenter.notifications.providers.base import DeliveryError


def email_domain() -> str:
    """The domain of ``DEFAULT_FROM_EMAIL``, for the Message-IDs we make."""
    return parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "localhost"


def email_send(*, to: str, subject: str, body: str, message_id: str = "") -> str:
    """Send a plain-text email; return its Message-ID (the provider's id for it).

    Give ``message_id`` to send under a Message-ID of your own: the same one for every try of
    one message, so a copy sent again after a stalled send is recognisable as the same message
    (mail clients and many providers drop the second). Without it a fresh one is made."""
    from_email = settings.DEFAULT_FROM_EMAIL
    message_id = message_id or make_msgid(domain=email_domain())
    message = EmailMultiAlternatives(
        subject=subject,
        body=body,
        from_email=from_email,
        to=[to],
        headers={"Message-ID": message_id, "Auto-Submitted": "auto-generated"},
    )
    try:
        message.send(fail_silently=False)
    except smtplib.SMTPRecipientsRefused as error:
        raise DeliveryError("smtp: recipient refused", permanent=True) from error
    except smtplib.SMTPResponseException as error:
        # 5xx replies are final; 4xx are "try again later".
        raise DeliveryError(
            f"smtp {error.smtp_code}", permanent=500 <= error.smtp_code < 600
        ) from error
    except (smtplib.SMTPException, OSError) as error:
        raise DeliveryError(f"smtp: {type(error).__name__}") from error
    return message_id
