"""Canned replies: the placeholder rules, the supervisors' pages and admin, and a reply filled
for an inquiry (in its language; ``{name}`` only after verification, and audited)."""

from __future__ import annotations

import json
import time

import pytest

from contactcenter.audit.models import DisclosureLog
from contactcenter.core.errors import NotFound
from contactcenter.desk.models import CannedReply
from contactcenter.desk.replies import (
    CannedReplyInvalid,
    CannedReplyText,
    canned_reply_create,
    canned_reply_set_active,
    canned_reply_update,
    fill,
    placeholder_problems,
)
from contactcenter.inquiries.services import inquiry_verified_by_account
from contactcenter.staff.models import Role
from tests.desk.conftest import GOOD_ANSWERS
from tests.portal.conftest import two_step_on

pytestmark = pytest.mark.django_db


def _text(**changes) -> CannedReplyText:
    values = {
        "title_en": "Greeting",
        "title_es": "Saludo",
        "body_en": "Hello, I am {agent}. Your reference is {reference}.",
        "body_es": "Hola, soy {agent}. Su referencia es {reference}.",
        "sort_order": 10,
    }
    return CannedReplyText(**{**values, **changes})


def _reply(**changes) -> CannedReply:
    return canned_reply_create(actor=None, text=_text(**changes))


# --- The placeholder rules ------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        "Thank you, {name}. Queue: {queue}. Ref {reference}, agent {agent}.",
        "No placeholders at all.",
        "{reference}{reference}",
    ],
)
def test_known_placeholders_pass(body):
    assert placeholder_problems(body) == []


@pytest.mark.parametrize(
    ("body", "said"),
    [
        ("Hello {person}", "{person} is not a placeholder. Use {reference}, {agent}, {name} or"),
        ("Hello {Name}", "{Name} is not a placeholder."),
        ("Hi {name.upper}", "{name.upper} is not a placeholder."),
        ("Hi {0}", "{0} is not a placeholder."),
        (
            "Hi {name:>10}",
            "Placeholders take no format or conversion: write {name}, not {name:>10}",
        ),
        ("Hi {name!r}", "write {name}, not {name!r}"),
        ("Hi {}", "Empty braces {} name no placeholder."),
        ("Hi {name", "A brace that is not part of a placeholder was found."),
        ("Hi name}", "A brace that is not part of a placeholder was found."),
        ("Hi {{name}}", "A brace that is not part of a placeholder was found."),
    ],
)
def test_unknown_placeholders_formats_and_stray_braces_are_refused(body, said):
    problems = placeholder_problems(body)
    assert problems and any(said in problem for problem in problems), problems


def test_fill_replaces_only_the_placeholders_it_knows():
    assert fill("{agent} / {reference}", {"agent": "Alice", "reference": "1234567897"}) == (
        "Alice / 1234567897"
    )
    # A value that looks like a placeholder is not filled again.
    assert fill("{name} {agent}", {"name": "{agent}", "agent": "Alice"}) == "{agent} Alice"


@pytest.mark.parametrize(
    ("changes", "field", "said"),
    [
        ({"body_es": "Hola {nombre}"}, "body_es", "{nombre} is not a placeholder"),
        ({"body_en": "Hi {name:s}"}, "body_en", "Placeholders take no format"),
        ({"body_en": "Price {"}, "body_en", "A brace that is not part of a placeholder"),
        ({"title_en": "   "}, "title_en", "This field is required."),
        ({"title_es": "Dos\nlíneas"}, "title_es", "Keep it to one line."),
        ({"body_en": "x" * 1501}, "body_en", "Keep it to 1500 characters (it has 1501)."),
        ({"body_en": "Bell \x07"}, "body_en", "Remove the control character"),
        ({"sort_order": -1}, "sort_order", "Enter a whole number from 0 to 32767."),
    ],
)
def test_a_refused_save_says_why_and_changes_nothing(staff, changes, field, said):
    supervisor = staff(Role.SUPERVISOR)
    reply = _reply()
    with pytest.raises(CannedReplyInvalid) as refused:
        canned_reply_create(actor=supervisor, text=_text(**changes))
    assert any(said in problem for problem in refused.value.extra["fields"][field])
    assert said in refused.value.message
    with pytest.raises(CannedReplyInvalid):
        canned_reply_update(actor=supervisor, reply_id=reply.pk, text=_text(**changes))
    assert CannedReply.objects.count() == 1
    reply.refresh_from_db()
    assert reply.body_en == _text().body_en and reply.updated_by is None


def test_update_and_retire_record_who_and_when(staff):
    supervisor = staff(Role.SUPERVISOR)
    reply = _reply()
    before = reply.updated_at
    saved = canned_reply_update(
        actor=supervisor, reply_id=reply.pk, text=_text(title_en="  Hello  ", sort_order=5)
    )
    assert saved.title_en == "Hello" and saved.sort_order == 5
    assert saved.updated_by == supervisor and saved.updated_at >= before
    retired = canned_reply_set_active(actor=supervisor, reply_id=reply.pk, active=False)
    assert not retired.active
    with pytest.raises(NotFound):
        canned_reply_set_active(actor=supervisor, reply_id=reply.pk + 100, active=False)


# --- The supervisors' pages -----------------------------------------------------------------


FORM = {
    "title_en": "Ask for the receipt number",
    "title_es": "Pedir el número de recibo",
    "body_en": "Please type your receipt number, {name}.",
    "body_es": "Por favor, escriba su número de recibo, {name}.",
    "sort_order": "20",
}


@pytest.mark.parametrize("role", [Role.TIER1, Role.TIER2, Role.OFFICE_STAFF])
def test_only_supervisors_reach_the_pages(signed_in, role):
    client, _user = signed_in(role)
    reply = _reply()
    assert client.get("/desk/replies/").status_code == 403
    assert client.get("/desk/replies/new/").status_code == 403
    assert client.post("/desk/replies/new/", FORM).status_code == 403
    assert client.get(f"/desk/replies/{reply.pk}/edit/").status_code == 403
    assert client.post(f"/desk/replies/{reply.pk}/retire/").status_code == 403
    assert CannedReply.objects.count() == 1 and CannedReply.objects.get().active


def test_signed_out_goes_to_sign_in(client):
    response = client.get("/desk/replies/")
    assert response.status_code == 302 and response["Location"].startswith("/desk/login/")


def test_the_menu_offers_the_page_to_supervisors_only(signed_in, client, staff):
    client, _user = signed_in(Role.TIER1)
    assert b'href="/desk/replies/"' not in client.get("/desk/").content
    client.force_login(staff(Role.SUPERVISOR))
    page = client.get("/desk/supervisor/")
    assert b'href="/desk/replies/"' in page.content


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.ADMIN])
def test_a_supervisor_adds_edits_retires_and_restores(signed_in, role):
    client, user = signed_in(role)
    added = client.post("/desk/replies/new/", FORM, follow=True)
    assert "Canned reply “Ask for the receipt number” added." in added.content.decode()
    reply = CannedReply.objects.get()
    assert reply.updated_by == user and reply.active and reply.sort_order == 20

    listing = client.get("/desk/replies/").content.decode()
    assert "Ask for the receipt number" in listing and "Pedir el número de recibo" in listing

    edit = client.get(f"/desk/replies/{reply.pk}/edit/")
    assert edit.status_code == 200 and "Please type your receipt number" in edit.content.decode()
    client.post(f"/desk/replies/{reply.pk}/edit/", {**FORM, "title_en": "Receipt number"})
    reply.refresh_from_db()
    assert reply.title_en == "Receipt number"

    retired = client.post(f"/desk/replies/{reply.pk}/retire/", follow=True)
    assert "retired: agents no longer see it" in retired.content.decode()
    reply.refresh_from_db()
    assert not reply.active
    client.post(f"/desk/replies/{reply.pk}/restore/")
    reply.refresh_from_db()
    assert reply.active


def test_the_form_shows_each_rule_broken_and_saves_nothing(signed_in):
    client, _user = signed_in(Role.SUPERVISOR)
    response = client.post(
        "/desk/replies/new/", {**FORM, "body_en": "Hi {person}", "body_es": "Hola {name:>5}"}
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "The reply was not saved." in text
    assert "{person} is not a placeholder." in text
    assert "Placeholders take no format or conversion: write {name}, not {name:&gt;5}." in text
    assert not CannedReply.objects.exists()


def test_editing_a_missing_reply_is_not_found(signed_in):
    client, _user = signed_in(Role.SUPERVISOR)
    assert client.get("/desk/replies/999/edit/").status_code == 404
    assert client.post("/desk/replies/999/retire/").status_code == 404


def test_the_admin_keeps_the_rules(signed_in):
    client, user = signed_in(Role.SUPERVISOR)
    user.is_staff = True
    user.save()
    two_step_on(user)
    session = client.session
    session["account_authentication_methods"] = [{"method": "mfa", "at": time.time()}]
    session["account_authentication_methods_user"] = str(user.pk)
    session.save()
    data = {**FORM, "active": "on", "body_en": "Hi {person}"}
    refused = client.post("/admin/desk/cannedreply/add/", data)
    assert refused.status_code == 200
    assert "{person} is not a placeholder." in refused.content.decode()
    assert not CannedReply.objects.exists()
    client.post("/admin/desk/cannedreply/add/", {**data, "body_en": "Hi {name}"})
    reply = CannedReply.objects.get()
    assert reply.updated_by == user and reply.body_en == "Hi {name}"


# --- A reply filled for an inquiry ----------------------------------------------------------


def _fetch(client, inquiry, reply):
    response = client.get(f"/desk/inquiries/{inquiry.reference_number}/replies/{reply.pk}/")
    return response.status_code, json.loads(response.content)


def test_the_reply_is_filled_for_the_inquiry(signed_in, held_call):
    client, user = signed_in(Role.TIER1, first_name="Alice")
    item = held_call(user)
    reply = _reply(body_en="I am {agent}; reference {reference}; you came through {queue}.")
    status, body = _fetch(client, item.inquiry, reply)
    assert status == 200
    assert body == {
        "id": reply.pk,
        "title": "Greeting",
        "language": "en",
        "text": f"I am Alice; reference {item.inquiry.reference_number}; you came through "
        f"{item.queue.name_en}.",
    }
    assert not DisclosureLog.objects.exists()  # no {name}: no case data read


def test_a_spanish_inquiry_gets_the_spanish_reply(signed_in, queued_call, always_open):
    from contactcenter.desk.services import desk_offer_accept, desk_presence_set
    from contactcenter.routing.services import agent_ensure_for_user

    client, user = signed_in(Role.TIER1, first_name="Bruno", languages="en,es")
    item = queued_call(language="es")
    agent = agent_ensure_for_user(user=user)
    offered = desk_presence_set(agent=agent, presence="available")
    assert offered is not None and offered.pk == item.pk
    desk_offer_accept(agent=agent, item_id=item.pk)
    reply = _reply(body_es="Hola, soy {agent}. Cola: {queue}.")
    status, body = _fetch(client, item.inquiry, reply)
    assert status == 200 and body["language"] == "es" and body["title"] == "Saludo"
    assert body["text"] == f"Hola, soy Bruno. Cola: {item.queue.name_es}."


def test_name_before_verification_is_409_and_reads_nothing(signed_in, held_call, case):
    client, user = signed_in(Role.TIER1)
    item = held_call(user)
    reply = _reply(body_en="Thank you, {name}.")
    status, body = _fetch(client, item.inquiry, reply)
    assert status == 409
    assert body["code"] == "identity_not_verified"
    assert "only after their identity is verified" in body["message"]
    assert not DisclosureLog.objects.exists()


def test_name_after_verification_is_filled_and_logged(signed_in, held_call, case):
    client, user = signed_in(Role.TIER1)
    item = held_call(user)
    inquiry = item.inquiry
    client.post(f"/desk/inquiries/{inquiry.reference_number}/identity/", GOOD_ANSWERS)
    inquiry.refresh_from_db()
    assert inquiry.is_verified
    before = DisclosureLog.objects.count()
    reply = _reply(body_en="Thank you, {name}.")
    status, body = _fetch(client, inquiry, reply)
    assert status == 200 and body["text"] == "Thank you, Ana Reyes."
    rows = list(DisclosureLog.objects.order_by("-id")[: DisclosureLog.objects.count() - before])
    assert len(rows) == 1
    (row,) = rows
    assert row.viewer_id == user.pk and row.case_id == case.pk and row.fields == "name"
    assert row.channel == "desk" and f"canned reply {reply.pk}" in row.purpose
    assert inquiry.reference_number in row.purpose


def test_a_representative_is_addressed_by_their_own_name(signed_in, held_call, make_case):
    client, user = signed_in(Role.TIER1)
    item = held_call(user)
    case = make_case(with_representative=True)
    inquiry_verified_by_account(inquiry=item.inquiry, case=case, verified_as="representative")
    item.inquiry.refresh_from_db()
    status, body = _fetch(client, item.inquiry, _reply(body_en="Thank you, {name}."))
    assert status == 200 and body["text"] == "Thank you, Lee Park."


def test_refusals_look_like_a_missing_inquiry_or_reply(signed_in, held_call, staff):
    client, user = signed_in(Role.TIER1)
    item = held_call(user)
    reply = _reply()
    retired = _reply(title_en="Old")
    canned_reply_set_active(actor=user, reply_id=retired.pk, active=False)
    assert _fetch(client, item.inquiry, retired)[0] == 404
    missing = client.get(f"/desk/inquiries/{item.inquiry.reference_number}/replies/999999/")
    assert missing.status_code == 404
    # Another agent: the inquiry is not theirs, said as for one that does not exist.
    client.force_login(staff(Role.TIER1))
    theirs = client.get(f"/desk/inquiries/{item.inquiry.reference_number}/replies/{reply.pk}/")
    nowhere = client.get(f"/desk/inquiries/1234567897/replies/{reply.pk}/")
    assert theirs.status_code == nowhere.status_code == 404
    assert theirs.content == nowhere.content


def test_the_inquiry_page_lists_the_replies_with_their_shortcut(signed_in, held_call):
    client, user = signed_in(Role.TIER1)
    item = held_call(user)
    reply = _reply()
    _reply(title_en="Retired one", title_es="Retirada")
    canned_reply_set_active(
        actor=user, reply_id=CannedReply.objects.get(title_en="Retired one").pk, active=False
    )
    page = client.get(f"/desk/inquiries/{item.inquiry.reference_number}/").content.decode()
    assert '<details class="desk-tool" data-reply-tool="replies"' in page
    assert 'data-shortcut="alt+c"' in page and 'data-shortcut="alt+k"' in page
    assert f"/desk/inquiries/{item.inquiry.reference_number}/replies/{reply.pk}/" in page
    assert "Retired one" not in page
    assert "desk/reply-tools.js" in page


# --- The demo seed ----------------------------------------------------------------------------


def test_the_demo_seed_adds_the_everyday_replies_once(settings):
    import datetime as dt

    from contactcenter.setup.demo.build import demo_plan_build
    from contactcenter.setup.demo.replies import canned_replies_write

    settings.PUBLIC_BASE_URL = "https://help.example.gov/"
    plan = demo_plan_build(cases=0, seed=1, today=dt.date(2026, 12, 1))
    assert canned_replies_write(replies=plan.canned_replies) == len(plan.canned_replies) >= 4
    assert canned_replies_write(replies=plan.canned_replies) == 0
    replies = list(CannedReply.objects.all())
    titles = {reply.title_en for reply in replies}
    assert {"Greeting", "Ask for the receipt number", "Closing, with the reference number",
            "Processing times"} <= titles  # fmt: skip
    for reply in replies:
        assert reply.active and reply.title_es and reply.body_es != reply.body_en
        assert placeholder_problems(reply.body_en) == placeholder_problems(reply.body_es) == []
    closing = CannedReply.objects.get(title_en="Closing, with the reference number")
    assert "{reference}" in closing.body_en and "{reference}" in closing.body_es
    times = CannedReply.objects.get(title_en="Processing times")
    assert "https://help.example.gov/processing-times/" in times.body_en
    assert "https://help.example.gov/processing-times/" in times.body_es
