"""The Privacy Act accounting of disclosures for one person, and the export of their records:
the page (supervisors and administrators, in English and Spanish), its downloads, the
commands, and the fact that each look and each export is itself a disclosure-log row."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from contactcenter.audit.models import DisclosureLog, DisclosureOutcome
from contactcenter.audit.services import disclosure_record
from contactcenter.cases.selectors import PersonNotFound, person_records_for_viewer
from contactcenter.records.documents import export_pdf
from contactcenter.records.selectors import (
    ACCOUNTING_PURPOSE,
    EXPORT_PURPOSE,
    disclosure_accounting_for_person,
    person_records_export,
)
from contactcenter.staff.models import Role
from tests.factories import CaseFactory, PersonFactory, StaffUserFactory
from tests.records.builders import chat_for, closed_inquiry, thread_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def person_with_history():
    """Two cases of one person: read by an agent, by a service, refused once; and a stranger's
    case read too, which must not appear."""
    person = PersonFactory(given_name="Inés", family_name="Muñoz", a_number="A087654321")
    first = CaseFactory(applicant=person, receipt_number="EAC2400000001")
    second = CaseFactory(applicant=person, receipt_number="EAC2400000002")
    agent = StaffUserFactory(role=Role.TIER2, username="officer7")
    disclosure_record(viewer=agent, case_id=first.pk, channel="desk",
                      purpose="inquiry 1234567897 (applicant)", fields="name,address")  # fmt: skip
    disclosure_record(system_actor="ivr", case_id=second.pk, channel="phone",
                      purpose="case status link", fields="email")  # fmt: skip
    disclosure_record(viewer=StaffUserFactory(role=Role.TIER1), case_id=first.pk,
                      channel="desk", purpose="identity check", fields="",
                      outcome=DisclosureOutcome.REFUSED)  # fmt: skip
    stranger = CaseFactory(receipt_number="EAC2400000099")
    disclosure_record(viewer=agent, case_id=stranger.pk, channel="desk", purpose="other",
                      fields="name")  # fmt: skip
    return person, first, second


def test_the_accounting_lists_every_disclosure_and_logs_the_look(person_with_history):
    person, first, second = person_with_history
    supervisor = StaffUserFactory(role=Role.SUPERVISOR)
    accounting = disclosure_accounting_for_person(
        viewer=supervisor, person_id=person.pk, channel="desk"
    )
    listed = [(row.receipt_number, row.recipient, row.purpose, row.fields)
              for row in accounting.rows]  # fmt: skip
    assert listed[:2] == [
        ("EAC2400000001", "officer7", "inquiry 1234567897 (applicant)", "name,address"),
        ("EAC2400000002", "ivr", "case status link", "email"),
    ]
    assert accounting.rows[1].recipient_kind == "service"
    # The refused attempt is not a disclosure; the stranger's case is not theirs.
    assert all(row.purpose not in ("identity check", "other") for row in accounting.rows)
    # The look itself: one row per case, naming the supervisor, and listed at the end.
    looks = DisclosureLog.objects.filter(viewer=supervisor)
    assert sorted(looks.values_list("case_id", "purpose")) == sorted(
        [(first.pk, ACCOUNTING_PURPOSE), (second.pk, ACCOUNTING_PURPOSE)]
    )
    assert [row.purpose for row in accounting.rows[2:]] == [ACCOUNTING_PURPOSE] * 2


@pytest.mark.parametrize("role", [Role.TIER1, Role.TIER2, Role.OFFICE_STAFF])
def test_only_supervisors_and_administrators_get_the_accounting(person_with_history, role):
    person, *_ = person_with_history
    before = DisclosureLog.objects.count()
    with pytest.raises(PersonNotFound):
        disclosure_accounting_for_person(
            viewer=StaffUserFactory(role=role), person_id=person.pk, channel="desk"
        )
    assert DisclosureLog.objects.count() == before


def test_a_records_read_names_someone():
    with pytest.raises(ValueError, match="viewer or a system actor"):
        person_records_for_viewer(viewer=None, person_id=1, channel="command", purpose="p",
                                  fields="f")  # fmt: skip


# --- The page --------------------------------------------------------------------------


@pytest.fixture
def supervisor_client(client):
    user = StaffUserFactory(role=Role.SUPERVISOR, username="sup1")
    client.force_login(user)
    return client, user


@pytest.mark.parametrize("role", [Role.TIER1, Role.TIER2, Role.OFFICE_STAFF])
def test_the_page_is_forbidden_to_other_roles(client, person_with_history, role):
    person, *_ = person_with_history
    client.force_login(StaffUserFactory(role=role))
    assert client.get("/desk/records/accounting/").status_code == 403
    assert client.get(f"/desk/records/accounting/{person.pk}/").status_code == 403
    url = f"/desk/records/accounting/{person.pk}/download.csv"
    assert client.get(url).status_code == 403
    assert client.post(f"/desk/records/export/{person.pk}.json").status_code == 403


def test_signed_out_is_sent_to_the_desk_sign_in(client, person_with_history):
    response = client.get("/desk/records/accounting/")
    assert response.status_code == 302 and response["Location"].startswith("/desk/login/")


def test_find_the_person_by_receipt_or_a_number_then_read_the_page(
    supervisor_client, person_with_history
):
    client, user = supervisor_client
    person, *_ = person_with_history
    for number in ("EAC2400000002", "A087654321", " eac2400000001 "):
        found = client.post("/desk/records/accounting/", {"number": number})
        assert found.status_code == 302
        assert found["Location"] == f"/desk/records/accounting/{person.pk}/"
    page = client.get(f"/desk/records/accounting/{person.pk}/")
    text = page.content.decode()
    assert page.status_code == 200 and page.templates[0].name == "records/accounting.html"
    assert "desk/base.html" in [template.name for template in page.templates]
    assert text.count('data-testid="disclosure"') == 4  # two disclosures, two looks (this one)
    assert "officer7" in text and "Service: ivr" in text
    assert DisclosureLog.objects.filter(viewer=user, purpose=ACCOUNTING_PURPOSE).count() == 2


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("EAC2499999999", "No person was found with that number."),
        ("A099999999", "No person was found with that number."),
        ("hello", "Enter a receipt number (three letters and ten digits) or an A-Number."),
        ("", "This field is required."),
    ],
)
def test_a_bad_or_unknown_number_is_a_clear_error(supervisor_client, number, message):
    client, _user = supervisor_client
    response = client.post("/desk/records/accounting/", {"number": number})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not DisclosureLog.objects.exists()


def test_the_page_in_spanish(supervisor_client, person_with_history):
    client, _user = supervisor_client
    person, *_ = person_with_history
    with translation.override("es"):
        page = client.get(f"/desk/records/accounting/{person.pk}/", HTTP_ACCEPT_LANGUAGE="es")
    text = page.content.decode()
    assert "Registro de divulgaciones" in text and "Descargar CSV" in text
    assert "Servicio: ivr" in text
    # The channel by its name in the page's language, not its code.
    assert "<td>Escritorio del agente</td>" in text and "<td>Teléfono</td>" in text
    assert "<td>desk</td>" not in text


def test_an_unknown_person_is_a_404(supervisor_client):
    client, _user = supervisor_client
    assert client.get("/desk/records/accounting/999999/").status_code == 404
    assert client.get("/desk/records/accounting/999999/download.json").status_code == 404
    assert client.post("/desk/records/export/999999.pdf").status_code == 404


def test_csv_and_json_downloads(supervisor_client, person_with_history):
    client, user = supervisor_client
    person, *_ = person_with_history
    response = client.get(f"/desk/records/accounting/{person.pk}/download.csv")
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert rows[0]["recipient"] == "officer7" and rows[0]["receipt_number"] == "EAC2400000001"
    data = json.loads(client.get(f"/desk/records/accounting/{person.pk}/download.json").content)
    assert data["person"] == "Inés Muñoz"
    assert data["receipt_numbers"] == ["EAC2400000001", "EAC2400000002"]
    assert data["disclosures"][1]["recipient"] == "ivr"
    # Each download was a look too.
    assert DisclosureLog.objects.filter(viewer=user).count() == 4
    assert client.get(f"/desk/records/accounting/{person.pk}/download.xml").status_code == 404


def test_a_formula_in_a_purpose_is_quoted_in_the_csv(supervisor_client):
    client, _user = supervisor_client
    case = CaseFactory()
    disclosure_record(system_actor="ivr", case_id=case.pk, channel="phone",
                      purpose="=HYPERLINK(\"http://x\")", fields="email")  # fmt: skip
    text = client.get(f"/desk/records/accounting/{case.applicant_id}/download.csv").content
    assert b"'=HYPERLINK" in text


# --- The export ----------------------------------------------------------------------------


def test_the_export_holds_everything_and_is_logged(person_with_history):
    person, first, second = person_with_history
    inquiry = closed_inquiry(channel="chat", closed_days_ago=3, person=person, case=first)
    chat_for(inquiry, text="¿Dónde está mi tarjeta?")
    thread_for(inquiry, case=second, days_ago=2, text="Secure hello")
    admin = StaffUserFactory(role=Role.ADMIN)
    data = person_records_export(viewer=admin, person_id=person.pk, channel="desk")
    assert data["person"]["a_number"] == "A087654321"
    assert [case["receipt_number"] for case in data["cases"]] == ["EAC2400000001",
                                                                   "EAC2400000002"]  # fmt: skip
    assert data["cases"][0]["status_history"]
    [exported] = data["inquiries"]
    assert exported["reference_number"] == inquiry.reference_number
    assert exported["events"] and exported["chat"][0]["text"] == "¿Dónde está mi tarjeta?"
    assert data["secure_messages"][0]["text"] == "Secure hello"
    assert {row["purpose"] for row in data["disclosure_accounting"]} >= {"case status link"}
    logged = DisclosureLog.objects.filter(viewer=admin)
    assert sorted(logged.values_list("case_id", "purpose")) == sorted(
        [(first.pk, EXPORT_PURPOSE), (second.pk, EXPORT_PURPOSE)]
    )
    json.dumps(data)  # plain data throughout


def test_the_export_as_pdf(person_with_history):
    person, *_ = person_with_history
    data = person_records_export(
        viewer=StaffUserFactory(role=Role.SUPERVISOR), person_id=person.pk, channel="desk"
    )
    from django.utils import timezone

    plain = export_pdf(data, generated_at=timezone.now(), compress=False,
                       font_path=__import__("pathlib").Path("/nonexistent.ttf"))  # fmt: skip
    assert plain.startswith(b"%PDF-")
    assert b"EAC2400000001" in plain and b"Accounting of disclosures" in plain
    assert b"Immigration Services" in plain and b"uscis.gov" in plain  # the agency profile
    assert b"Mu?oz" not in plain or b"Mu\xf1oz" in plain  # Latin-1 keeps the n with tilde
    unicode = export_pdf(data, generated_at=timezone.now())
    assert unicode.startswith(b"%PDF-") and len(unicode) > 1000


def test_the_export_buttons(supervisor_client, person_with_history):
    client, user = supervisor_client
    person, *_ = person_with_history
    pdf = client.post(f"/desk/records/export/{person.pk}.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")
    as_json = client.post(f"/desk/records/export/{person.pk}.json")
    assert json.loads(as_json.content)["person"]["family_name"] == "Muñoz"
    assert client.get(f"/desk/records/export/{person.pk}.json").status_code == 405
    assert DisclosureLog.objects.filter(viewer=user, purpose=EXPORT_PURPOSE).count() == 4


# --- The commands ------------------------------------------------------------------------


def test_disclosure_accounting_command(person_with_history, capsys):
    _person, first, _second = person_with_history
    call_command("disclosure_accounting", "EAC2400000001", "--format", "json")
    data = json.loads(capsys.readouterr().out)
    assert data["disclosures"][0]["recipient"] == "officer7"
    assert DisclosureLog.objects.filter(
        system_actor="disclosure-accounting", channel="command", case=first
    ).exists()
    call_command("disclosure_accounting", "A087654321")
    assert capsys.readouterr().out.startswith("disclosed_at,receipt_number,recipient")


def test_the_commands_name_the_staff_member_and_check_their_role(person_with_history, tmp_path):
    StaffUserFactory(role=Role.TIER1, username="agent1")
    supervisor = StaffUserFactory(role=Role.SUPERVISOR, username="boss")
    with pytest.raises(CommandError, match="No person was found"):
        call_command("disclosure_accounting", "EAC2400000001", "--staff", "agent1")
    with pytest.raises(CommandError, match="No active user"):
        call_command("records_export", "EAC2400000001", "--staff", "nobody", "--out",
                     str(tmp_path))  # fmt: skip
    call_command("records_export", "EAC2400000001", "--staff", "boss", "--out", str(tmp_path))
    written = sorted(path.suffix for path in tmp_path.iterdir())
    assert written == [".json", ".pdf"]
    assert all(oct(path.stat().st_mode)[-3:] == "600" for path in tmp_path.iterdir())
    assert DisclosureLog.objects.filter(viewer=supervisor, purpose=EXPORT_PURPOSE).count() == 2


def test_records_export_needs_an_existing_directory(person_with_history, tmp_path):
    with pytest.raises(CommandError, match="does not exist"):
        call_command("records_export", "EAC2400000001", "--out", str(tmp_path / "missing"))
