"""Fill a fresh database for the whole-shift browser test (run in a subprocess against the
uvicorn server's own SQLite file): queues, the knowledge base, the phone line's flows, the
offices and service-request kinds, one canned reply, a case whose answers the person will
type, and the staff of a shift (two Tier 1 agents, a Tier 2 officer, a clerk at the case's
office).

    DATABASE_URL=sqlite:///... python -m tests.desk.shift_data   -> prints what it made as JSON
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys

RECEIPT_NUMBER = "EAC2212345678"
DATE_OF_BIRTH = dt.date(1985, 3, 3)
ZIP_CODE = "20500"


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "contactcenter.settings")
    import django

    django.setup()
    from contactcenter.assistant.services import knowledge_base_load
    from contactcenter.cases.reference_data import reference_data_load
    from contactcenter.desk.replies import CannedReplyText, canned_reply_create
    from contactcenter.ivr.services import flows_load_all
    from contactcenter.offices.models import Office
    from contactcenter.routing.reference_data import queues_load
    from contactcenter.servicerequests.request_types import service_request_types_load
    from contactcenter.staff.models import Role
    from tests.factories import CaseFactory, PersonFactory, StaffUserFactory

    queues_load()
    knowledge_base_load()
    flows_load_all()
    reference_data_load()
    service_request_types_load()
    office = Office.objects.get(code="NBC")
    applicant = PersonFactory(
        given_name="Marta", family_name="Solis", date_of_birth=DATE_OF_BIRTH,
        zip_code=ZIP_CODE, with_a_number=True,
    )  # fmt: skip
    CaseFactory(receipt_number=RECEIPT_NUMBER, applicant=applicant, office=office)
    canned_reply_create(
        actor=None,
        text=CannedReplyText(
            title_en="Card in the mail", title_es="Tarjeta en el correo",
            body_en="Thank you for waiting. Your reference number is {reference}.",
            body_es="Gracias por esperar. Su número de referencia es {reference}.",
        ),
    )  # fmt: skip
    made = {
        "agent": StaffUserFactory(username="rosa", first_name="Rosa", role=Role.TIER1).username,
        "other": StaffUserFactory(username="omar", first_name="Omar", role=Role.TIER1).username,
        "officer": StaffUserFactory(username="tomas", first_name="Tomas", role=Role.TIER2).username,
        "clerk": StaffUserFactory(
            username="clara", first_name="Clara", role=Role.OFFICE_STAFF, office=office
        ).username,
        "office": office.name_en,
    }
    sys.stdout.write(json.dumps(made))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
