"""Case status codes and the public text read out for each, in English and Spanish.

The texts are the ones people know from the public case-status page; they are kept here rather
than in the gettext catalogue because the API and the phone line must give either language on
request, whatever language the page around them is in.
"""

from __future__ import annotations

from django.db import models


class CaseStatus(models.TextChoices):
    RECEIVED = "received", "Case Was Received"
    FEE_RECEIVED = "fee_received", "Fingerprint Fee Was Received"
    BIOMETRICS_SCHEDULED = (
        "biometrics_scheduled",
        "Fingerprint and Biometrics Appointment Was Scheduled",
    )
    BIOMETRICS_TAKEN = "biometrics_taken", "Case Was Updated To Show Fingerprints Were Taken"
    RFE_SENT = "rfe_sent", "Request for Evidence Was Sent"
    RFE_RESPONSE_RECEIVED = (
        "rfe_response_received",
        "Response To Request For Evidence Was Received",
    )
    UNDER_REVIEW = "under_review", "Case Is Being Actively Reviewed"
    INTERVIEW_SCHEDULED = "interview_scheduled", "Interview Was Scheduled"
    TRANSFERRED = "transferred", "Case Was Transferred And A New Office Has Jurisdiction"
    APPROVED = "approved", "Case Was Approved"
    DENIED = "denied", "Case Was Denied"
    CARD_PRODUCED = "card_produced", "New Card Is Being Produced"
    CARD_MAILED = "card_mailed", "Card Was Mailed To Me"
    CARD_DELIVERED = "card_delivered", "Card Was Delivered To Me By The Post Office"
    CARD_RETURNED = "card_returned", "Card Was Returned"
    NOTICE_RETURNED = (
        "notice_returned",
        "Notice Was Returned Because The Post Office Could Not Deliver It",
    )
    EXPEDITE_RECEIVED = "expedite_received", "Expedite Request Received"
    EXPEDITE_APPROVED = "expedite_approved", "Expedite Request Was Approved"
    EXPEDITE_DENIED = "expedite_denied", "Expedite Request Was Denied"
    REJECTED = "rejected", "Case Was Rejected"


STATUS_TEXT_ES: dict[str, str] = {
    CaseStatus.RECEIVED: "Se recibió el caso",
    CaseStatus.FEE_RECEIVED: "Se recibió el pago de la cuota de huellas dactilares",
    CaseStatus.BIOMETRICS_SCHEDULED: (
        "Se programó la cita de huellas dactilares y datos biométricos"
    ),
    CaseStatus.BIOMETRICS_TAKEN: "Se actualizó el caso para indicar que se tomaron las huellas",
    CaseStatus.RFE_SENT: "Se envió una solicitud de evidencia",
    CaseStatus.RFE_RESPONSE_RECEIVED: "Se recibió la respuesta a la solicitud de evidencia",
    CaseStatus.UNDER_REVIEW: "El caso está en revisión activa",
    CaseStatus.INTERVIEW_SCHEDULED: "Se programó la entrevista",
    CaseStatus.TRANSFERRED: "El caso se transfirió y otra oficina tiene la jurisdicción",
    CaseStatus.APPROVED: "Se aprobó el caso",
    CaseStatus.DENIED: "Se denegó el caso",
    CaseStatus.CARD_PRODUCED: "Se está produciendo la nueva tarjeta",
    CaseStatus.CARD_MAILED: "Se me envió la tarjeta por correo",
    CaseStatus.CARD_DELIVERED: "El correo postal me entregó la tarjeta",
    CaseStatus.CARD_RETURNED: "La tarjeta fue devuelta",
    CaseStatus.NOTICE_RETURNED: (
        "La notificación fue devuelta porque el correo postal no pudo entregarla"
    ),
    CaseStatus.EXPEDITE_RECEIVED: "Se recibió la solicitud de trámite acelerado",
    CaseStatus.EXPEDITE_APPROVED: "Se aprobó la solicitud de trámite acelerado",
    CaseStatus.EXPEDITE_DENIED: "Se denegó la solicitud de trámite acelerado",
    CaseStatus.REJECTED: "Se rechazó el caso",
}

# Statuses after which the case is finished: a slow-case inquiry no longer applies.
FINAL_STATUSES = frozenset(
    {
        CaseStatus.APPROVED,
        CaseStatus.DENIED,
        CaseStatus.REJECTED,
        CaseStatus.CARD_PRODUCED,
        CaseStatus.CARD_MAILED,
        CaseStatus.CARD_DELIVERED,
        CaseStatus.CARD_RETURNED,
    }
)


def status_text(code: str, language: str) -> str:
    status = CaseStatus(code)
    if language == "es":
        return STATUS_TEXT_ES[status]
    return str(status.label)
