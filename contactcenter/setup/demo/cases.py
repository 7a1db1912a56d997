"""Invented cases with their status histories: the fixed showcase cases first, then cases
drawn from the form profiles (bundles of forms filed together, transfers to the office that
serves the person's ZIP code, cases held abroad), every history cut at today."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Sequence

from contactcenter.cases.models import Case, CaseStatusEvent, FormCategory, FormType
from contactcenter.cases.statuses import CaseStatus
from contactcenter.offices.models import Office
from contactcenter.people.models import Language, Person, Representative
from contactcenter.setup.demo.batches import BATCH_SIZE, chunks
from contactcenter.setup.demo.draft import Draft
from contactcenter.setup.demo.people import person_add
from contactcenter.setup.demo.plan import CasePlan, DemoPlan, EventPlan
from contactcenter.setup.demo.profiles import (
    ASYLUM_OFFICE_FOR_FIELD_OFFICE,
    FIELD,
    INTERNATIONAL_WEIGHTS,
    PROFILE_BY_KEY,
    PROFILES,
    REPRESENTATIVE_COUNT,
    REPRESENTED_SHARE,
    RESIDENCE_WEIGHTS,
    SPANISH_SHARE,
    Profile,
)
from contactcenter.setup.demo.receipts import (
    IOE_HOLDING_OFFICE,
    OFFICE_PREFIXES,
    previous_receipt_day,
    receipt_date_of,
    receipt_number_compose,
)
from contactcenter.setup.demo.showcases import SHOWCASES


def _receipt_number(draft: Draft, rng: random.Random, prefix: str, day: dt.date, step: int) -> str:
    key = (prefix, day)
    # Generated sequences start at 10000, so the showcase numbers (below 100) stay free.
    sequence = draft.sequences.get(key, rng.randrange(10_000, 60_000)) + step
    draft.sequences[key] = sequence
    return receipt_number_compose(prefix=prefix, receipt_date=day, sequence=sequence)


def _until_today(draft: Draft, events: list[EventPlan]) -> tuple[EventPlan, ...]:
    return tuple(e for e in events if e.status_date <= draft.today)


def timeline(
    draft: Draft,
    rng: random.Random,
    profile: Profile,
    *,
    received: dt.date,
    intake: str,
    target: str | None,
) -> tuple[EventPlan, ...]:
    """The case's whole life, cut at today: what has happened so far."""
    posted = draft.posted[(profile.form, profile.category, target or intake)]
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

    add(CaseStatus.RECEIVED, 0)
    if rng.random() < 0.004:
        add(CaseStatus.REJECTED, rng.randint(3, 20))
        return _until_today(draft, events)
    if profile.biometrics:
        add(CaseStatus.FEE_RECEIVED, rng.randint(0, 3))
        add(CaseStatus.BIOMETRICS_SCHEDULED, max(at(0.04, 0.10), 10))
        add(CaseStatus.BIOMETRICS_TAKEN, last + dt.timedelta(days=rng.randint(10, 30)))
    if rng.random() < 0.01:
        add(CaseStatus.EXPEDITE_RECEIVED, at(0.15, 0.25))
        outcome = CaseStatus.EXPEDITE_APPROVED if rng.random() < 0.4 else CaseStatus.EXPEDITE_DENIED
        add(outcome, last + dt.timedelta(days=rng.randint(3, 15)))
    if rng.random() < 0.006:
        add(CaseStatus.NOTICE_RETURNED, at(0.2, 0.3))
    rfe = rng.random() < 0.15
    if rfe:
        add(CaseStatus.RFE_SENT, at(0.3, 0.45))
        if rng.random() < 0.08:  # never answered: denied once the deadline has passed
            add(CaseStatus.DENIED, last + dt.timedelta(days=rng.randint(95, 130)))
            return _until_today(draft, events)
        add(CaseStatus.RFE_RESPONSE_RECEIVED, last + dt.timedelta(days=rng.randint(20, 84)))
    if target is not None:
        office = target
        add(CaseStatus.TRANSFERRED, at(0.5, 0.62))
        if target not in INTERNATIONAL_WEIGHTS:
            add(CaseStatus.INTERVIEW_SCHEDULED, at(0.7, 0.85))
        else:
            add(CaseStatus.UNDER_REVIEW, at(0.75, 0.9))
    else:
        add(CaseStatus.UNDER_REVIEW, at(0.75, 0.92))
    approved = rng.random() > (0.25 if rfe else 0.05)
    add(
        CaseStatus.APPROVED if approved else CaseStatus.DENIED,
        max(total, (last - received).days + 1),
    )
    if approved and profile.card:
        add(CaseStatus.CARD_PRODUCED, last + dt.timedelta(days=rng.randint(1, 6)))
        add(CaseStatus.CARD_MAILED, last + dt.timedelta(days=rng.randint(3, 12)))
        if rng.random() < 0.96:
            add(CaseStatus.CARD_DELIVERED, last + dt.timedelta(days=rng.randint(2, 7)))
        else:
            add(CaseStatus.CARD_RETURNED, last + dt.timedelta(days=rng.randint(10, 25)))
    return _until_today(draft, events)


def showcases_build(draft: Draft) -> None:
    for showcase in SHOWCASES[: draft.target]:
        profile = PROFILE_BY_KEY[(showcase.form, showcase.category)]
        received = receipt_date_of(showcase.receipt_number)
        if received > draft.today:  # only when seeding "as of" an earlier date
            continue
        rng = draft.rng(f"showcase:{showcase.receipt_number}")
        residence = draft.zip_office.get(showcase.zip_code)
        final_office = showcase.events[-1][2]
        person = person_add(
            draft,
            rng,
            profile,
            office=residence or final_office,
            zip_code=showcase.zip_code,
            language=showcase.language,
            names=(showcase.given_name, showcase.family_name),
            a_number=showcase.a_number,
        )
        events = _until_today(
            draft,
            [
                EventPlan(status, received + dt.timedelta(days=days), office)
                for status, days, office in showcase.events
            ],
        )
        draft.plan.cases.append(
            CasePlan(
                receipt_number=showcase.receipt_number,
                form=showcase.form,
                category=showcase.category,
                receipt_date=received,
                person=person,
                representative=0 if showcase.represented else None,
                g28_accepted_on=received + dt.timedelta(days=3) if showcase.represented else None,
                confidentiality=showcase.confidentiality,
                events=events,
                showcase=showcase.story,
            )
        )


def cases_build(draft: Draft) -> None:
    rng = draft.rng("cases")
    weights = [p.weight for p in PROFILES]
    residences = list(RESIDENCE_WEIGHTS)
    english_weights = [RESIDENCE_WEIGHTS[c][0] for c in residences]
    spanish_weights = [RESIDENCE_WEIGHTS[c][1] for c in residences]
    zips_by_office = {o.code: o.zips for o in draft.field_offices}
    abroad = list(INTERNATIONAL_WEIGHTS)
    while len(draft.plan.cases) < draft.target:
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
        person = person_add(
            draft, rng, profile, office=residence, zip_code=zip_code, language=language
        )
        max_age = min(max(1100.0, profile.months * 30.44 * 1.2), 2600.0)
        received = previous_receipt_day(
            draft.today - dt.timedelta(days=int(max_age * rng.random() ** 1.6))
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
            if len(draft.plan.cases) >= draft.target:
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
            receipt_number = _receipt_number(
                draft, rng, prefix, received, 1 if position else rng.randint(1, 40)
            )
            events = timeline(draft, rng, filing, received=received, intake=intake, target=target)
            g28 = None
            if representative is not None:
                g28 = min(received + dt.timedelta(days=rng.randint(0, 20)), draft.today)
            draft.plan.cases.append(
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


def cases_write(
    *,
    plan: DemoPlan,
    people: Sequence[Person],
    representatives: Sequence[Representative],
    progress: Callable[[int], object] | None = None,
) -> int:
    """Cases and their status events, in batches; ``people`` and ``representatives`` are the
    rows written for the plan's, in the same order. Returns the number of events."""
    offices = dict(Office.objects.values_list("code", "id"))
    forms = dict(FormType.objects.values_list("code", "id"))
    categories = {
        (form_code, code): pk
        for form_code, code, pk in FormCategory.objects.values_list("form__code", "code", "id")
    }
    events = 0
    for batch in chunks(plan.cases, BATCH_SIZE):
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
    return events
