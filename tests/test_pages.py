"""The self-service pages: both languages, no personal data, errors tied to their field."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from decimal import Decimal

import pytest
from django.utils import timezone, translation
from django.utils.formats import date_format

from contactcenter.cases.models import Case, CaseStatusEvent, FormCategory, FormType, ProcessingTime
from contactcenter.cases.statuses import STATUS_TEXT_ES, CaseStatus
from contactcenter.offices.models import Office, OfficeKind
from contactcenter.people.models import Person
from tests.page_scripts import scripts_besides_chat

PAGES = ["/", "/case-status/", "/processing-times/"]
RECEIPT = "EAC2290000001"


@pytest.fixture(autouse=True)
def _web_settings(settings):
    # Tests run without collectstatic and over plain HTTP; neither matters to what is tested.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.SECURE_SSL_REDIRECT = False
    # The rate-limit counter can live in a shared Redis in CI; only one test is about it.
    settings.CASE_STATUS_RATE_LIMIT = 100_000


@pytest.fixture
def case(db):
    office = Office.objects.create(
        code="VSC", kind=OfficeKind.SERVICE_CENTER, name_en="Vermont", name_es="Vermont (es)"
    )
    form = FormType.objects.create(
        code="I-765",
        title_en="Application for Employment Authorization",
        title_es="Solicitud de autorización de empleo",
    )
    category = FormCategory.objects.create(
        form=form, code="c9", title_en="Pending adjustment", title_es="Ajuste pendiente"
    )
    person = Person.objects.create(
        given_name="Zebulon",
        family_name="Quixotez",
        date_of_birth=dt.date(1971, 2, 13),
        a_number="A012345678",
        street="12 Hidden Lane",
        city="Burlington",
        state="VT",
        zip_code="05401",
        email="zebulon@example.org",
        phone="+18025550100",
    )
    today = timezone.localdate()
    received = today - dt.timedelta(days=400)
    updated = today - dt.timedelta(days=30)
    case = Case.objects.create(
        receipt_number=RECEIPT,
        form=form,
        category=category,
        receipt_date=received,
        office=office,
        status=CaseStatus.RFE_SENT,
        status_date=updated,
        applicant=person,
    )
    CaseStatusEvent.objects.create(
        case=case, status=CaseStatus.RECEIVED, status_date=received, office=office
    )
    CaseStatusEvent.objects.create(
        case=case, status=CaseStatus.RFE_SENT, status_date=updated, office=office
    )
    ProcessingTime.objects.create(
        form=form,
        category=category,
        office=office,
        months=Decimal("6.5"),
        published_on=today - dt.timedelta(days=10),
    )
    return case


def html_lang(response) -> str:
    match = re.search(r'<html lang="([a-z-]+)"', response.content.decode())
    assert match, "every page declares its language"
    return match.group(1)


@pytest.mark.django_db
@pytest.mark.parametrize("path", PAGES)
def test_pages_render_in_english_by_default(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert html_lang(response) == "en"
    body = response.content.decode()
    assert "Skip to main content" in body
    assert "not a government website" in body  # the banner says what this site is
    assert 'action="/i18n/setlang/"' in body and 'value="es"' in body


@pytest.mark.django_db
@pytest.mark.parametrize("path", PAGES)
def test_pages_render_in_spanish_from_the_cookie(client, path):
    client.cookies["django_language"] = "es"
    response = client.get(path)
    assert response.status_code == 200
    assert html_lang(response) == "es"
    body = response.content.decode()
    assert "Saltar al contenido principal" in body
    assert "Skip to main content" not in body
    assert 'value="en"' in body  # the switch now offers English


@pytest.mark.django_db
@pytest.mark.parametrize("path", PAGES)
def test_browser_language_decides_until_a_language_is_chosen(client, path):
    response = client.get(path, headers={"accept-language": "es-MX,es;q=0.9,en;q=0.5"})
    assert html_lang(response) == "es"
    client.cookies["django_language"] = "en"
    response = client.get(path, headers={"accept-language": "es-MX,es;q=0.9"})
    assert html_lang(response) == "en"


@pytest.mark.django_db
@pytest.mark.parametrize("path", PAGES)
def test_pages_need_no_javascript(client, path):
    """Only the chat widget uses JavaScript, and it arrives hidden until its script runs."""
    body = client.get(path).content.decode()
    assert scripts_besides_chat(body) == []
    assert "data-chat-widget hidden" in body


@pytest.mark.django_db
def test_language_switch_round_trips(client):
    response = client.post(
        "/i18n/setlang/", {"language": "es", "next": "/processing-times/?form=I-765"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/processing-times/?form=I-765"
    assert client.cookies["django_language"].value == "es"
    assert html_lang(client.get(response["Location"])) == "es"

    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"}, follow=True)
    assert html_lang(response) == "en"
    assert client.cookies["django_language"].value == "en"


@pytest.mark.django_db
def test_language_switch_refuses_an_unknown_language_and_an_outside_next(client):
    response = client.post("/i18n/setlang/", {"language": "xx", "next": "https://evil.example/"})
    assert response.status_code == 302
    assert "evil.example" not in response["Location"]
    assert "django_language" not in client.cookies


@pytest.mark.django_db
def test_status_page_shows_the_status_and_no_personal_data(client, case):
    response = client.get("/case-status/", {"receipt_number": "eac-2290000001"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Request for Evidence Was Sent" in body
    assert "Case Was Received" in body  # the history
    assert "Application for Employment Authorization" in body
    assert date_format(case.status_date, "DATE_FORMAT") in body  # the date, written out
    assert "When can I ask about my case?" in body
    assert "You can ask about it now" in body  # received 400 days ago, 6.5 months posted
    for personal in [
        "Zebulon",
        "Quixotez",
        "A012345678",
        "012345678",
        "1971",
        "Hidden Lane",
        "zebulon@example.org",
        "5550100",
    ]:
        assert personal not in body


@pytest.mark.django_db
def test_status_page_in_spanish(client, case):
    client.cookies["django_language"] = "es"
    response = client.get("/case-status/", {"receipt_number": RECEIPT})
    assert response.status_code == 200
    body = response.content.decode()
    assert STATUS_TEXT_ES[CaseStatus.RFE_SENT] in body
    assert "Solicitud de autorización de empleo" in body
    assert "¿Cuándo puedo preguntar por mi caso?" in body
    with translation.override("es"):
        assert date_format(case.status_date, "DATE_FORMAT") in body  # "23 de octubre de 2026"
    assert "Request for Evidence Was Sent" not in body
    assert "Zebulon" not in body


@pytest.mark.django_db
def test_status_within_processing_time_says_from_when(client, case):
    Case.objects.filter(pk=case.pk).update(
        receipt_date=timezone.localdate() - dt.timedelta(days=31)
    )
    body = client.get("/case-status/", {"receipt_number": RECEIPT}).content.decode()
    assert "within the posted processing time" in body


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("raw", "english", "spanish"),
    [
        ("EAC22123", "this one has 5", "este tiene 5"),
        ("XYZ2212345678", "XYZ is not a receipt number prefix", "XYZ no es un prefijo"),
        ("", "Enter a receipt number", "Escriba un número de recibo"),
        ("EAC22-12345;678", "only letters and digits", "solo letras y dígitos"),
    ],
)
def test_malformed_number_shows_the_specific_error_on_the_field(client, raw, english, spanish):
    response = client.get("/case-status/", {"receipt_number": raw})
    assert response.status_code == 400
    body = response.content.decode()
    assert english in body
    assert 'id="receipt-error"' in body
    assert 'aria-describedby="receipt-hint receipt-error"' in body
    assert 'aria-invalid="true"' in body
    assert "<title>Error:" in body

    client.cookies["django_language"] = "es"
    response = client.get("/case-status/", {"receipt_number": raw})
    assert response.status_code == 400
    body = response.content.decode()
    assert spanish in body
    assert english not in body


@pytest.mark.django_db
def test_unknown_number_is_404_in_the_chosen_language(client, case):
    response = client.get("/case-status/", {"receipt_number": "EAC2290009999"})
    assert response.status_code == 404
    assert "No case was found with receipt number EAC2290009999" in response.content.decode()
    assert 'aria-invalid="true"' not in response.content.decode()

    client.cookies["django_language"] = "es"
    response = client.get("/case-status/", {"receipt_number": "EAC2290009999"})
    assert response.status_code == 404
    assert "No se encontró ningún caso" in response.content.decode()


@pytest.mark.django_db
def test_too_many_lookups_are_refused_with_retry_after(client, case, settings):
    settings.CASE_STATUS_RATE_LIMIT = 1
    address = f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.7"
    first = client.get("/case-status/", {"receipt_number": RECEIPT}, REMOTE_ADDR=address)
    second = client.get("/case-status/", {"receipt_number": RECEIPT}, REMOTE_ADDR=address)
    assert first.status_code == 200
    assert second.status_code == 429
    assert int(second["Retry-After"]) >= 1
    assert "Request for Evidence Was Sent" not in second.content.decode()


@pytest.mark.django_db
def test_processing_times_filter_by_form_and_category(client, case):
    other = FormType.objects.create(code="N-400", title_en="Naturalization", title_es="Nat.")
    other_category = FormCategory.objects.create(
        form=other, code="all", title_en="All", title_es="Todas"
    )
    ProcessingTime.objects.create(
        form=other,
        category=other_category,
        office=case.office,
        months=Decimal("9"),
        published_on=timezone.localdate(),
    )
    body = client.get("/processing-times/").content.decode()
    # Unfiltered: one line per form with its range and a link to its offices and categories.
    table = body.split("<tbody>")[1]
    assert "N-400" in table and "Naturalization" in table and "Pending adjustment" not in table
    assert 'href="/processing-times/?form=N-400"' in table
    assert 'id="category"' not in body  # categories are offered once a form is chosen

    response = client.get("/processing-times/", {"form": "i-765"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Pending adjustment" in body
    assert "Naturalization" not in body.split("<tbody>")[1]
    assert 'id="category"' in body

    response = client.get("/processing-times/", {"form": "I-765", "category": "c9"})
    assert response.status_code == 200
    assert "6.5" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"form": "Z-999"}, "form", "Choose a form from the list."),
        ({"office": "NOPE"}, "office", "Choose an office from the list."),
        ({"form": "I-765", "category": "zz"}, "category", "Choose a category"),
    ],
)
def test_processing_times_reject_unknown_choices(client, case, params, field, message):
    response = client.get("/processing-times/", params)
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body
    assert f'aria-describedby="{field}-error"' in body
    assert "6.5" not in body  # no rows for a request that was not understood


@pytest.mark.django_db
def test_processing_times_in_spanish(client, case):
    client.cookies["django_language"] = "es"
    body = client.get("/processing-times/", {"form": "I-765"}).content.decode()
    assert "Tiempos de procesamiento" in body
    assert "Ajuste pendiente" in body
    assert "Vermont (es)" in body


@pytest.mark.django_db
def test_unknown_page_is_a_friendly_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


@pytest.mark.django_db
def test_footer_leads_to_every_public_page_and_the_staff_sign_in(client):
    body = client.get("/").content.decode()
    footer = body.split('<footer class="usa-footer')[1].split("</footer>")[0]
    for path in ("/contact/", "/events/", "/account-help/", "/feedback/", "/desk/login/"):
        assert f'href="{path}"' in footer, path
    assert "/admin/" not in footer  # staff sign in at the desk, not at the admin site
