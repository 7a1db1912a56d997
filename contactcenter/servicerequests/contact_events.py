"""A service request's steps as domain events: created and routed to an office, taken up,
sent to another office, resolved. Ids and codes only; nothing the person wrote."""

from __future__ import annotations

import datetime as dt

from contactcenter.core.domain_events import ContactEventKind, DetailValue, contact_event_emit
from contactcenter.servicerequests.models import ServiceRequest

CHANNEL = "service_request"


def service_request_report(
    kind: ContactEventKind,
    request: ServiceRequest,
    *,
    actor_user_id: int | None = None,
    at: dt.datetime | None = None,
    **detail: DetailValue,
) -> None:
    contact_event_emit(
        kind, channel=CHANNEL, at=at, language=request.language, inquiry_id=request.inquiry_id,
        actor_user_id=actor_user_id, record_id=request.pk,
        detail={"type_id": request.type_id, "office_id": request.office_id, **detail},
    )  # fmt: skip
