"""Invented applicants (names, dates of birth, addresses, contacts, A-Numbers) and the
accredited representatives some of them have."""

from __future__ import annotations

import datetime as dt
import random
import unicodedata

from contactcenter.people.models import Language, Person, Representative
from contactcenter.setup.demo.batches import BATCH_SIZE
from contactcenter.setup.demo.draft import Draft
from contactcenter.setup.demo.plan import DemoPlan, PersonPlan, RepresentativePlan, fields_of
from contactcenter.setup.demo.profiles import (
    INTERNATIONAL_WEIGHTS,
    REPRESENTATIVE_COUNT,
    Profile,
)


def _ascii(text: str) -> str:
    return "".join(
        c for c in unicodedata.normalize("NFKD", text) if c.isascii() and c.isalnum()
    ).lower()


def _a_number(draft: Draft, rng: random.Random) -> str:
    while True:
        candidate = f"A{rng.randrange(200_000_000, 330_000_000):09d}"
        if candidate not in draft.a_numbers:
            draft.a_numbers.add(candidate)
            return candidate


def _address(draft: Draft, rng: random.Random, zip_code: str, office: str) -> tuple[str, str, str]:
    n = draft.names
    street = f"{rng.randint(1, 9899)} {rng.choice(n['streets'])} {rng.choice(n['street_kinds'])}"
    if rng.random() < 0.3:
        street += f", Apt {rng.randint(1, 24)}{rng.choice('ABCDEF')}"
    if office in INTERNATIONAL_WEIGHTS:
        hood = rng.choice(n["mexico_city_neighbourhoods"])
        street = f"Calle {rng.choice(n['streets'])} {rng.randint(1, 300)}, {hood}"
        return street, draft.offices[office].city, ""
    city, state = n["cities_by_zip3"].get(
        zip_code[:3], [draft.offices[office].city, draft.offices[office].state]
    )
    return street, city, state


def person_add(
    draft: Draft,
    rng: random.Random,
    profile: Profile,
    *,
    office: str,
    zip_code: str,
    language: str,
    names: tuple[str, str] | None = None,
    a_number: str | None = "",
) -> int:
    """Add one applicant to the plan; return their index in ``DemoPlan.people``."""
    n = draft.names
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
        a_number = _a_number(draft, rng) if rng.random() < profile.a_number else None
    age = rng.randint(profile.min_age, profile.max_age)
    born = draft.today - dt.timedelta(days=age * 365 + rng.randint(0, 364))
    street, city, state = _address(draft, rng, zip_code, office)
    email = ""
    if rng.random() < 0.85:
        domain = rng.choice(["example.com", "example.org", "example.net"])
        email = f"{_ascii(names[0])}.{_ascii(names[1])}{rng.randint(1, 999)}@{domain}"
    area = "".join(ch for ch in draft.offices[office].phone if ch.isdigit())[:3]
    phone = f"+1{area}55501{rng.randint(0, 99):02d}" if area and state else ""
    draft.plan.people.append(
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
    return len(draft.plan.people) - 1


def representatives_build(draft: Draft) -> None:
    rng = draft.rng("representatives")
    n = draft.names
    cities = sorted({o.city for o in draft.field_offices})
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
        draft.plan.representatives.append(
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


def people_write(*, plan: DemoPlan) -> tuple[list[Person], list[Representative]]:
    """The plan's people and representatives, in batches, in the plan's order (cases refer
    to them by position)."""
    representatives = Representative.objects.bulk_create(
        [Representative(**fields_of(r)) for r in plan.representatives], batch_size=BATCH_SIZE
    )
    people = Person.objects.bulk_create(
        [Person(**fields_of(p)) for p in plan.people], batch_size=BATCH_SIZE
    )
    return people, representatives
