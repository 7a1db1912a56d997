"""Fixed showcase cases: receipt numbers documentation can quote, the same in every demo
database."""

from __future__ import annotations

from dataclasses import dataclass

from contactcenter.cases.models import Confidentiality
from contactcenter.cases.statuses import CaseStatus
from contactcenter.people.models import Language

S = CaseStatus


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
    Showcase("EAC2703500001", "I-130", "ir1", "just received",
             ((S.RECEIVED, 0, "VSC"),),
             "Olivia", "Bennett", "10025", None),
    Showcase("SRC2615000002", "I-485", "employment", "request for evidence sent",
             ((S.RECEIVED, 0, "TSC"), (S.FEE_RECEIVED, 1, "TSC"),
              (S.BIOMETRICS_SCHEDULED, 18, "TSC"), (S.BIOMETRICS_TAKEN, 39, "TSC"),
              (S.RFE_SENT, 130, "TSC")),
             "Rahul", "Mehta", "77005", "A100000002"),
    Showcase("WAC2605000003", "I-129F", "k1", "approved",
             ((S.RECEIVED, 0, "CSC"), (S.UNDER_REVIEW, 150, "CSC"), (S.APPROVED, 214, "CSC")),
             "Ethan", "Walker", "94110", None),
    Showcase("EAC2512000004", "I-751", "joint", "outside normal processing time",
             ((S.RECEIVED, 0, "VSC"), (S.FEE_RECEIVED, 2, "VSC"),
              (S.BIOMETRICS_SCHEDULED, 21, "VSC"), (S.BIOMETRICS_TAKEN, 45, "VSC")),
             "Mei", "Chen", "98115", "A100000004", posted="outside"),
    Showcase("LIN2620000005", "I-130", "ir1", "within normal processing time",
             ((S.RECEIVED, 0, "NSC"), (S.UNDER_REVIEW, 95, "NSC")),
             "Grace", "Turner", "60614", "A100000005", posted="within"),
    Showcase("IOE2609000006", "N-400", "general", "Spanish speaker, interview scheduled",
             ((S.RECEIVED, 0, "PSC"), (S.FEE_RECEIVED, 1, "PSC"),
              (S.BIOMETRICS_SCHEDULED, 20, "PSC"), (S.BIOMETRICS_TAKEN, 41, "PSC"),
              (S.TRANSFERRED, 120, "MIA"), (S.INTERVIEW_SCHEDULED, 185, "MIA")),
             "María", "Hernández Ruiz", "33125", "A100000006", language=Language.SPANISH),
    Showcase("MSC2610000007", "I-90", "renewal", "new card mailed",
             ((S.RECEIVED, 0, "NBC"), (S.FEE_RECEIVED, 1, "NBC"),
              (S.BIOMETRICS_SCHEDULED, 16, "NBC"), (S.BIOMETRICS_TAKEN, 37, "NBC"),
              (S.APPROVED, 160, "NBC"), (S.CARD_PRODUCED, 163, "NBC"),
              (S.CARD_MAILED, 171, "NBC")),
             "Daniel", "Roberts", "30307", "A100000007"),
    Showcase("EAC2608000008", "I-360", "vawa", "confidential (VAWA): Tier 2 and up only",
             ((S.RECEIVED, 0, "VSC"), (S.UNDER_REVIEW, 200, "VSC")),
             "Lucía", "Navarro", "85008", "A100000008", language=Language.SPANISH,
             confidentiality=Confidentiality.VAWA),
    Showcase("MSC2607000009", "I-485", "family", "represented (G-28), interview in New York",
             ((S.RECEIVED, 0, "NBC"), (S.FEE_RECEIVED, 1, "NBC"),
              (S.BIOMETRICS_SCHEDULED, 19, "NBC"), (S.BIOMETRICS_TAKEN, 40, "NBC"),
              (S.TRANSFERRED, 150, "NYC"), (S.INTERVIEW_SCHEDULED, 220, "NYC")),
             "Anh", "Nguyen", "11375", "A100000009", represented=True),
    Showcase("EAC2604000010", "I-130", "ir1", "held abroad by the Mexico City office",
             ((S.RECEIVED, 0, "VSC"), (S.TRANSFERRED, 60, "MEX")),
             "Jorge", "Castillo", "06700", None, language=Language.SPANISH),
    Showcase("WAC2606000011", "I-765", "c8", "denied",
             ((S.RECEIVED, 0, "CSC"), (S.FEE_RECEIVED, 1, "CSC"),
              (S.BIOMETRICS_SCHEDULED, 15, "CSC"), (S.BIOMETRICS_TAKEN, 33, "CSC"),
              (S.RFE_SENT, 60, "CSC"), (S.DENIED, 160, "CSC")),
             "Dawit", "Tesfaye", "20009", "A100000011"),
)  # fmt: skip


def showcase_lines() -> list[str]:
    return [f"  {s.receipt_number}  {s.form} {s.category}: {s.story}" for s in SHOWCASES]
