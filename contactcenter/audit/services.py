from __future__ import annotations

import logging

from django.contrib.auth.models import User
from django.db import transaction

from contactcenter.audit.models import DisclosureLog

logger = logging.getLogger(__name__)


@transaction.atomic
def disclosure_record(
    *,
    viewer: User | None = None,
    system_actor: str = "",
    case_id: int,
    channel: str,
    purpose: str,
    fields: str,
) -> DisclosureLog:
    """One row of the disclosure log: a member of staff (``viewer``) or, for data a service
    used on its own, that service (``system_actor``, e.g. "ivr"), never neither. The case is
    named by id: the log sits below cases, whose selectors are its one writer."""
    if viewer is None and not system_actor.strip():
        raise ValueError("a disclosure names a viewer or a system actor")
    entry = DisclosureLog.objects.create(
        viewer=viewer, system_actor=system_actor.strip()[:40], case_id=case_id, channel=channel,
        purpose=purpose[:200], fields=fields[:200],
    )  # fmt: skip
    who = {"viewer_id": viewer.pk} if viewer else {"system_actor": entry.system_actor}
    logger.info("audit.disclosure", extra={**who, "case_id": case_id, "channel": channel})
    return entry
