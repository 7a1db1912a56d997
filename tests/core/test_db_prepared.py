"""PreparedGet gives back what the ORM would (related objects, annotations, typed values), and
on PostgreSQL it runs as a statement prepared once per connection."""

import pytest
from django.db import connection

from contactcenter.cases.access import PROTECTED_ANNOTATION, protected_annotation
from contactcenter.cases.models import Case
from contactcenter.core.db_prepared import PreparedGet, dollar_placeholders, run_prepared
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db

CASE_WITH_OFFICE = PreparedGet(
    lambda: Case.objects.select_related("office", "applicant").annotate(**protected_annotation())
)


def test_the_case_comes_back_as_the_orm_gives_it(django_assert_num_queries):
    protected = CaseFactory(confidentiality="")
    CaseFactory(applicant=protected.applicant, confidentiality="vawa")
    plain = CaseFactory(confidentiality="")
    for case, flag in ((protected, True), (plain, False)):
        expected = (
            Case.objects.select_related("office", "applicant")
            .annotate(**protected_annotation())
            .get(pk=case.pk)
        )
        with django_assert_num_queries(1):  # the office and the applicant come with it
            got = CASE_WITH_OFFICE.get(case.pk)
            assert (got.office.code, got.applicant.family_name) == (
                expected.office.code,
                expected.applicant.family_name,
            )
        assert getattr(got, PROTECTED_ANNOTATION) is flag
        for field in Case._meta.concrete_fields:
            assert getattr(got, field.attname) == getattr(expected, field.attname), field.name
        assert type(got.receipt_date) is type(expected.receipt_date)
        assert got.created_at.tzinfo is not None
        assert not got._state.adding and got._state.db == "default"


def test_a_missing_case_is_does_not_exist():
    with pytest.raises(Case.DoesNotExist):
        CASE_WITH_OFFICE.get(987_654_321)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="preparing is PostgreSQL's")
def test_it_is_prepared_once_and_reused():
    first, second = CaseFactory(), CaseFactory()
    for case in (first, second, first):
        assert CASE_WITH_OFFICE.get(case.pk).pk == case.pk
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT generic_plans + custom_plans FROM pg_prepared_statements "
            "WHERE statement LIKE '%%cases_case%%' AND statement LIKE '%%offices_office%%'"
        )
        rows = cursor.fetchall()
    assert len(rows) == 1 and rows[0][0] >= 3


@pytest.mark.skipif(connection.vendor != "postgresql", reason="preparing is PostgreSQL's")
def test_a_statement_of_many_parameters_is_converted_once():
    """psycopg keeps its placeholder conversion only for statements of up to 50 parameters;
    the fixed statements here are converted once, whatever their length."""
    sql = "SELECT " + " + ".join(["%s::int"] * 60)
    dollar_placeholders.cache_clear()
    assert run_prepared(sql, list(range(60))) == [(sum(range(60)),)]
    assert run_prepared(sql, [1] * 60) == [(60,)]
    info = dollar_placeholders.cache_info()
    assert (info.misses, info.hits) == (1, 1)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="preparing is PostgreSQL's")
def test_a_literal_percent_sign_stays_one():
    assert run_prepared("SELECT %s::text || '%%'", ["50"]) == [("50%",)]


def test_placeholders_become_numbered():
    assert dollar_placeholders("SELECT %s, %s WHERE a LIKE '%%x' AND b = %s") == (
        "SELECT $1, $2 WHERE a LIKE '%x' AND b = $3"
    )
    with pytest.raises(ValueError, match="only %s"):
        dollar_placeholders("SELECT %(name)s")
