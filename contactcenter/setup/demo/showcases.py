"""Fixed showcase cases: receipt numbers documentation can quote, the same in every demo
database."""

from __future__ import annotations

from dataclasses import dataclass

from contactcenter.cases.models import Confidentiality
from contactcenter.cases.statuses import CaseStatus
from contactcenter.people.models import Language


@dataclass(frozen=True, slots=True)
class Showcase:
    receipt_number: str  # the receipt date is the one its fiscal year and workday encode
    form: str
    category: str
    story: str
    # (status, days after the receipt date, office code)
    events: tuple[tuple[str, int, str], ...]
    given_name: str
    family_name: str
    zip_code: str
    a_number: str | None
    language: str = Language.ENGLISH
    represented: bool = False
    confidentiality: str = Confidentiality.NONE
    # Makes the posted time for this form, category and office put the case "within" or
    # "outside" normal processing time on the day the demo is seeded.
    posted: str = ""


SHOWCASES: tuple[Showcase, ...] = (
    Showcase(
        "EAC2703500001",
        "I-130",
        "ir1",
        "just received",
        ((CaseStatus.RECEIVED, 0, "VSC"),),
        "Olivia",
        "Bennett",
        "10025",
        None,
    ),
    Showcase(
        "SRC2615000002",
        "I-485",
        "employment",
        "request for evidence sent",
        (
            (CaseStatus.RECEIVED, 0, "TSC"),
            (CaseStatus.FEE_RECEIVED, 1, "TSC"),
            (CaseStatus.BIOMETRICS_SCHEDULED, 18, "TSC"),
            (CaseStatus.BIOMETRICS_TAKEN, 39, "TSC"),
            (CaseStatus.RFE_SENT, 130, "TSC"),
        ),
        "Rahul",
        "Mehta",
        "77005",
        "A100000002",
    ),
    Showcase(
        "WAC2605000003",
        "I-129F",
        "k1",
        "approved",
        (
            (CaseStatus.RECEIVED, 0, "CSC"),
            (CaseStatus.UNDER_REVIEW, 150, "CSC"),
            (CaseStatus.APPROVED, 214, "CSC"),
        ),
        "Ethan",
        "Walker",
        "94110",
        None,
    ),
    Showcase(
        "EAC2512000004",
        "I-751",
        "joint",
        "outside normal processing time",
        (
            (CaseStatus.RECEIVED, 0, "VSC"),
            (CaseStatus.FEE_RECEIVED, 2, "VSC"),
            (CaseStatus.BIOMETRICS_SCHEDULED, 21, "VSC"),
            (CaseStatus.BIOMETRICS_TAKEN, 45, "VSC"),
        ),
        "Mei",
        "Chen",
        "98115",
        "A100000004",
        posted="outside",
    ),
    Showcase(
        "LIN2620000005",
        "I-130",
        "ir1",
        "within normal processing time",
        ((CaseStatus.RECEIVED, 0, "NSC"), (CaseStatus.UNDER_REVIEW, 95, "NSC")),
        "Grace",
        "Turner",
        "60614",
        "A100000005",
        posted="within",
    ),
    Showcase(
        "IOE2609000006",
        "N-400",
        "general",
        "Spanish speaker, interview scheduled",
        (
            (CaseStatus.RECEIVED, 0, "PSC"),
            (CaseStatus.FEE_RECEIVED, 1, "PSC"),
            (CaseStatus.BIOMETRICS_SCHEDULED, 20, "PSC"),
            (CaseStatus.BIOMETRICS_TAKEN, 41, "PSC"),
            (CaseStatus.TRANSFERRED, 120, "MIA"),
            (CaseStatus.INTERVIEW_SCHEDULED, 185, "MIA"),
        ),
        "María",
        "Hernández Ruiz",
        "33125",
        "A100000006",
        language=Language.SPANISH,
    ),
    Showcase(
        "MSC2610000007",
        "I-90",
        "renewal",
        "new card mailed",
        (
            (CaseStatus.RECEIVED, 0, "NBC"),
            (CaseStatus.FEE_RECEIVED, 1, "NBC"),
            (CaseStatus.BIOMETRICS_SCHEDULED, 16, "NBC"),
            (CaseStatus.BIOMETRICS_TAKEN, 37, "NBC"),
            (CaseStatus.APPROVED, 160, "NBC"),
            (CaseStatus.CARD_PRODUCED, 163, "NBC"),
            (CaseStatus.CARD_MAILED, 171, "NBC"),
        ),
        "Daniel",
        "Roberts",
        "30307",
        "A100000007",
    ),
    Showcase(
        "EAC2608000008",
        "I-360",
        "vawa",
        "confidential (VAWA): Tier 2 and up only",
        ((CaseStatus.RECEIVED, 0, "VSC"), (CaseStatus.UNDER_REVIEW, 200, "VSC")),
        "Lucía",
        "Navarro",
        "85008",
        "A100000008",
        language=Language.SPANISH,
        confidentiality=Confidentiality.VAWA,
    ),
    Showcase(
        "MSC2607000009",
        "I-485",
        "family",
        "represented (G-28), interview in New York",
        (
            (CaseStatus.RECEIVED, 0, "NBC"),
            (CaseStatus.FEE_RECEIVED, 1, "NBC"),
            (CaseStatus.BIOMETRICS_SCHEDULED, 19, "NBC"),
            (CaseStatus.BIOMETRICS_TAKEN, 40, "NBC"),
            (CaseStatus.TRANSFERRED, 150, "NYC"),
            (CaseStatus.INTERVIEW_SCHEDULED, 220, "NYC"),
        ),
        "Anh",
        "Nguyen",
        "11375",
        "A100000009",
        represented=True,
    ),
    Showcase(
        "EAC2604000010",
        "I-130",
        "ir1",
        "held abroad by the Mexico City office",
        ((CaseStatus.RECEIVED, 0, "VSC"), (CaseStatus.TRANSFERRED, 60, "MEX")),
        "Jorge",
        "Castillo",
        "06700",
        None,
        language=Language.SPANISH,
    ),
    Showcase(
        "WAC2606000011",
        "I-765",
        "c8",
        "denied",
        (
            (CaseStatus.RECEIVED, 0, "CSC"),
            (CaseStatus.FEE_RECEIVED, 1, "CSC"),
            (CaseStatus.BIOMETRICS_SCHEDULED, 15, "CSC"),
            (CaseStatus.BIOMETRICS_TAKEN, 33, "CSC"),
            (CaseStatus.RFE_SENT, 60, "CSC"),
            (CaseStatus.DENIED, 160, "CSC"),
        ),
        "Dawit",
        "Tesfaye",
        "20009",
        "A100000011",
    ),
)


def showcase_lines() -> list[str]:
    return [f"  {s.receipt_number}  {s.form} {s.category}: {s.story}" for s in SHOWCASES]
