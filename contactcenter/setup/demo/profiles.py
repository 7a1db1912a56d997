"""How cases of each form and category are filed, moved and decided in the demo, and where the
invented people live."""

from __future__ import annotations

from dataclasses import dataclass

from contactcenter.cases.models import Confidentiality

FIELD = "field"
ASYLUM = "asylum"


@dataclass(frozen=True, slots=True)
class Profile:
    """How cases of one form and category are filed, moved and decided in the demo."""

    form: str
    category: str
    weight: float  # relative share of generated filings
    intake: tuple[str, ...]  # offices that receive them on paper
    months: float  # typical posted processing time
    online: float = 0.0  # share filed online (IOE receipts)
    biometrics: bool = False
    interview: float = 0.0  # share transferred for an interview
    transfer_to: str = ""  # FIELD (office serving the ZIP) or ASYLUM
    card: bool = False  # a card is produced and mailed after approval
    confidentiality: str = Confidentiality.NONE
    a_number: float = 0.95  # share of applicants with an A-Number
    abroad: float = 0.0  # share held by an international office
    bundle: bool = False  # filed with an I-765 (c)(9) and I-131 advance parole
    min_age: int = 18
    max_age: int = 80


_SC4 = ("CSC", "NSC", "TSC", "VSC")
PROFILES: tuple[Profile, ...] = (
    Profile("I-130", "ir1", 7, (*_SC4, "PSC"), 14, online=0.3, a_number=0.35, abroad=0.05),
    Profile("I-130", "ir2", 3, (*_SC4, "PSC"), 12, online=0.3, a_number=0.35, abroad=0.05),
    Profile("I-130", "ir5", 3, (*_SC4, "PSC"), 13, online=0.3, a_number=0.3, abroad=0.03),
    Profile("I-130", "f2a", 4, _SC4, 30, online=0.3, a_number=1.0),
    Profile("I-130", "f3", 1.5, _SC4, 48, a_number=0.3),
    Profile("I-130", "f4", 1.5, _SC4, 60, a_number=0.3),
    Profile("I-485", "family", 9, ("NBC",), 10, biometrics=True, interview=0.8,
            transfer_to=FIELD, card=True, bundle=True),
    Profile("I-485", "employment", 4, ("TSC", "NSC"), 9, biometrics=True, interview=0.2,
            transfer_to=FIELD, card=True, bundle=True),
    Profile("I-485", "asylee", 1.5, ("NBC",), 14, biometrics=True, interview=0.1,
            transfer_to=FIELD, card=True, bundle=True),
    Profile("I-485", "refugee", 1, ("NBC",), 12, biometrics=True, interview=0.05,
            transfer_to=FIELD, card=True, bundle=True),
    Profile("I-485", "vawa", 0.2, ("VSC",), 20, biometrics=True, card=True,
            confidentiality=Confidentiality.VAWA),
    Profile("I-485", "t", 0.05, ("VSC",), 24, biometrics=True, card=True,
            confidentiality=Confidentiality.T_VISA),
    Profile("I-485", "u", 0.15, ("VSC",), 30, biometrics=True, card=True,
            confidentiality=Confidentiality.U_VISA),
    Profile("I-765", "c9", 2, ("NBC", "TSC", "NSC"), 4, online=0.2, card=True),
    Profile("I-765", "c8", 4, ("TSC", "PSC", "CSC"), 3.5, online=0.5, biometrics=True,
            card=True),
    Profile("I-765", "a5", 1, ("NBC", "TSC"), 4, card=True),
    Profile("I-765", "a12", 2, ("PSC", "CSC"), 5, online=0.4, biometrics=True, card=True),
    Profile("I-765", "c33", 2, ("CSC", "NSC", "TSC"), 3, online=0.4, card=True, max_age=45),
    Profile("I-131", "advance_parole", 1, ("NBC", "TSC", "NSC"), 9, biometrics=True),
    Profile("I-131", "reentry_permit", 0.7, ("NBC",), 11, biometrics=True),
    Profile("I-131", "refugee_travel", 0.5, ("NBC",), 6, biometrics=True),
    Profile("N-400", "general", 10, ("NBC",), 7, online=0.6, biometrics=True, interview=1.0,
            transfer_to=FIELD, a_number=1.0, min_age=23),
    Profile("N-400", "spouse", 3, ("NBC",), 7, online=0.6, biometrics=True, interview=1.0,
            transfer_to=FIELD, a_number=1.0, min_age=21),
    Profile("N-400", "military", 0.5, ("NBC",), 5, biometrics=True, interview=1.0,
            transfer_to=FIELD, a_number=1.0, max_age=50),
    Profile("I-90", "renewal", 5, ("NBC",), 8, online=0.7, biometrics=True, card=True,
            a_number=1.0, min_age=28),
    Profile("I-90", "replacement", 2, ("NBC",), 9, online=0.7, biometrics=True, card=True,
            a_number=1.0),
    Profile("I-751", "joint", 4, ("CSC", "VSC"), 18, biometrics=True, interview=0.15,
            transfer_to=FIELD, card=True, a_number=1.0, min_age=20),
    Profile("I-751", "waiver", 1, ("CSC", "VSC"), 22, biometrics=True, interview=0.3,
            transfer_to=FIELD, card=True, a_number=1.0, min_age=20),
    Profile("I-129F", "k1", 2, ("CSC", "VSC"), 8, a_number=0.1),
    Profile("I-129F", "k3", 0.2, ("CSC", "VSC"), 6, a_number=0.1),
    Profile("I-589", "affirmative", 0.25, ("TSC",), 45, online=0.5, biometrics=True,
            interview=1.0, transfer_to=ASYLUM, confidentiality=Confidentiality.PROTECTED,
            a_number=0.9),
    Profile("I-821D", "initial", 0.5, ("CSC", "NSC", "TSC", "PSC"), 10, biometrics=True,
            max_age=42),
    Profile("I-821D", "renewal", 3, ("CSC", "NSC", "TSC", "PSC"), 3.5, online=0.5,
            biometrics=True, max_age=45),
    Profile("I-360", "vawa", 0.2, ("VSC",), 24, confidentiality=Confidentiality.VAWA,
            a_number=0.5),
    Profile("I-360", "sij", 0.5, ("NBC",), 7, a_number=0.5, max_age=21),
    Profile("I-918", "principal", 0.2, ("VSC",), 60, biometrics=True,
            confidentiality=Confidentiality.U_VISA, a_number=0.6),
    Profile("I-914", "principal", 0.08, ("VSC",), 20, biometrics=True,
            confidentiality=Confidentiality.T_VISA, a_number=0.6),
)  # fmt: skip
PROFILE_BY_KEY = {(p.form, p.category): p for p in PROFILES}

# Where affirmative asylum interviews happen for people living in each field office's area.
ASYLUM_OFFICE_FOR_FIELD_OFFICE: dict[str, str] = {
    "NYC": "ZNY", "BOS": "ZNY", "NEW": "ZNK", "PHI": "ZNK", "WAS": "ZAR", "ATL": "ZAR",
    "MIA": "ZMI", "ORL": "ZMI", "HOU": "ZHN", "DAL": "ZHN", "DEN": "ZHN", "CHI": "ZCH",
    "DET": "ZCH", "LOS": "ZLA", "SND": "ZLA", "PHO": "ZLA", "SFR": "ZSF", "SEA": "ZSF",
}  # fmt: skip
# Roughly where people live (relative weights); Spanish speakers lean to other metros.
RESIDENCE_WEIGHTS: dict[str, tuple[float, float]] = {  # office: (English, Spanish)
    "NYC": (14, 10), "LOS": (12, 18), "CHI": (7, 5), "HOU": (6, 12), "MIA": (6, 14),
    "SFR": (5, 2), "SEA": (4, 1), "ATL": (5, 2), "BOS": (5, 2), "WAS": (6, 3), "DAL": (5, 9),
    "PHI": (4, 2), "NEW": (6, 5), "SND": (3, 6), "PHO": (3, 5), "DEN": (3, 2), "DET": (3, 1),
    "ORL": (3, 5),
}  # fmt: skip
INTERNATIONAL_WEIGHTS = {"MEX": 6, "GUA": 2, "NDL": 2}

SPANISH_SHARE = 0.30
REPRESENTED_SHARE = 0.08
REPRESENTATIVE_COUNT = 40
