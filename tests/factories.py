"""factory_boy factories for the records every test needs.

Reference rows (offices, forms, categories) are fetched or created by code, so two factories
asking for office "NSC" share one row. Personal data is invented by Faker and obviously fake
in tests' output only; never copy real people's details into fixtures.

    case = CaseFactory()                                  # a received case with its history
    case = CaseFactory(status=CaseStatus.APPROVED, office__code="NBC")
    agent = StaffUserFactory(role=Role.TIER1)
    clerk = StaffUserFactory(role=Role.OFFICE_STAFF, office=case.office)
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from factory.django import DjangoModelFactory

from contactcenter.cases.models import (
    Case,
    CaseStatusEvent,
    FormCategory,
    FormType,
    ProcessingTime,
)
from contactcenter.cases.statuses import CaseStatus
from contactcenter.offices.models import Office, OfficeKind
from contactcenter.people.models import Language, Person, Representative
from contactcenter.staff.models import Role, StaffProfile

# Fixed dates keep tests independent of the day they run (and never in the future).
DEFAULT_RECEIPT_DATE = dt.date(2024, 3, 4)


# Every member of staff made here signs in with this password.
PASSWORD = "correct horse battery staple"


class OfficeFactory(DjangoModelFactory):
    class Meta:
        model = Office
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"X{n:03d}")
    kind = OfficeKind.SERVICE_CENTER
    name_en = factory.LazyAttribute(lambda o: f"Office {o.code}")
    name_es = factory.LazyAttribute(lambda o: f"Oficina {o.code}")
    city = "Lincoln"
    state = "NE"
    zip_code = "68501"
    open_to_public = False

    class Params:
        field_office = factory.Trait(kind=OfficeKind.FIELD_OFFICE, open_to_public=True)


class FormTypeFactory(DjangoModelFactory):
    class Meta:
        model = FormType
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"I-{100 + n}")
    title_en = factory.LazyAttribute(lambda f: f"Application {f.code}")
    title_es = factory.LazyAttribute(lambda f: f"Solicitud {f.code}")


class FormCategoryFactory(DjangoModelFactory):
    class Meta:
        model = FormCategory
        django_get_or_create = ("form", "code")

    form = factory.SubFactory(FormTypeFactory)
    code = "all"
    title_en = "All applicants"
    title_es = "Todos los solicitantes"


class PersonFactory(DjangoModelFactory):
    class Meta:
        model = Person

    given_name = factory.Faker("first_name")
    family_name = factory.Faker("last_name")
    date_of_birth = factory.Faker(
        "date_between", start_date=dt.date(1950, 1, 1), end_date=dt.date(2005, 12, 31)
    )
    a_number = None
    street = factory.Faker("street_address")
    city = factory.Faker("city")
    state = "NE"
    zip_code = factory.Sequence(lambda n: f"{68000 + n % 1000:05d}")
    email = factory.Sequence(lambda n: f"person{n}@example.com")
    phone = factory.Sequence(lambda n: f"+1402555{n % 10000:04d}")
    preferred_language = Language.ENGLISH

    class Params:
        with_a_number = factory.Trait(a_number=factory.Sequence(lambda n: f"A{n + 1:09d}"))


class RepresentativeFactory(DjangoModelFactory):
    class Meta:
        model = Representative

    given_name = factory.Faker("first_name")
    family_name = factory.Faker("last_name")
    organization = "Example Legal Aid"
    bar_number = factory.Sequence(lambda n: f"BAR{n:06d}")
    email = factory.Sequence(lambda n: f"counsel{n}@example.org")


class CaseFactory(DjangoModelFactory):
    """A case with one history event matching its status (the invariant the models state).

    ``CaseFactory(history=False)`` leaves the history empty.
    """

    class Meta:
        model = Case
        django_get_or_create = ("receipt_number",)
        skip_postgeneration_save = True

    receipt_number = factory.Sequence(lambda n: f"EAC24{n:08d}")
    form = factory.SubFactory(FormTypeFactory, code="I-485")
    category = factory.SubFactory(FormCategoryFactory, form=factory.SelfAttribute("..form"))
    receipt_date = DEFAULT_RECEIPT_DATE
    office = factory.SubFactory(OfficeFactory, code="NBC")
    status = CaseStatus.RECEIVED
    status_date = factory.SelfAttribute("receipt_date")
    applicant = factory.SubFactory(PersonFactory)
    representative = None
    g28_accepted_on = None
    confidentiality = ""

    class Params:
        represented = factory.Trait(
            representative=factory.SubFactory(RepresentativeFactory),
            g28_accepted_on=factory.SelfAttribute("receipt_date"),
        )

    @factory.post_generation
    def history(obj: Case, create: bool, extracted: bool | None, **kwargs: object) -> None:
        if create and extracted is not False:
            CaseStatusEvent.objects.get_or_create(
                case=obj, status=obj.status, status_date=obj.status_date, office=obj.office
            )


class CaseStatusEventFactory(DjangoModelFactory):
    class Meta:
        model = CaseStatusEvent

    case = factory.SubFactory(CaseFactory, history=False)
    status = factory.SelfAttribute("case.status")
    status_date = factory.SelfAttribute("case.status_date")
    office = factory.SelfAttribute("case.office")


class ProcessingTimeFactory(DjangoModelFactory):
    class Meta:
        model = ProcessingTime
        django_get_or_create = ("form", "category", "office", "published_on")

    form = factory.SubFactory(FormTypeFactory, code="I-485")
    category = factory.SubFactory(FormCategoryFactory, form=factory.SelfAttribute("..form"))
    office = factory.SubFactory(OfficeFactory, code="NBC")
    months = Decimal("8.5")
    published_on = dt.date(2024, 1, 15)


class UserFactory(DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"staff{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@agency.example.gov")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    is_active = True
    password = factory.django.Password(PASSWORD)


class StaffProfileFactory(DjangoModelFactory):
    class Meta:
        model = StaffProfile
        django_get_or_create = ("user",)

    user = factory.SubFactory(UserFactory)
    office = None
    languages = "en"


class StaffUserFactory(UserFactory):
    """A member of staff in one role (a Django group of the same name) with a staff profile.

    ``StaffUserFactory(role=Role.SUPERVISOR, office=office, languages="en,es")``;
    ``role=""`` makes a user with no role (who must see nothing).
    """

    class Params:
        office = None
        languages = "en"

    staff_profile = factory.RelatedFactory(
        StaffProfileFactory,
        factory_related_name="user",
        office=factory.SelfAttribute("..office"),
        languages=factory.SelfAttribute("..languages"),
    )

    @factory.post_generation
    def role(obj, create: bool, extracted: str | None, **kwargs: object) -> None:
        role = Role.TIER1 if extracted is None else extracted
        if not create or not role:
            return
        group, _created = Group.objects.get_or_create(name=str(role))
        obj.groups.add(group)
        if role == Role.ADMIN:
            obj.is_staff = True
            obj.save(update_fields=["is_staff"])


def clear_disclosure_log_for_flush() -> None:
    """Empty the append-only disclosure log so a transactional test's flush can run, for the
    fixtures that start a live server.

    On SQLite the flush deletes row by row and the log's trigger refuses (PostgreSQL
    truncates, which row triggers do not see). The trigger is put back at once.
    """
    import importlib

    from django.db import connection

    if connection.vendor != "sqlite":
        return
    trigger = importlib.import_module("contactcenter.audit.migrations.0005_chain_and_outcome")
    with connection.cursor() as cursor:
        for statement in trigger.SQLITE_DOWN:
            cursor.execute(statement)
        cursor.execute("DELETE FROM audit_disclosurelog")
        cursor.execute("DELETE FROM audit_purgeddisclosure")
        cursor.execute("DELETE FROM audit_chainhead")
        for statement in trigger.SQLITE_UP:
            cursor.execute(statement)


def interval_facts_create(
    *, interval_start: dt.datetime, queue_id: int = 0, channel: str, language: str = "", **counts
) -> None:
    """Counts for one interval, written the way the fold writes them (into the interval and
    its agency day), for tests of what reads them."""
    from django.db import transaction

    from contactcenter.operations.services import interval_facts_add

    with transaction.atomic():
        interval_facts_add(facts={(interval_start, queue_id, channel, language): counts})
