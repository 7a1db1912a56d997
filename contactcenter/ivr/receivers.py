"""Connects the phone line to routing: an accepted call is bridged to the agent."""

from __future__ import annotations

import logging

from contactcenter.ivr.services import call_bridge
from contactcenter.routing.signals import work_item_accepted

logger = logging.getLogger(__name__)


def bridge_accepted_call(sender, item, agent, **kwargs) -> None:
    try:
        call_bridge(item=item, agent=agent)
    except Exception:  # the REST call failed: the caller stays on hold; log, never raise
        logger.exception("ivr.bridge_failed", extra={"item_id": item.pk})


def connect() -> None:
    work_item_accepted.connect(bridge_accepted_call, dispatch_uid="ivr.bridge_accepted_call")
