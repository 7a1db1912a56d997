"""The plan: everything ``seed`` writes, as plain values with no database."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal


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


@dataclass(frozen=True, slots=True)
class CannedReplyPlan:
    sort_order: int
    title_en: str
    title_es: str
    body_en: str
    body_es: str


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
    canned_replies: list[CannedReplyPlan] = field(default_factory=list)


def fields_of(value: object) -> dict[str, object]:
    """A plan value's fields by name, as keyword arguments for the model it becomes."""
    return {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}  # type: ignore[arg-type]
