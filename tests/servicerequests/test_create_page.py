"""The agent's service-request page: the kind first, then only that kind's details with
readable labels in the page's language; a refusal keeps what was typed; the confirmation
speaks to the agent. And the office's page: details in words, transfer by an office picker."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from contactcenter.core.errors import InvalidInput
from contactcenter.inquiries.models import Channel, Inquiry, InquiryState
from contactcenter.offices.models import Office
from contactcenter.servicerequests.models import ServiceRequest, ServiceRequestType
from contactcenter.servicerequests.request_types import (
    CHOICE_DETAILS,
    DETAILS,
    TypeDataError,
    detail_texts,
    details_clean,
    service_request_types_load,
)

from .test_views import _in_the_work_of

pytestmark = pytest.mark.django_db

# Internal keys of details that must never show on a page as words.
KEYS = ("mailed_on", "appointment_kind", "appointment_on", "zip_code", "moved_on", "criterion")


def _page(client, url: str, language: str = "en", **kwargs):
    client.cookies["django_language"] = language
    return client.get(url, HTTP_ACCEPT_LANGUAGE=language, **kwargs)


def _post(client, url: str, data: dict, language: str = "en"):
    client.cookies["django_language"] = language
    return client.post(url, data, HTTP_ACCEPT_LANGUAGE=language)


@pytest.fixture
def working(client, tier1, make_case, make_inquiry):
    """A verified phone inquiry in Tier 1's work, and the agent signed in."""

    def make(*, channel: str = Channel.PHONE, language: str = "en", case=None):
        inquiry = make_inquiry(case or make_case(), channel=channel, language=language)
        _in_the_work_of(tier1, inquiry)
        client.force_login(tier1)
        return inquiry, reverse("servicerequests:create", args=[inquiry.reference_number])

    return make


def _field_names(html: str) -> set[str]:
    start = html.index('<form method="post"')
    names = set(re.findall(r'name="([a-z_]+)"', html[start : html.index("</form>", start)]))
    return names - {"csrfmiddlewaretoken", "type_code", "kind"}


def test_the_first_step_is_the_kind_with_titles_and_descriptions(client, working):
    _inquiry, url = working()
    page = _page(client, url).content.decode()
    assert page.count('name="kind"') == ServiceRequestType.objects.filter(active=True).count()
    assert "usa-radio__input--tile" in page
    assert "Notice, card or document not received" in page
    assert "was mailed but never arrived" in page  # the one-line description
    # No detail is asked for before the kind is chosen.
    assert 'name="document"' not in page and 'name="street"' not in page
    spanish = _page(client, url, "es").content.decode()
    assert "Notificación, tarjeta o documento no recibido" in spanish
    assert "nunca llegó" in spanish


def test_a_kind_shows_only_its_own_fields(client, working):
    _inquiry, url = working()
    page = _page(client, f"{url}?kind=not-received").content.decode()
    assert _field_names(page) == {
        "document", "mailed_on_month", "mailed_on_day", "mailed_on_year", "description",
        "reply_channel",
    }  # fmt: skip
    assert "Which document" in page and "Date it was mailed" in page
    assert "usa-memorable-date" in page and "usa-select" in page
    address = _page(client, f"{url}?kind=change-of-address").content.decode()
    assert {"street", "city", "state", "zip_code", "moved_on_year"} <= _field_names(address)
    assert "document" not in _field_names(address)
    expedite = _page(client, f"{url}?kind=expedite").content.decode()
    assert {"criterion", "explanation", "evidence"} <= _field_names(expedite)
    assert "Clear agency error" in expedite


def test_labels_hints_and_choices_in_spanish(client, working):
    _inquiry, url = working()
    page = _page(client, f"{url}?kind=not-received", "es").content.decode()
    assert "Qué documento" in page and "Fecha en que se envió" in page
    assert "Como aparece en el estado del caso" in page  # the hint
    assert "Notificación" in page and "Permiso de trabajo" in page
    assert ">Mes<" in page and ">Año<" in page
    for key in KEYS:
        assert f">{key}<" not in page


def test_an_unknown_kind_is_said_plainly(client, working):
    _inquiry, url = working()
    page = _page(client, f"{url}?kind=moon-landing").content.decode()
    assert "That is not a kind of service request you can create here." in page
    posted = _post(client, url, {"type_code": "moon-landing", "document": "card"})
    assert posted.status_code == 400 and not ServiceRequest.objects.exists()


def test_bad_input_keeps_what_was_typed_and_creates_nothing(client, working):
    _inquiry, url = working()
    posted = _post(client, f"{url}?kind=not-received", {
        "type_code": "not-received", "document": "card", "description": "Card never came.",
        "mailed_on_month": "2", "mailed_on_day": "30", "mailed_on_year": "2026",
    })  # fmt: skip
    assert posted.status_code == 400
    page = posted.content.decode()
    assert "That is not a real date" in page
    assert "usa-form-group--error" in page and 'aria-invalid="true"' in page
    assert "Card never came." in page
    assert 'value="30"' in page and 'value="2026"' in page
    assert re.search(r'<option value="card" selected>', page)
    assert not ServiceRequest.objects.exists()
    # A refusal from the service's own checks lands under its field, still keeping the rest.
    explanation = _post(client, f"{url}?kind=expedite", {
        "type_code": "expedite", "criterion": "agency_error", "explanation": "Too short.",
    })  # fmt: skip
    assert explanation.status_code == 400
    text = explanation.content.decode()
    assert "Too short." in text and re.search(r'<option value="agency_error" selected>', text)
    assert not ServiceRequest.objects.exists()


def test_a_missing_or_wrong_detail_is_named_by_its_label_not_its_key(client, working, types):
    _inquiry, url = working()
    page = _post(client, f"{url}?kind=typographic-error", {
        "type_code": "typographic-error", "description": "Wrong name.",
    }, "es")  # fmt: skip
    assert page.status_code == 400
    text = page.content.decode()
    assert "Este campo es obligatorio" in text and "Wrong name." in text
    assert not ServiceRequest.objects.exists()
    # The service's own refusals use the label too, in the language of the moment.
    request_type = ServiceRequestType.objects.get(code="typographic-error")
    with translation.override("es"), pytest.raises(InvalidInput) as missing:
        details_clean(request_type=request_type, details={"description": "x"})
    assert missing.value.message == "Esta solicitud necesita: Qué documento."
    assert missing.value.extra["field"] == "document"
    with translation.override("en"), pytest.raises(InvalidInput) as wrong:
        details_clean(request_type=request_type, details={"document": "moon", "description": "x"})
    assert wrong.value.message.startswith("Which document: ")


def test_created_from_a_phone_inquiry_with_a_confirmation_to_the_agent(client, working):
    inquiry, url = working(channel=Channel.PHONE, language="es")
    answer = _post(client, f"{url}?kind=not-received", {
        "type_code": "not-received", "document": "card", "description": "No llegó.",
        "mailed_on_month": "1", "mailed_on_day": "5",
        "mailed_on_year": str(timezone.localdate().year - 1),
    })  # fmt: skip
    assert answer.status_code == 201
    created = ServiceRequest.objects.get()
    assert created.inquiry == inquiry and created.details["mailed_on"].endswith("-01-05")
    assert created.details["document"] == "card"
    page = answer.content.decode()
    # The agent reads English (the page language); the line to read out is the person's.
    assert f"You created service request {created.number} for inquiry" in page
    assert inquiry.reference_number in page
    assert "Tell the person (in Español):" in page
    assert f"Su número de solicitud de servicio es {created.number}" in page
    assert "Your service request number is" not in page


@pytest.mark.parametrize("channel", [Channel.CHAT, Channel.TTY, Channel.SECURE_MESSAGE])
def test_created_from_other_channels_too(client, working, channel):
    _inquiry, url = working(channel=channel)
    answer = _post(client, f"{url}?kind=typographic-error", {
        "type_code": "typographic-error", "document": "notice", "description": "Typo.",
    })  # fmt: skip
    assert answer.status_code == 201
    assert ServiceRequest.objects.get().inquiry.channel == channel


def test_a_date_may_also_come_as_one_iso_text(client, working):
    _inquiry, url = working()
    day = (timezone.localdate() + dt.timedelta(days=9)).isoformat()
    answer = _post(client, url, {
        "type_code": "interview-reschedule", "appointment_kind": "oath",
        "appointment_on": day, "description": "Surgery that week.",
    })  # fmt: skip
    assert answer.status_code == 201
    assert ServiceRequest.objects.get().details["appointment_on"] == day


def _office_request(create, **kwargs) -> ServiceRequest:
    return create(
        type_code="not-received",
        details={
            "document": "work_permit",
            "mailed_on": "2026-03-04",
            "description": "It never came.",
        },
        **kwargs,
    ).request


@pytest.mark.parametrize("language", ["en", "es"])
def test_office_page_shows_details_in_words_not_keys(client, clerk, create, language):
    request = _office_request(create)
    client.force_login(clerk)
    page = _page(client, reverse("servicerequests:detail", args=[request.number]), language)
    text = page.content.decode()
    for key in ("document", "work_permit", *KEYS):
        assert f">{key}<" not in text, key
        assert f'<th scope="row">{key}' not in text
    if language == "es":
        assert "Qué documento" in text and "Permiso de trabajo" in text
        assert "Fecha en que se envió" in text
        assert "Idioma de la persona" in text
    else:
        assert "Which document" in text and "Work permit" in text
        assert "Date it was mailed" in text and "March 4, 2026" in text
        assert f"({request.office.name_en})" in text  # the history names the office
    assert "(NBC)" not in text
    assert re.search(r"<dd>\s*English\s*</dd>", text)
    assert "It never came." in text


def test_office_page_person_language_in_words(client, clerk, create):
    request = create().request
    ServiceRequest.objects.filter(pk=request.pk).update(language="es")
    client.force_login(clerk)
    text = _page(client, reverse("servicerequests:detail", args=[request.number])).content
    assert re.search(r"<dd>\s*Español\s*</dd>", text.decode())


def test_office_picker_lists_offices_by_name_and_transfers(client, clerk, create):
    request = _office_request(create)
    client.force_login(clerk)
    url = reverse("servicerequests:detail", args=[request.number])
    page = _page(client, url).content.decode()
    picker = page[
        page.index('name="office"') : page.index("</select>", page.index('name="office"'))
    ]
    nsc = Office.objects.get(code="NSC")
    assert f'<option value="NSC">{nsc.name_en}</option>' in picker
    assert 'value="NBC"' not in picker  # not the office that has it
    assert not any(f'value="{o.code}"' in picker for o in Office.objects.filter(
        kind__in=["support_center", "international"]))  # fmt: skip
    assert "<optgroup" in picker
    # Spanish names in Spanish.
    spanish = _page(client, url, "es").content.decode()
    assert nsc.name_es in spanish
    action = reverse("servicerequests:action", args=[request.number, "transfer"])
    answer = client.post(action, {"office": "NSC", "reason": "Their case."}, follow=True)
    assert nsc.name_en in answer.content.decode() or nsc.name_es in answer.content.decode()
    request.refresh_from_db()
    assert request.office.code == "NSC"


@pytest.mark.parametrize(
    ("chosen", "message"),
    [
        ("", "Choose the office to send the request to."),
        ("NBC", "The request is already at that office"),
        ("ZZZ", "That office does not take service requests"),
    ],
)
def test_transfer_refuses_a_missing_unknown_or_same_office(client, clerk, create, chosen, message):
    request = _office_request(create)
    client.force_login(clerk)
    action = reverse("servicerequests:action", args=[request.number, "transfer"])
    answer = client.post(action, {"office": chosen, "reason": "x"}, follow=True)
    assert message in answer.content.decode()
    request.refresh_from_db()
    assert request.office.code == "NBC"


def test_transfer_refuses_an_office_that_does_not_work_requests(client, clerk, create):
    request = _office_request(create)
    abroad = Office.objects.filter(kind__in=["support_center", "international"]).first()
    assert abroad is not None
    client.force_login(clerk)
    action = reverse("servicerequests:action", args=[request.number, "transfer"])
    answer = client.post(action, {"office": abroad.code, "reason": "x"}, follow=True)
    assert "That office does not take service requests" in answer.content.decode()
    request.refresh_from_db()
    assert request.office.code == "NBC"


# --- The texts in the types file ---------------------------------------------------------------


def test_every_detail_has_both_labels_and_choices_for_exactly_its_values():
    texts = detail_texts()
    assert set(texts) == set(DETAILS)
    for name, text in texts.items():
        assert text.label_en and text.label_es, name
        assert bool(text.hint_en) == bool(text.hint_es), name
        if name in CHOICE_DETAILS:
            assert set(text.choices) == set(CHOICE_DETAILS[name])


def test_every_shipped_type_has_a_description_in_both_languages(types):
    for request_type in ServiceRequestType.objects.all():
        assert request_type.description_en and request_type.description_es


@pytest.mark.parametrize(
    ("details", "fragment"),
    [
        ("details: [1]", "details must be a mapping"),
        ("details:\n  shoe_size: {label_en: A, label_es: B}", "unknown details shoe_size"),
        ("details:\n  description: {label_en: A, label_es: B}", "texts missing for"),
    ],
)
def test_bad_details_in_the_file_load_nothing(tmp_path, details, fragment):
    body = (
        "types:\n  - {code: a-b, title_en: A, title_es: B, submitters: [tier1],"
        f" channels: [phone]}}\n{details}\n"
    )
    path = tmp_path / "types.yaml"
    path.write_text(body)
    with pytest.raises(TypeDataError) as error:
        service_request_types_load(path=path)
    assert fragment in error.value.message
    assert not ServiceRequestType.objects.exists()


def test_a_choice_with_a_missing_value_or_a_hint_in_one_language_is_refused(tmp_path):
    from contactcenter.servicerequests.request_types import TYPES_FILE

    shipped = TYPES_FILE.read_text()
    for broken, fragment in [
        (shipped.replace("      oath: {", "      moon: {"), "choices must give words"),
        (shipped.replace("    hint_es: 5 dígitos, o ZIP+4.\n", ""), "give hint_en and hint_es"),
    ]:
        assert broken != shipped
        path = tmp_path / "types.yaml"
        path.write_text(broken)
        with pytest.raises(TypeDataError) as error:
            service_request_types_load(path=path)
        assert fragment in error.value.message
    assert not ServiceRequestType.objects.exists()


def test_an_unverified_or_closed_inquiry_is_told_before_anything_is_typed(
    client, tier1, make_case, make_inquiry
):
    from contactcenter.inquiries.services import inquiry_open

    unverified = inquiry_open(channel=Channel.PHONE, language="en", contact_phone="+14025550101")
    _in_the_work_of(tier1, unverified)
    client.force_login(tier1)
    url = reverse("servicerequests:create", args=[unverified.reference_number])
    page = _page(client, url).content.decode()
    assert "Verify the person&#x27;s identity before creating a request." in page
    assert 'name="kind"' not in page
    posted = _post(client, url, {"type_code": "typographic-error", "document": "card",
                                 "description": "x"})  # fmt: skip
    assert posted.status_code == 400 and not ServiceRequest.objects.exists()
    verified = make_inquiry(make_case())
    _in_the_work_of(tier1, verified)
    Inquiry.objects.filter(pk=verified.pk).update(
        state=InquiryState.CLOSED, disposition="resolved_first_contact"
    )
    verified_url = reverse("servicerequests:create", args=[verified.reference_number])
    closed = _page(client, verified_url).content.decode()
    assert "This inquiry is closed." in closed and 'name="kind"' not in closed
