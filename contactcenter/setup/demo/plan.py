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


@dataclass(frozen=True, slots=True)
class OutreachEventPlan:
    title_en: str
    title_es: str
    description_en: str
    description_es: str
    location: str  # the office's address, or "Online"
    starts_at: dt.datetime  # aware, in the agency's time zone
    ends_at: dt.datetime
    capacity: int
    # (name, email, language) of the people already registered
    registrations: tuple[tuple[str, str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class AccountPlan:
    """An applicant's online account, linked to them with an Online Access Code of ``case``."""

    email: str
    case: str  # receipt number


@dataclass(frozen=True, slots=True)
class ServiceRequestPlan:
    case: str  # receipt number; the applicant's account submits it
    type_code: str
    details: tuple[tuple[str, str], ...]
    language: str
    office: str  # the office it reaches, whose demo user works it
    stage: str  # "new", "in_progress" or "awaiting_person" (the office answered, asking)
    answer: str = ""  # the office's answer, for "awaiting_person"


@dataclass(frozen=True, slots=True)
class AppointmentRequestPlan:
    case: str  # receipt number; the applicant's account asks
    reason: str
    zip_code: str
    language: str
    accommodations: tuple[str, ...] = ()
    accommodation_note: str = ""
    details: str = ""


@dataclass(frozen=True, slots=True)
class CallbackPlan:
    """A phone inquiry Tier 1 verified and escalated; Tier 2 owes the person a call."""

    case: str  # receipt number
    person: int  # index into DemoPlan.people (the identity answers)
    language: str
    urgency: str  # "urgent" or "regular"
    reason: str
    due_in_minutes: int  # from the moment of seeding; negative: already overdue


@dataclass(frozen=True, slots=True)
class SecureThreadPlan:
    case: str  # receipt number; the applicant's account writes
    subject: str
    body: str
    language: str
    reply: str = ""  # staff's answer; empty: still waiting for staff


@dataclass(slots=True)
class LiveWorkPlan:
    """Work waiting on the staff screens on the day of seeding, created through the apps'
    services as the people and agents would."""

    accounts: list[AccountPlan] = field(default_factory=list)
    service_requests: list[ServiceRequestPlan] = field(default_factory=list)
    appointment_requests: list[AppointmentRequestPlan] = field(default_factory=list)
    callbacks: list[CallbackPlan] = field(default_factory=list)
    threads: list[SecureThreadPlan] = field(default_factory=list)


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
    outreach_events: list[OutreachEventPlan] = field(default_factory=list)
    work: LiveWorkPlan = field(default_factory=LiveWorkPlan)


def fields_of(value: object) -> dict[str, object]:
    """A plan value's fields by name, as keyword arguments for the model it becomes."""
    return {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}  # type: ignore[arg-type]
