from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from django.contrib.auth.models import User
from django.db import transaction

from contactcenter.audit.models import DisclosureLog

if TYPE_CHECKING:
    # For the annotation only: the log sits below cases (cases' selectors write to it), and
    # its foreign key names the case model by label.
    from contactcenter.cases.models import Case

logger = logging.getLogger(__name__)


@transaction.atomic
def disclosure_record(
    *,
    viewer: User | None = None,
    system_actor: str = "",
    case: Case,
    channel: str,
    purpose: str,
    fields: str,
) -> DisclosureLog:
    """One row of the disclosure log: a member of staff (``viewer``) or, for data a service
    used on its own, that service (``system_actor``, e.g. "ivr"), never neither."""
    if viewer is None and not system_actor.strip():
        raise ValueError("a disclosure names a viewer or a system actor")
    entry = DisclosureLog.objects.create(
        viewer=viewer, system_actor=system_actor.strip()[:40], case=case, channel=channel,
        purpose=purpose[:200], fields=fields[:200],
    )  # fmt: skip
    who = {"viewer_id": viewer.pk} if viewer else {"system_actor": entry.system_actor}
    logger.info("audit.disclosure", extra={**who, "case_id": case.pk, "channel": channel})
    return entry
