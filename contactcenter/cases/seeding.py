"""Deterministic, realistic demo data for ``contactcenter seed``.

Two halves:

* ``demo_plan_build`` is pure: from the reference-data files, a case count, a seed and a date
  it returns plain dataclasses (processing times, people, representatives, cases with their
  status histories, closures, staff). The same arguments give the same plan, byte for byte,
  so tests compare plans without a database.
* ``demo_plan_write`` puts a plan in the database in one transaction.

Why bulk inserts instead of the per-object services: a demo database has 10,000 cases and
about 80,000 status events. Creating them one ``save()`` at a time takes minutes on SQLite; in
batches it takes seconds. That is safe here because the plan is checked as a whole before it is
written (statuses follow each form's flow, dates never go backwards, receipt numbers are unique
and parse), no side effects (notifications, audit) are wanted for invented data, and the
database constraints still hold every row. Real writes keep going through services.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import logging
import random
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import holidays
import yaml
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction

from contactcenter.cases.models import (
    Case,
    CaseStatusEvent,
    Confidentiality,
    FormCategory,
    FormType,
    ProcessingTime,
)
from contactcenter.cases.reference_data import FormDefinition, form_definitions_read
from contactcenter.cases.statuses import CaseStatus
from contactcenter.core.receipt_numbers import PREFIX_OFFICES
from contactcenter.offices.models import Office, OfficeKind
from contactcenter.offices.services import (
    OfficeDefinition,
    office_closure_create,
    office_definitions_read,
)
from contactcenter.people.models import Language, Person, Representative
from contactcenter.routing.services import agent_ensure_for_user
from contactcenter.staff.models import Role, StaffProfile

logger = logging.getLogger(__name__)

NAMES_FILE = Path(__file__).resolve().parent / "data" / "demo_names.yaml"
BATCH_SIZE = 1000

S = CaseStatus

# ---------------------------------------------------------------------------------------------
# Receipt numbers: prefix, fiscal year, workday, sequence
# ---------------------------------------------------------------------------------------------

# The prefix each intake office stamps on the receipts it issues.
OFFICE_PREFIXES: dict[str, str] = {
    "VSC": "EAC",
    "CSC": "WAC",
    "NSC": "LIN",
    "TSC": "SRC",
    "NBC": "MSC",
    "PSC": "YSC",
}
# Receipts of forms filed online start with IOE; in this demo the Potomac Service Center holds
# them (the real agency spreads them over several centers).
IOE_HOLDING_OFFICE = "PSC"


def intake_office_for_prefix(prefix: str) -> str:
    """The office that holds a case when it is received under ``prefix``."""
    return IOE_HOLDING_OFFICE if prefix == "IOE" else PREFIX_OFFICES[prefix]


def fiscal_year_of(day: dt.date) -> int:
    """Federal fiscal years start on October 1: 2025-10-01 is in fiscal year 2026."""
    return day.year + 1 if day.month >= 10 else day.year


@functools.cache
def _receipt_days(fiscal_year: int) -> tuple[dt.date, ...]:
    federal = holidays.country_holidays("US", years=[fiscal_year - 1, fiscal_year])
    day = dt.date(fiscal_year - 1, 10, 1)
    days: list[dt.date] = []
    while day.year < fiscal_year or day.month < 10:
        if day.weekday() < 5 and day not in federal:
            days.append(day)
        day += dt.timedelta(days=1)
    return tuple(days)


@functools.cache
def _workday_numbers(fiscal_year: int) -> dict[dt.date, int]:
    return {day: number for number, day in enumerate(_receipt_days(fiscal_year), start=1)}


def is_receipt_day(day: dt.date) -> bool:
    """Receipts are issued on federal workdays only (no weekends, no federal holidays)."""
    return day in _workday_numbers(fiscal_year_of(day))


def fiscal_workday(day: dt.date) -> int:
    """The number of ``day`` among the workdays of its fiscal year (October 1 is usually 1)."""
    number = _workday_numbers(fiscal_year_of(day)).get(day)
    if number is None:
        raise ValueError(f"{day} is not a federal workday")
    return number


def receipt_day_for(fiscal_year: int, workday: int) -> dt.date:
    days = _receipt_days(fiscal_year)
    if not 1 <= workday <= len(days):
        raise ValueError(f"fiscal year {fiscal_year} has workdays 1 to {len(days)}")
    return days[workday - 1]


def previous_receipt_day(day: dt.date) -> dt.date:
    while not is_receipt_day(day):
        day -= dt.timedelta(days=1)
    return day


def receipt_number_compose(*, prefix: str, receipt_date: dt.date, sequence: int) -> str:
    if not 0 <= sequence <= 99_999:
        raise ValueError("a receipt sequence has five digits")
    year = fiscal_year_of(receipt_date) % 100
    return f"{prefix}{year:02d}{fiscal_workday(receipt_date):03d}{sequence:05d}"


def receipt_date_of(receipt_number: str) -> dt.date:
    """The receipt date a (normalised) receipt number encodes."""
    return receipt_day_for(2000 + int(receipt_number[3:5]), int(receipt_number[5:8]))


# ---------------------------------------------------------------------------------------------
# How each form and category behaves
# ---------------------------------------------------------------------------------------------

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

# ---------------------------------------------------------------------------------------------
# The plan: plain values, no database
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ProcessingTimePlan:
    form: str
    category: str
    office: str
    months: Decimal
    published_on: dt.date


@dataclass(frozen=True, slots=True)
class PersonPlan:
    given_name: str
    family_name: str
    date_of_birth: dt.date
    a_number: str | None
    street: str
    city: str
    state: str
    zip_code: str
    email: str
    phone: str
    preferred_language: str


@dataclass(frozen=True, slots=True)
class RepresentativePlan:
    given_name: str
    family_name: str
    organization: str
    bar_number: str
    email: str
    phone: str


@dataclass(frozen=True, slots=True)
class EventPlan:
    status: str
    status_date: dt.date
    office: str


@dataclass(frozen=True, slots=True)
class CasePlan:
    receipt_number: str
    form: str
    category: str
    receipt_date: dt.date
    person: int  # index into DemoPlan.people
    representative: int | None  # index into DemoPlan.representatives
    g28_accepted_on: dt.date | None
    confidentiality: str
    events: tuple[EventPlan, ...]
    showcase: str = ""  # what this case demonstrates, for the fixed showcase cases

    @property
    def status(self) -> str:
        return self.events[-1].status

    @property
    def status_date(self) -> dt.date:
        return self.events[-1].status_date

    @property
    def office(self) -> str:
        return self.events[-1].office


@dataclass(frozen=True, slots=True)
class ClosurePlan:
    office: str
    starts_on: dt.date
    ends_on: dt.date
    reason_en: str
    reason_es: str


@dataclass(frozen=True, slots=True)
class StaffPlan:
    username: str
    role: str
    first_name: str
    last_name: str
    languages: str
    office: str = ""


@dataclass(slots=True)
class DemoPlan:
    today: dt.date
    seed: int
    processing_times: list[ProcessingTimePlan] = field(default_factory=list)
    people: list[PersonPlan] = field(default_factory=list)
    representatives: list[RepresentativePlan] = field(default_factory=list)
    cases: list[CasePlan] = field(default_factory=list)
    closures: list[ClosurePlan] = field(default_factory=list)
    staff: list[StaffPlan] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------
# Fixed showcase cases: receipt numbers documentation can quote
# ---------------------------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------------------------
# Staff
# ---------------------------------------------------------------------------------------------

# Demo only: documented in the README and in `seed --help`. Never use on a real install.
DEMO_PASSWORDS: dict[str, str] = {
    Role.TIER1: "demo-tier1",
    Role.TIER2: "demo-tier2",
    Role.SUPERVISOR: "demo-supervisor",
    Role.OFFICE_STAFF: "demo-office",
    Role.ADMIN: "demo-admin",
}
STAFF: tuple[StaffPlan, ...] = (
    StaffPlan("tier1.alice", Role.TIER1, "Alice", "Porter", "en"),
    StaffPlan("tier1.bruno", Role.TIER1, "Bruno", "Salas", "en,es"),
    StaffPlan("tier1.chen", Role.TIER1, "Chen", "Li", "en"),
    StaffPlan("tier2.dana", Role.TIER2, "Dana", "Brooks", "en"),
    StaffPlan("tier2.esteban", Role.TIER2, "Esteban", "Ibarra", "en,es"),
    StaffPlan("supervisor.fiona", Role.SUPERVISOR, "Fiona", "Grant", "en"),
    StaffPlan("supervisor.gloria", Role.SUPERVISOR, "Gloria", "Medina", "en,es"),
    StaffPlan("office.nyc", Role.OFFICE_STAFF, "Hank", "Russo", "en", "NYC"),
    StaffPlan("office.mia", Role.OFFICE_STAFF, "Inés", "Marrero", "en,es", "MIA"),
    StaffPlan("office.nbc", Role.OFFICE_STAFF, "Jamal", "Wright", "en", "NBC"),
    StaffPlan("admin", Role.ADMIN, "Kay", "Admin", "en,es"),
    StaffPlan("admin.leo", Role.ADMIN, "Leo", "Fischer", "en"),
)


def staff_lines() -> list[str]:
    return [
        f"  {member.username:<18} {member.role:<13} password {DEMO_PASSWORDS[member.role]}"
        + (f" (office {member.office})" if member.office else "")
        for member in STAFF
    ]


# ---------------------------------------------------------------------------------------------
# Building the plan
# ---------------------------------------------------------------------------------------------


def _half(value: float) -> Decimal:
    """Posted times are published to the half month."""
    return Decimal(max(1, round(value * 2))) / 2


def _months_between(start: dt.date, end: dt.date) -> float:
    return (end - start).days / 30.44


def _publication_dates(today: dt.date, count: int = 6) -> list[dt.date]:
    """The 15th of the last ``count`` months, the newest on or before ``today``."""
    year, month = today.year, today.month
    if today.day < 15:
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    dates = []
    for _ in range(count):
        dates.append(dt.date(year, month, 15))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return sorted(dates)


def _ascii(text: str) -> str:
    return "".join(
        c for c in unicodedata.normalize("NFKD", text) if c.isascii() and c.isalnum()
    ).lower()


class _Builder:
    def __init__(
        self,
        *,
        cases: int,
        seed: int,
        today: dt.date,
        offices: Sequence[OfficeDefinition],
        forms: Sequence[FormDefinition],
        names: dict,
    ) -> None:
        self.plan = DemoPlan(today=today, seed=seed)
        self.target = cases
        self.today = today
        self.seed = seed
        self.offices = {o.code: o for o in offices}
        self.names = names
        catalogue = {(f.code, c.code) for f in forms for c in f.categories}
        missing = sorted(set(PROFILE_BY_KEY) - catalogue)
        if missing:
            raise ValueError(f"demo profiles name forms missing from the catalogue: {missing}")
        self.field_offices = [o for o in offices if o.kind == OfficeKind.FIELD_OFFICE]
        self.zip_office = {z: o.code for o in self.field_offices for z in o.zips}
        self.sequences: dict[tuple[str, dt.date], int] = {}
        self.a_numbers: set[str] = {s.a_number for s in SHOWCASES if s.a_number}
        self.posted: dict[tuple[str, str, str], Decimal] = {}

    def rng(self, stream: str) -> random.Random:
        # A separate stream per part, so that asking for more cases does not change the
        # processing times or the staff, and the same seed always gives the same values.
        return random.Random(f"{self.seed}:{stream}")  # noqa: S311 - demo data, not secrets

    # --- processing times ----------------------------------------------------------------
    def offices_for(self, profile: Profile) -> list[str]:
        codes = list(profile.intake)
        if profile.online:
            codes.append(IOE_HOLDING_OFFICE)
        if profile.transfer_to == FIELD:
            codes += [o.code for o in self.field_offices]
        if profile.transfer_to == ASYLUM:
            codes += sorted(set(ASYLUM_OFFICE_FOR_FIELD_OFFICE.values()))
        if profile.abroad:
            codes += list(INTERNATIONAL_WEIGHTS)
        return list(dict.fromkeys(codes))

    def build_processing_times(self) -> None:
        rng = self.rng("processing-times")
        dates = _publication_dates(self.today)
        tuned = {(s.form, s.category, s.events[-1][2]): s for s in SHOWCASES if s.posted}
        for profile in PROFILES:
            for office in self.offices_for(profile):
                key = (profile.form, profile.category, office)
                current = profile.months * rng.uniform(0.75, 1.3)
                showcase = tuned.get(key)
                if showcase is not None:
                    age = _months_between(receipt_date_of(showcase.receipt_number), self.today)
                    current = (
                        max(current, age + 4)
                        if showcase.posted == "within"
                        else min(current, max(age - 3, 1))
                    )
                values = [current]
                for _ in dates[1:]:
                    values.append(values[-1] * (1 + rng.uniform(-0.05, 0.08)))
                # values run newest to oldest; publications oldest to newest.
                for published_on, months in zip(dates, reversed(values), strict=True):
                    self.plan.processing_times.append(
                        ProcessingTimePlan(*key, min(_half(months), Decimal(120)), published_on)
                    )
                self.posted[key] = _half(current)

    # --- people --------------------------------------------------------------------------
    def a_number(self, rng: random.Random) -> str:
        while True:
            candidate = f"A{rng.randrange(200_000_000, 330_000_000):09d}"
            if candidate not in self.a_numbers:
                self.a_numbers.add(candidate)
                return candidate

    def address(self, rng: random.Random, zip_code: str, office: str) -> tuple[str, str, str]:
        n = self.names
        street = (
            f"{rng.randint(1, 9899)} {rng.choice(n['streets'])} {rng.choice(n['street_kinds'])}"
        )
        if rng.random() < 0.3:
            street += f", Apt {rng.randint(1, 24)}{rng.choice('ABCDEF')}"
        if office in INTERNATIONAL_WEIGHTS:
            hood = rng.choice(n["mexico_city_neighbourhoods"])
            street = f"Calle {rng.choice(n['streets'])} {rng.randint(1, 300)}, {hood}"
            return street, self.offices[office].city, ""
        city, state = n["cities_by_zip3"].get(
            zip_code[:3], [self.offices[office].city, self.offices[office].state]
        )
        return street, city, state

    def person(
        self,
        rng: random.Random,
        profile: Profile,
        *,
        office: str,
        zip_code: str,
        language: str,
        names: tuple[str, str] | None = None,
        a_number: str | None = "",
    ) -> int:
        n = self.names
        if names is None:
            spanish_name = rng.random() < (0.92 if language == Language.SPANISH else 0.12)
            if spanish_name:
                family = rng.choice(n["family_es"])
                if rng.random() < 0.35:
                    family = f"{family} {rng.choice(n['family_es'])}"
                names = (rng.choice(n["given_es"]), family)
            elif rng.random() < 0.55:
                names = (rng.choice(n["given_en"]), rng.choice(n["family_en"]))
            else:
                names = (rng.choice(n["given_other"]), rng.choice(n["family_other"]))
        if a_number == "":
            a_number = self.a_number(rng) if rng.random() < profile.a_number else None
        age = rng.randint(profile.min_age, profile.max_age)
        born = self.today - dt.timedelta(days=age * 365 + rng.randint(0, 364))
        street, city, state = self.address(rng, zip_code, office)
        email = ""
        if rng.random() < 0.85:
            domain = rng.choice(["example.com", "example.org", "example.net"])
            email = f"{_ascii(names[0])}.{_ascii(names[1])}{rng.randint(1, 999)}@{domain}"
        area = "".join(ch for ch in self.offices[office].phone if ch.isdigit())[:3]
        phone = f"+1{area}55501{rng.randint(0, 99):02d}" if area and state else ""
        self.plan.people.append(
            PersonPlan(
                given_name=names[0],
                family_name=names[1],
                date_of_birth=born,
                a_number=a_number,
                street=street,
                city=city,
                state=state,
                zip_code=zip_code,
                email=email,
                phone=phone,
                preferred_language=language,
            )
        )
        return len(self.plan.people) - 1

    def build_representatives(self) -> None:
        rng = self.rng("representatives")
        n = self.names
        cities = sorted({o.city for o in self.field_offices})
        for index in range(REPRESENTATIVE_COUNT):
            pool = rng.choice(["en", "es", "other"])
            given = rng.choice(n[f"given_{pool}"])
            family = rng.choice(n[f"family_{pool}"])
            city = rng.choice(cities)
            organization = rng.choice(
                [
                    f"Law Office of {given} {family}",
                    f"{family} & Partners Immigration Law",
                    f"{city} Immigrant Legal Services",
                    f"Community Legal Aid of {city}",
                ]
            )
            slug = _ascii(organization)[:24]
            self.plan.representatives.append(
                RepresentativePlan(
                    given_name=given,
                    family_name=family,
                    organization=organization,
                    bar_number=f"BAR{index + 1:03d}{rng.randint(10000, 99999)}",
                    email=f"{_ascii(given)}.{_ascii(family)}@{slug}.example",
                    phone=f"+1{rng.choice(['212', '213', '305', '312', '713'])}55501"
                    f"{rng.randint(0, 99):02d}",
                )
            )

    # --- receipt numbers -----------------------------------------------------------------
    def receipt_number(self, rng: random.Random, prefix: str, day: dt.date, step: int) -> str:
        key = (prefix, day)
        # Generated sequences start at 10000, so the showcase numbers (below 100) stay free.
        sequence = self.sequences.get(key, rng.randrange(10_000, 60_000)) + step
        self.sequences[key] = sequence
        return receipt_number_compose(prefix=prefix, receipt_date=day, sequence=sequence)

    # --- status histories ----------------------------------------------------------------
    def timeline(
        self,
        rng: random.Random,
        profile: Profile,
        *,
        received: dt.date,
        intake: str,
        target: str | None,
    ) -> tuple[EventPlan, ...]:
        """The case's whole life, cut at today: what has happened so far."""
        posted = self.posted[(profile.form, profile.category, target or intake)]
        # 80% of cases finish within the posted time (that is what the figure means); a few
        # are stuck well beyond it.
        factor = rng.uniform(0.3, 1.15) if rng.random() > 0.06 else rng.uniform(1.2, 2.0)
        total = max(int(float(posted) * 30.44 * factor), 20)
        events: list[EventPlan] = []
        office = intake
        last = received

        def add(status: str, day_or_offset: int | dt.date) -> None:
            nonlocal last
            day = (
                day_or_offset
                if isinstance(day_or_offset, dt.date)
                else received + dt.timedelta(days=day_or_offset)
            )
            last = max(last, day)
            events.append(EventPlan(status, last, office))

        def at(low: float, high: float) -> int:
            return int(total * rng.uniform(low, high))

        add(S.RECEIVED, 0)
        if rng.random() < 0.004:
            add(S.REJECTED, rng.randint(3, 20))
            return self._until_today(events)
        if profile.biometrics:
            add(S.FEE_RECEIVED, rng.randint(0, 3))
            add(S.BIOMETRICS_SCHEDULED, max(at(0.04, 0.10), 10))
            add(S.BIOMETRICS_TAKEN, last + dt.timedelta(days=rng.randint(10, 30)))
        if rng.random() < 0.01:
            add(S.EXPEDITE_RECEIVED, at(0.15, 0.25))
            outcome = S.EXPEDITE_APPROVED if rng.random() < 0.4 else S.EXPEDITE_DENIED
            add(outcome, last + dt.timedelta(days=rng.randint(3, 15)))
        if rng.random() < 0.006:
            add(S.NOTICE_RETURNED, at(0.2, 0.3))
        rfe = rng.random() < 0.15
        if rfe:
            add(S.RFE_SENT, at(0.3, 0.45))
            if rng.random() < 0.08:  # never answered: denied once the deadline has passed
                add(S.DENIED, last + dt.timedelta(days=rng.randint(95, 130)))
                return self._until_today(events)
            add(S.RFE_RESPONSE_RECEIVED, last + dt.timedelta(days=rng.randint(20, 84)))
        if target is not None:
            office = target
            add(S.TRANSFERRED, at(0.5, 0.62))
            if target not in INTERNATIONAL_WEIGHTS:
                add(S.INTERVIEW_SCHEDULED, at(0.7, 0.85))
            else:
                add(S.UNDER_REVIEW, at(0.75, 0.9))
        else:
            add(S.UNDER_REVIEW, at(0.75, 0.92))
        approved = rng.random() > (0.25 if rfe else 0.05)
        add(S.APPROVED if approved else S.DENIED, max(total, (last - received).days + 1))
        if approved and profile.card:
            add(S.CARD_PRODUCED, last + dt.timedelta(days=rng.randint(1, 6)))
            add(S.CARD_MAILED, last + dt.timedelta(days=rng.randint(3, 12)))
            if rng.random() < 0.96:
                add(S.CARD_DELIVERED, last + dt.timedelta(days=rng.randint(2, 7)))
            else:
                add(S.CARD_RETURNED, last + dt.timedelta(days=rng.randint(10, 25)))
        return self._until_today(events)

    def _until_today(self, events: list[EventPlan]) -> tuple[EventPlan, ...]:
        return tuple(e for e in events if e.status_date <= self.today)

    # --- cases ---------------------------------------------------------------------------
    def build_showcases(self) -> None:
        for showcase in SHOWCASES[: self.target]:
            profile = PROFILE_BY_KEY[(showcase.form, showcase.category)]
            received = receipt_date_of(showcase.receipt_number)
            if received > self.today:  # only when seeding "as of" an earlier date
                continue
            rng = self.rng(f"showcase:{showcase.receipt_number}")
            residence = self.zip_office.get(showcase.zip_code)
            final_office = showcase.events[-1][2]
            person = self.person(
                rng,
                profile,
                office=residence or final_office,
                zip_code=showcase.zip_code,
                language=showcase.language,
                names=(showcase.given_name, showcase.family_name),
                a_number=showcase.a_number,
            )
            events = self._until_today(
                [
                    EventPlan(status, received + dt.timedelta(days=days), office)
                    for status, days, office in showcase.events
                ]
            )
            self.plan.cases.append(
                CasePlan(
                    receipt_number=showcase.receipt_number,
                    form=showcase.form,
                    category=showcase.category,
                    receipt_date=received,
                    person=person,
                    representative=0 if showcase.represented else None,
                    g28_accepted_on=received + dt.timedelta(days=3)
                    if showcase.represented
                    else None,
                    confidentiality=showcase.confidentiality,
                    events=events,
                    showcase=showcase.story,
                )
            )

    def build_cases(self) -> None:
        rng = self.rng("cases")
        weights = [p.weight for p in PROFILES]
        residences = list(RESIDENCE_WEIGHTS)
        english_weights = [RESIDENCE_WEIGHTS[c][0] for c in residences]
        spanish_weights = [RESIDENCE_WEIGHTS[c][1] for c in residences]
        zips_by_office = {o.code: o.zips for o in self.field_offices}
        abroad = list(INTERNATIONAL_WEIGHTS)
        while len(self.plan.cases) < self.target:
            profile = rng.choices(PROFILES, weights)[0]
            language = Language.SPANISH if rng.random() < SPANISH_SHARE else Language.ENGLISH
            international = rng.random() < profile.abroad
            if international:
                home = rng.choices(abroad, [INTERNATIONAL_WEIGHTS[c] for c in abroad])[0]
                zip_code = f"{rng.randint(1000, 16999):05d}" if home == "MEX" else ""
                residence = home
            else:
                pool = spanish_weights if language == Language.SPANISH else english_weights
                residence = rng.choices(residences, pool)[0]
                zip_code = rng.choice(zips_by_office[residence])
            person = self.person(
                rng, profile, office=residence, zip_code=zip_code, language=language
            )
            max_age = min(max(1100.0, profile.months * 30.44 * 1.2), 2600.0)
            received = previous_receipt_day(
                self.today - dt.timedelta(days=int(max_age * rng.random() ** 1.6))
            )
            online = rng.random() < profile.online
            intake = IOE_HOLDING_OFFICE if online else rng.choice(profile.intake)
            prefix = "IOE" if online else OFFICE_PREFIXES[intake]
            represented = rng.random() < REPRESENTED_SHARE
            representative = rng.randrange(REPRESENTATIVE_COUNT) if represented else None
            filings = [profile]
            if profile.bundle and not international:
                if rng.random() < 0.7:
                    filings.append(PROFILE_BY_KEY[("I-765", "c9")])
                if rng.random() < 0.5:
                    filings.append(PROFILE_BY_KEY[("I-131", "advance_parole")])
            for position, filing in enumerate(filings):
                if len(self.plan.cases) >= self.target:
                    break
                target: str | None = None
                if international:
                    target = residence
                elif filing.transfer_to and rng.random() < filing.interview:
                    target = (
                        residence
                        if filing.transfer_to == FIELD
                        else ASYLUM_OFFICE_FOR_FIELD_OFFICE[residence]
                    )
                # A bundle is mailed together: consecutive receipt numbers, one intake office.
                receipt_number = self.receipt_number(
                    rng, prefix, received, 1 if position else rng.randint(1, 40)
                )
                events = self.timeline(rng, filing, received=received, intake=intake, target=target)
                g28 = None
                if representative is not None:
                    g28 = min(received + dt.timedelta(days=rng.randint(0, 20)), self.today)
                self.plan.cases.append(
                    CasePlan(
                        receipt_number=receipt_number,
                        form=filing.form,
                        category=filing.category,
                        receipt_date=received,
                        person=person,
                        representative=representative,
                        g28_accepted_on=g28,
                        confidentiality=filing.confidentiality,
                        events=events,
                    )
                )

    # --- closures and staff --------------------------------------------------------------
    def build_closures(self) -> None:
        rng = self.rng("closures")
        today = self.today
        closed_today = rng.choice([o.code for o in self.field_offices])
        self.plan.closures = [
            ClosurePlan(
                closed_today,
                today,
                today,
                "Closed today because of a power outage in the building. Appointments will be "
                "rescheduled and new notices mailed.",
                "Cerrada hoy por un corte de electricidad en el edificio. Las citas se "
                "reprogramarán y se enviarán nuevas notificaciones por correo.",
            ),
            ClosurePlan(
                "MIA",
                today - dt.timedelta(days=45),
                today - dt.timedelta(days=44),
                "Closed for a hurricane warning.",
                "Cerrada por un aviso de huracán.",
            ),
            ClosurePlan(
                "ASC-BRX",
                today + dt.timedelta(days=10),
                today + dt.timedelta(days=11),
                "Closed for building maintenance; biometrics appointments are being moved.",
                "Cerrado por mantenimiento del edificio; las citas de datos biométricos se "
                "están cambiando de fecha.",
            ),
            ClosurePlan(
                "DEN",
                today - dt.timedelta(days=12),
                today - dt.timedelta(days=12),
                "Closed because of a snowstorm.",
                "Cerrada por una tormenta de nieve.",
            ),
        ]
        self.plan.staff = list(STAFF)


def _read_names(path: Path = NAMES_FILE) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def demo_plan_build(
    *,
    cases: int,
    seed: int,
    today: dt.date,
    offices: Sequence[OfficeDefinition] | None = None,
    forms: Sequence[FormDefinition] | None = None,
) -> DemoPlan:
    """Everything ``seed`` writes, as values. Pure: same arguments, same plan."""
    if cases < 0:
        raise ValueError("the number of cases cannot be negative")
    builder = _Builder(
        cases=cases,
        seed=seed,
        today=today,
        offices=offices if offices is not None else office_definitions_read(),
        forms=forms if forms is not None else form_definitions_read(),
        names=_read_names(),
    )
    builder.build_processing_times()
    builder.build_representatives()
    builder.build_showcases()
    builder.build_cases()
    builder.build_closures()
    return builder.plan


def demo_plan_problems(plan: DemoPlan) -> list[str]:
    """What is wrong with a plan (empty when it is consistent); run before every write."""
    problems: list[str] = []
    counts = Counter(c.receipt_number for c in plan.cases)
    problems += [f"{number} appears {n} times" for number, n in counts.items() if n > 1]
    a_numbers = Counter(p.a_number for p in plan.people if p.a_number)
    problems += [f"an A-Number appears {n} times" for n in a_numbers.values() if n > 1]
    for case in plan.cases:
        number = case.receipt_number
        if not case.events or case.events[0].status != S.RECEIVED:
            problems.append(f"{number}: the history does not start with received")
            continue
        if receipt_date_of(number) != case.receipt_date:
            problems.append(f"{number}: fiscal year and workday do not match the receipt date")
        if case.events[0].office != intake_office_for_prefix(number[:3]):
            problems.append(f"{number}: the prefix does not match the intake office")
        dates = [e.status_date for e in case.events]
        if dates != sorted(dates) or dates[0] < case.receipt_date or dates[-1] > plan.today:
            problems.append(f"{number}: history dates out of order")
        if (case.representative is None) != (case.g28_accepted_on is None):
            problems.append(f"{number}: a representative needs a G-28 date")
    return problems


# ---------------------------------------------------------------------------------------------
# Writing the plan
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SeedSummary:
    cases: int
    people: int
    events: int
    processing_times: int
    representatives: int
    closures: int
    staff: int


def _chunks(items: Sequence, size: int) -> Iterator[Sequence]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def processing_times_write(*, plan: DemoPlan) -> int:
    offices = dict(Office.objects.values_list("code", "id"))
    forms = dict(FormType.objects.values_list("code", "id"))
    categories = {
        (form_code, code): pk
        for form_code, code, pk in FormCategory.objects.values_list("form__code", "code", "id")
    }
    rows = [
        ProcessingTime(
            form_id=forms[p.form],
            category_id=categories[(p.form, p.category)],
            office_id=offices[p.office],
            months=p.months,
            published_on=p.published_on,
        )
        for p in plan.processing_times
    ]
    # Seeding again (for example after the cases were deleted) refreshes the figures.
    ProcessingTime.objects.bulk_create(
        rows,
        batch_size=BATCH_SIZE,
        update_conflicts=True,
        unique_fields=["form", "category", "office", "published_on"],
        update_fields=["months"],
    )
    return len(rows)


def staff_users_write(*, staff: Sequence[StaffPlan]) -> int:
    """Create or refresh the demo staff users; each distinct password is hashed once."""
    user_model = get_user_model()
    hashes = {role: make_password(DEMO_PASSWORDS[role]) for role in {m.role for m in staff}}
    groups = {g.name: g for g in Group.objects.filter(name__in=Role.values)}
    offices = dict(Office.objects.values_list("code", "id"))
    for member in staff:
        is_admin = member.role == Role.ADMIN
        # Supervisors read the disclosure log and the records in the admin; agents work the desk.
        uses_admin = member.role in (Role.ADMIN, Role.SUPERVISOR)
        user, _ = user_model.objects.update_or_create(
            username=member.username,
            defaults={
                "first_name": member.first_name,
                "last_name": member.last_name,
                "email": f"{member.username}@agency.example",
                "password": hashes[member.role],
                "is_staff": uses_admin,
                "is_superuser": is_admin,
                "is_active": True,
            },
        )
        user.groups.set([groups[member.role]])
        StaffProfile.objects.update_or_create(
            user=user,
            defaults={
                "office_id": offices[member.office] if member.office else None,
                "languages": member.languages,
            },
        )
        if member.role in (Role.TIER1, Role.TIER2, Role.SUPERVISOR):
            agent_ensure_for_user(user=user)
    return len(staff)


def cases_write(
    *, plan: DemoPlan, progress: Callable[[int], object] | None = None
) -> tuple[int, int, int]:
    """People, representatives, cases and status events, in batches. Returns their counts."""
    offices = dict(Office.objects.values_list("code", "id"))
    forms = dict(FormType.objects.values_list("code", "id"))
    categories = {
        (form_code, code): pk
        for form_code, code, pk in FormCategory.objects.values_list("form__code", "code", "id")
    }
    representatives = Representative.objects.bulk_create(
        [Representative(**vars_of(r)) for r in plan.representatives], batch_size=BATCH_SIZE
    )
    people = Person.objects.bulk_create(
        [Person(**vars_of(p)) for p in plan.people], batch_size=BATCH_SIZE
    )
    events = 0
    for batch in _chunks(plan.cases, BATCH_SIZE):
        rows = Case.objects.bulk_create(
            [
                Case(
                    receipt_number=c.receipt_number,
                    form_id=forms[c.form],
                    category_id=categories[(c.form, c.category)],
                    receipt_date=c.receipt_date,
                    office_id=offices[c.office],
                    status=c.status,
                    status_date=c.status_date,
                    applicant_id=people[c.person].pk,
                    representative_id=(
                        representatives[c.representative].pk
                        if c.representative is not None
                        else None
                    ),
                    g28_accepted_on=c.g28_accepted_on,
                    confidentiality=c.confidentiality,
                )
                for c in batch
            ]
        )
        history = [
            CaseStatusEvent(
                case_id=row.pk,
                status=e.status,
                status_date=e.status_date,
                office_id=offices[e.office],
            )
            for row, c in zip(rows, batch, strict=True)
            for e in c.events
        ]
        CaseStatusEvent.objects.bulk_create(history, batch_size=BATCH_SIZE * 4)
        events += len(history)
        if progress is not None:
            progress(len(batch))
    return len(people), len(representatives), events


def vars_of(value: object) -> dict[str, object]:
    return {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}  # type: ignore[arg-type]


@transaction.atomic
def demo_plan_write(
    *, plan: DemoPlan, progress: Callable[[int], object] | None = None
) -> SeedSummary:
    """Write a consistent plan; the reference data must already be loaded.

    All or nothing: a failure half-way leaves the database as it was.
    """
    problems = demo_plan_problems(plan)
    if problems:
        raise ValueError("the demo plan is inconsistent: " + "; ".join(problems[:5]))
    processing_times = processing_times_write(plan=plan)
    people, representatives, events = cases_write(plan=plan, progress=progress)
    offices = {o.code: o for o in Office.objects.filter(code__in={c.office for c in plan.closures})}
    for closure in plan.closures:
        office_closure_create(
            office=offices[closure.office],
            starts_on=closure.starts_on,
            ends_on=closure.ends_on,
            reason_en=closure.reason_en,
            reason_es=closure.reason_es,
        )
    staff = staff_users_write(staff=plan.staff)
    summary = SeedSummary(
        cases=len(plan.cases),
        people=people,
        events=events,
        processing_times=processing_times,
        representatives=representatives,
        closures=len(plan.closures),
        staff=staff,
    )
    logger.info("cases.demo_seeded", extra={"cases": summary.cases, "seed": plan.seed})
    return summary
