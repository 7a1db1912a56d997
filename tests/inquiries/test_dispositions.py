"""Dispositions as data: the built-ins always there, the agency's own added by supervisors,
retired not deleted once used, offered to agents in the page's language."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, User
from django.db import DatabaseError, IntegrityError, connection, transaction

from contactcenter.core.domain_events import ContactEventKind
from contactcenter.core.errors import InvalidInput
from contactcenter.desk.forms import ResolveForm
from contactcenter.inquiries.models import Disposition, DispositionCode, Inquiry, InquiryState
from contactcenter.inquiries.services import (
    DispositionRefused,
    disposition_delete,
    disposition_save,
    dispositions_builtin_ensure,
    inquiry_open,
    inquiry_resolve,
)

pytestmark = pytest.mark.django_db


def test_every_built_in_code_is_a_row_marked_built_in():
    rows = {d.code: d for d in Disposition.objects.all()}
    assert set(DispositionCode.values) <= set(rows)
    for code in DispositionCode.values:
        assert rows[code].builtin and rows[code].active
    assert rows["resolved_first_contact"].label_es == "Resuelta en el primer contacto"
    assert rows["resolved_first_contact"].counts_as_resolved
    assert not rows["no_answer"].counts_as_resolved
    assert not rows["escalated"].counts_as_resolved


def test_the_database_refuses_a_retired_built_in():
    with pytest.raises(IntegrityError), transaction.atomic():
        Disposition.objects.filter(code="referred").update(active=False)
    assert Disposition.objects.get(code="referred").active


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_postgresql_refuses_deleting_a_built_in_or_changing_its_code():
    with pytest.raises(DatabaseError), transaction.atomic():
        Disposition.objects.filter(code="referred").delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        Disposition.objects.filter(code="referred").update(code="sent_elsewhere")
    assert Disposition.objects.filter(code="referred", builtin=True).exists()


@pytest.mark.skipif(connection.vendor == "postgresql", reason="PostgreSQL refuses the delete")
def test_a_missing_built_in_is_put_back_after_migrate():
    Disposition.objects.filter(code="referred").delete()  # as a flush would
    assert dispositions_builtin_ensure() == 1
    assert Disposition.objects.get(code="referred").builtin
    assert dispositions_builtin_ensure() == 0


def test_the_post_migrate_receiver_is_connected():
    from django.apps import apps
    from django.db.models.signals import post_migrate

    config = apps.get_app_config("inquiries")
    assert post_migrate.has_listeners(config)


# --- the services ---------------------------------------------------------------------------


def test_a_supervisor_adds_an_agency_code_and_agents_can_use_it():
    added = disposition_save(code="form_mailed", label_en="Form mailed",
                             label_es="Formulario enviado por correo", sort_order=15,
                             counts_as_resolved=True)  # fmt: skip
    assert not added.builtin
    inquiry = inquiry_open(channel="phone")
    inquiry_resolve(inquiry=inquiry, actor=None, disposition="form_mailed")
    inquiry.refresh_from_db()
    assert inquiry.state == InquiryState.CLOSED and inquiry.disposition == "form_mailed"
    assert inquiry.get_disposition_display() == "Form mailed"


def test_resolving_reports_whether_it_counts_as_resolved(contact_events):
    disposition_save(code="wrong_agency", label_en="Wrong agency", label_es="Otra agencia",
                     counts_as_resolved=False)  # fmt: skip
    with contact_events.committed():
        inquiry = inquiry_open(channel="phone")
        inquiry_resolve(inquiry=inquiry, actor=None, disposition="wrong_agency")
    event = contact_events.one(ContactEventKind.RESOLVED)
    assert event.detail["disposition"] == "wrong_agency"
    assert event.detail["counts_as_resolved"] is False


@pytest.mark.parametrize("code", ["retired_one", "no_such_code", ""])
def test_a_retired_or_unknown_code_cannot_close_an_inquiry(code):
    disposition_save(code="retired_one", label_en="Old", label_es="Antigua", active=False)
    inquiry = inquiry_open(channel="phone")
    with pytest.raises(InvalidInput, match="Choose a disposition"):
        inquiry_resolve(inquiry=inquiry, actor=None, disposition=code)
    inquiry.refresh_from_db()
    assert inquiry.state == InquiryState.NEW and inquiry.disposition == ""


def test_built_ins_cannot_be_retired_or_deleted_but_can_be_relabelled():
    with pytest.raises(DispositionRefused, match="cannot be retired"):
        disposition_save(code="no_answer", label_en="No answer", label_es="Sin respuesta",
                         active=False)  # fmt: skip
    with pytest.raises(DispositionRefused, match="cannot be deleted"):
        disposition_delete(code="no_answer")
    relabelled = disposition_save(code="no_answer", label_en="Could not reach",
                                  label_es="No se pudo contactar", sort_order=99,
                                  counts_as_resolved=False)  # fmt: skip
    assert relabelled.builtin and relabelled.active and relabelled.label_en == "Could not reach"


def test_a_code_in_use_is_retired_not_deleted_and_keeps_its_label():
    disposition_save(code="form_mailed", label_en="Form mailed", label_es="Formulario enviado")
    inquiry = inquiry_open(channel="phone")
    inquiry_resolve(inquiry=inquiry, actor=None, disposition="form_mailed")
    with pytest.raises(DispositionRefused, match="retire it instead"):
        disposition_delete(code="form_mailed")
    disposition_save(code="form_mailed", label_en="Form mailed", label_es="Formulario enviado",
                     active=False)  # fmt: skip
    assert Inquiry.objects.get(pk=inquiry.pk).get_disposition_display() == "Form mailed"
    disposition_save(code="unused_one", label_en="Unused", label_es="Sin uso")
    disposition_delete(code="unused_one")
    assert not Disposition.objects.filter(code="unused_one").exists()


@pytest.mark.parametrize(
    ("fields", "said"),
    [
        ({"code": "Bad Code"}, "lowercase letters"),
        ({"code": "x"}, "lowercase letters"),
        ({"label_en": " "}, "in English and in Spanish"),
        ({"label_es": ""}, "in English and in Spanish"),
        ({"label_en": "x" * 121}, "at most 120 characters"),
        ({"sort_order": -1}, "whole number"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(fields, said):
    before = Disposition.objects.count()
    data = {"code": "good_code", "label_en": "Good", "label_es": "Bueno", **fields}
    with pytest.raises(InvalidInput, match=said):
        disposition_save(**data)
    assert Disposition.objects.count() == before


# --- what agents see ------------------------------------------------------------------------


def test_the_resolve_form_lists_active_codes_in_order_in_the_page_language():
    from django.utils import translation

    disposition_save(code="form_mailed", label_en="Form mailed",
                     label_es="Formulario enviado", sort_order=15)  # fmt: skip
    disposition_save(code="retired_one", label_en="Old", label_es="Antigua", active=False)
    with translation.override("es"):
        choices = list(ResolveForm().fields["disposition"].choices)
    codes = [code for code, _label in choices]
    assert codes == ["", "resolved_first_contact", "form_mailed", "service_request_created",
                     "referred", "no_answer"]  # fmt: skip
    assert ("form_mailed", "Formulario enviado") in choices
    assert ("no_answer", "Sin respuesta") in choices
    with translation.override("en"):
        assert ("form_mailed", "Form mailed") in ResolveForm().fields["disposition"].choices
    assert not ResolveForm({"disposition": "retired_one"}).is_valid()
    assert ResolveForm({"disposition": "form_mailed"}).is_valid()


# --- the admin ------------------------------------------------------------------------------


@pytest.fixture
def supervisor(db):
    user = User.objects.create_user(username="sup", password="x", is_staff=True)
    user.groups.add(Group.objects.get(name="supervisor"))
    return user


def test_supervisors_add_codes_in_the_admin_and_cannot_remove_built_ins(client, supervisor):
    client.force_login(supervisor)
    assert client.get("/admin/inquiries/disposition/").status_code == 200
    response = client.post("/admin/inquiries/disposition/add/", {
        "code": "form_mailed", "label_en": "Form mailed", "label_es": "Formulario enviado",
        "sort_order": 15, "counts_as_resolved": "on", "active": "on",
    })  # fmt: skip
    assert response.status_code == 302, response.content[:2000]
    assert Disposition.objects.get(code="form_mailed").label_es == "Formulario enviado"
    builtin = Disposition.objects.get(code="referred")
    page = client.get(f"/admin/inquiries/disposition/{builtin.pk}/change/")
    assert page.status_code == 200
    assert b'name="active"' not in page.content  # read-only for a built-in
    assert client.post(f"/admin/inquiries/disposition/{builtin.pk}/delete/").status_code == 403
    assert Disposition.objects.filter(code="referred").exists()
    mine = Disposition.objects.get(code="form_mailed")
    assert client.post(f"/admin/inquiries/disposition/{mine.pk}/delete/",
                       {"post": "yes"}).status_code == 302  # fmt: skip
    assert not Disposition.objects.filter(code="form_mailed").exists()
