"""The whole plan from its parts, and the checks it must pass before it is written."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import yaml

from contactcenter.cases.reference_data import FormDefinition, form_definitions_read
from contactcenter.cases.statuses import CaseStatus
from contactcenter.offices.services import OfficeDefinition, office_definitions_read
from contactcenter.setup.demo.cases import cases_build, showcases_build
from contactcenter.setup.demo.closures import closures_build
from contactcenter.setup.demo.draft import Draft
from contactcenter.setup.demo.outreach import outreach_events_build
from contactcenter.setup.demo.people import representatives_build
from contactcenter.setup.demo.plan import DemoPlan
from contactcenter.setup.demo.processing_times import processing_times_build
from contactcenter.setup.demo.receipts import intake_office_for_prefix, receipt_date_of
from contactcenter.setup.demo.replies import CANNED_REPLIES
from contactcenter.setup.demo.staff import STAFF
from contactcenter.setup.demo.work import live_work_build

NAMES_FILE = Path(__file__).resolve().parent.parent / "data" / "demo_names.yaml"


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
    draft = Draft(
        cases=cases,
        seed=seed,
        today=today,
        offices=offices if offices is not None else office_definitions_read(),
        forms=forms if forms is not None else form_definitions_read(),
        names=_read_names(),
    )
    processing_times_build(draft)
    representatives_build(draft)
    showcases_build(draft)
    cases_build(draft)
    closures_build(draft)
    draft.plan.staff = list(STAFF)
    draft.plan.canned_replies = list(CANNED_REPLIES)
    outreach_events_build(draft)
    live_work_build(draft)
    return draft.plan


def demo_plan_problems(plan: DemoPlan) -> list[str]:
    """What is wrong with a plan (empty when it is consistent); run before every write."""
    problems: list[str] = []
    counts = Counter(c.receipt_number for c in plan.cases)
    problems += [f"{number} appears {n} times" for number, n in counts.items() if n > 1]
    a_numbers = Counter(p.a_number for p in plan.people if p.a_number)
    problems += [f"an A-Number appears {n} times" for n in a_numbers.values() if n > 1]
    for case in plan.cases:
        number = case.receipt_number
        if not case.events or case.events[0].status != CaseStatus.RECEIVED:
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
