"""Office closures: one today, past ones (a hurricane, a snowstorm) and one coming that moves
biometrics appointments, each with its notice in English and Spanish."""

from __future__ import annotations

import datetime as dt

from contactcenter.offices.models import Office
from contactcenter.offices.services import office_closure_create
from contactcenter.setup.demo.draft import Draft
from contactcenter.setup.demo.plan import ClosurePlan, DemoPlan


def closures_build(draft: Draft) -> None:
    rng = draft.rng("closures")
    today = draft.today
    closed_today = rng.choice([o.code for o in draft.field_offices])
    draft.plan.closures = [
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


def closures_write(*, plan: DemoPlan) -> int:
    """Through the offices' own service, so each closure is checked as a real one would be."""
    offices = {o.code: o for o in Office.objects.filter(code__in={c.office for c in plan.closures})}
    for closure in plan.closures:
        office_closure_create(
            office=offices[closure.office],
            starts_on=closure.starts_on,
            ends_on=closure.ends_on,
            reason_en=closure.reason_en,
            reason_es=closure.reason_es,
        )
    return len(plan.closures)
