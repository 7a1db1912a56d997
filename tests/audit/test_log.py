"""The disclosure log itself: who is named, and that nothing can rewrite it, in the database too."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction

from contactcenter.audit.models import AppendOnlyError, DisclosureLog
from contactcenter.audit.services import disclosure_record
from tests.factories import CaseFactory, StaffUserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def case():
    return CaseFactory()


def test_a_member_of_staff_is_named(case):
    viewer = StaffUserFactory()
    entry = disclosure_record(
        viewer=viewer, case_id=case.pk, channel="desk", purpose="p", fields="name"
    )
    assert entry.viewer == viewer and entry.system_actor == ""
    assert str(entry).startswith(str(viewer.pk))


def test_a_service_is_named_when_no_person_saw_the_data(case):
    entry = disclosure_record(
        system_actor="ivr", case_id=case.pk, channel="phone", purpose="link", fields="email"
    )
    entry.refresh_from_db()
    assert entry.viewer is None and entry.system_actor == "ivr"
    assert str(entry).startswith("ivr saw case")


@pytest.mark.parametrize("actor", ["", "   "])
def test_nobody_named_is_refused_and_nothing_written(case, actor):
    with pytest.raises(ValueError, match="viewer or a system actor"):
        disclosure_record(
            system_actor=actor, case_id=case.pk, channel="desk", purpose="p", fields="f"
        )
    assert not DisclosureLog.objects.exists()


def test_the_database_refuses_a_row_naming_nobody(case):
    with pytest.raises(IntegrityError), transaction.atomic():
        DisclosureLog.objects.create(case=case, channel="desk", purpose="p", fields="f")
    assert not DisclosureLog.objects.exists()


def test_the_model_refuses_to_change_or_delete_a_row(case):
    entry = disclosure_record(system_actor="ivr", case_id=case.pk, channel="phone", purpose="p",
                              fields="email")  # fmt: skip
    entry.purpose = "rewritten"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()


@pytest.mark.parametrize(
    "statement",
    [
        f"UPDATE {DisclosureLog._meta.db_table} SET purpose = 'rewritten'",
        f"DELETE FROM {DisclosureLog._meta.db_table}",
    ],
)
def test_the_database_refuses_to_change_or_delete_a_row(case, statement):
    """The triggers survive the migrations that rebuilt the table on SQLite."""
    disclosure_record(
        system_actor="ivr", case_id=case.pk, channel="phone", purpose="p", fields="email"
    )
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement)
    assert DisclosureLog.objects.get().purpose == "p"
