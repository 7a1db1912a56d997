"""Email through Django's configured backend (``EMAIL_BACKEND``): console, SMTP, locmem, ..."""

from __future__ import annotations

import smtplib
from email.utils import make_msgid, parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives

from contactcenter.notifications.providers.base import DeliveryError


def email_send(*, to: str, subject: str, body: str) -> str:
    """Send a plain-text email; return the Message-ID we gave it (the provider's id for it)."""
    from_email = settings.DEFAULT_FROM_EMAIL
    domain = parseaddr(from_email)[1].rpartition("@")[2] or "localhost"
    message_id = make_msgid(domain=domain)
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
