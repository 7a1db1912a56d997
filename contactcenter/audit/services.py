from __future__ import annotations

import logging

from django.contrib.auth.models import User
from django.db import transaction

from contactcenter.audit.models import DisclosureLog
from contactcenter.cases.models import Case

logger = logging.getLogger(__name__)


@transaction.atomic
def disclosure_record(
    *, viewer: User, case: Case, channel: str, purpose: str, fields: str
) -> DisclosureLog:
    entry = DisclosureLog.objects.create(
        viewer=viewer, case=case, channel=channel, purpose=purpose[:200], fields=fields[:200]
    )
    logger.info(
        "audit.disclosure",
        extra={"viewer_id": viewer.pk, "case_id": case.pk, "channel": channel},
    )
    return entry
