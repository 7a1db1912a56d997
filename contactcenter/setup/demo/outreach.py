"""Upcoming outreach events for the public events page: information sessions in English and
in Spanish, some online and some in person at a field office, on business days in the weeks
after today, with a few people already registered."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from contactcenter.core.errors import ApplicationError
from contactcenter.portal.models import OutreachEvent
from contactcenter.portal.public_services import event_register
from contactcenter.setup.demo.draft import Draft
from contactcenter.setup.demo.people import _ascii
from contactcenter.setup.demo.plan import DemoPlan, OutreachEventPlan
from contactcenter.setup.demo.receipts import is_receipt_day

ONLINE = "Online"


@dataclass(frozen=True, slots=True)
class _Session:
    title_en: str
    title_es: str
    description_en: str
    description_es: str
    office: str  # empty: online
    days_ahead: int  # the first business day on or after today + this
    hour: int  # local start
    minutes: int
    capacity: int
    language: str  # the language it is given in


SESSIONS: tuple[_Session, ...] = (
    _Session(
        "Naturalization: the application and the interview",
        "Naturalización: la solicitud y la entrevista",
        "Who may apply for citizenship, what to send with the application, and what happens at "
        "the interview and the civics test. Questions at the end.",
        "Quién puede solicitar la ciudadanía, qué enviar con la solicitud y qué pasa en la "
        "entrevista y en el examen de educación cívica. Preguntas al final.",
        "",
        3,
        14,
        60,
        200,
        "en",
    ),
    _Session(
        "Family-based green cards (session in Spanish)",
        "La residencia permanente por familia (sesión en español)",
        "Petitions for relatives and adjustment of status, explained in Spanish: forms, "
        "evidence, fees and how to follow your case online.",
        "Peticiones para familiares y ajuste de estatus, explicados en español: formularios, "
        "pruebas, tarifas y cómo seguir su caso en línea.",
        "",
        6,
        18,
        75,
        150,
        "es",
    ),
    _Session(
        "Citizenship information day at the New York field office",
        "Día de información sobre la ciudadanía en la oficina de Nueva York",
        "Officers answer general questions about naturalization and show how the interview "
        "goes. Bring no documents: no case is reviewed at this event.",
        "Los oficiales responden preguntas generales sobre la naturalización y muestran cómo es "
        "la entrevista. No traiga documentos: en este evento no se revisan casos.",
        "NYC",
        9,
        10,
        120,
        60,
        "en",
    ),
    _Session(
        "Information morning in Spanish at the Miami field office",
        "Mañana informativa en español en la oficina de Miami",
        "Your online account, service requests and appointments, explained in Spanish by the "
        "Miami office. No case is reviewed at this event.",
        "Su cuenta en línea, las solicitudes de servicio y las citas, explicadas en español por "
        "la oficina de Miami. En este evento no se revisan casos.",
        "MIA",
        13,
        9,
        120,
        50,
        "es",
    ),
    _Session(
        "Your online account: status, secure messages and requests",
        "Su cuenta en línea: estado, mensajes seguros y solicitudes",
        "How to link a paper case with the Online Access Code, read and send secure messages, "
        "and ask for a service request or an appointment without calling.",
        "Cómo vincular un caso en papel con el Código de Acceso en Línea, leer y enviar "
        "mensajes seguros, y pedir una solicitud de servicio o una cita sin llamar.",
        "",
        17,
        12,
        45,
        300,
        "en",
    ),
    _Session(
        "Working while your case is pending: employment authorization",
        "Trabajar mientras su caso está pendiente: el permiso de trabajo",
        "Who may ask for a work permit, how long it takes, and what to do when a card is late. "
        "Given in English with Spanish interpretation.",
        "Quién puede pedir un permiso de trabajo, cuánto tarda y qué hacer si la tarjeta se "
        "retrasa. En inglés, con interpretación al español.",
        "HOU",
        24,
        15,
        90,
        80,
        "en",
    ),
)


def _business_day(day: dt.date) -> dt.date:
    while not is_receipt_day(day):  # a federal workday: no weekend, no holiday
        day += dt.timedelta(days=1)
    return day


def outreach_events_build(draft: Draft) -> None:
    """The sessions, dated from today, each with a few invented registrations."""
    rng = draft.rng("outreach")
    agency = ZoneInfo(settings.TIME_ZONE)
    for session in SESSIONS:
        day = _business_day(draft.today + dt.timedelta(days=session.days_ahead))
        office = draft.offices.get(session.office) if session.office else None
        zone = ZoneInfo(office.time_zone) if office else agency
        starts = dt.datetime.combine(day, dt.time(session.hour), tzinfo=zone)
        location = (
            f"{office.name_en}, {office.street}, {office.city}, {office.state} {office.zip_code}"
            if office
            else ONLINE
        )
        pool = "es" if session.language == "es" else rng.choice(["en", "other"])
        registrations = []
        for number in range(rng.randint(2, 6)):
            given = rng.choice(draft.names[f"given_{pool}"])
            family = rng.choice(draft.names[f"family_{pool}"])
            email = f"{_ascii(given)}.{_ascii(family)}{number + 1}@example.org"
            registrations.append((f"{given} {family}", email, session.language))
        draft.plan.outreach_events.append(
            OutreachEventPlan(
                title_en=session.title_en,
                title_es=session.title_es,
                description_en=session.description_en,
                description_es=session.description_es,
                location=location[:200],
                starts_at=starts,
                ends_at=starts + dt.timedelta(minutes=session.minutes),
                capacity=session.capacity,
                registrations=tuple(registrations),
            )
        )


def outreach_events_write(*, plan: DemoPlan) -> int:
    """Write the events (staff add them in the admin, which saves the model as it is: the
    portal has no service for it), then register the people through the public page's own
    service, which keeps the count of places taken. Returns the events written."""
    now = timezone.now()
    for event_plan in plan.outreach_events:
        event = OutreachEvent.objects.create(
            title_en=event_plan.title_en,
            title_es=event_plan.title_es,
            description_en=event_plan.description_en,
            description_es=event_plan.description_es,
            location=event_plan.location,
            starts_at=event_plan.starts_at,
            ends_at=event_plan.ends_at,
            capacity=event_plan.capacity,
        )
        if event.starts_at <= now:  # seeded for a day in the past: registration has closed
            continue
        for name, email, language in event_plan.registrations:
            try:
                event_register(event=event, name=name, email=email, language=language, now=now)
            except ApplicationError:  # the same invented address twice: one is enough
                continue
    return len(plan.outreach_events)
