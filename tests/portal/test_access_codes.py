"""Online Access Codes: stored hashed, single use, expiring, with a limited number of tries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from contactcenter.portal.access_codes import access_code_normalise
from contactcenter.portal.errors import AccessCodeRefused, AlreadyLinked
from contactcenter.portal.models import AccessCode, AccountLink
from contactcenter.portal.services import access_code_issue, access_code_redeem

pytestmark = pytest.mark.django_db


def test_code_is_stored_only_as_a_hash(make_portal_case):
    case = make_portal_case()
    row, code = access_code_issue(case=case)
    stored = AccessCode.objects.get(pk=row.pk)
    assert access_code_normalise(code) not in stored.code_hash
    assert len(stored.code_hash) == 64
    assert len(access_code_normalise(code)) == 12


def test_redeem_links_account_to_applicant_once(make_account, make_portal_case):
    case = make_portal_case()
    user = make_account()
    _row, code = access_code_issue(case=case)
    assert access_code_redeem(user=user, receipt_number=case.receipt_number, code=code) == case
    assert AccountLink.objects.get(user=user).person_id == case.applicant_id
    # Single use: the same code again is refused, even for the same account.
    with pytest.raises(AccessCodeRefused):
        access_code_redeem(user=user, receipt_number=case.receipt_number, code=code)


def test_code_typed_in_lower_case_with_spaces_works(make_account, make_portal_case):
    case = make_portal_case()
    _row, code = access_code_issue(case=case)
    typed = " " + code.lower().replace("-", " ") + " "
    access_code_redeem(user=make_account(), receipt_number=case.receipt_number, code=typed)


def test_expired_code_refused_and_nothing_linked(make_account, make_portal_case):
    case = make_portal_case()
    user = make_account()
    _row, code = access_code_issue(case=case, now=timezone.now() - dt.timedelta(days=91))
    with pytest.raises(AccessCodeRefused):
        access_code_redeem(user=user, receipt_number=case.receipt_number, code=code)
    assert not AccountLink.objects.filter(user=user).exists()


def test_attempts_are_limited_then_even_the_right_code_fails(make_account, make_portal_case):
    case = make_portal_case()
    user = make_account()
    row, code = access_code_issue(case=case)
    for _ in range(5):
        with pytest.raises(AccessCodeRefused):
            access_code_redeem(user=user, receipt_number=case.receipt_number, code="WRONG-CODE-1")
    assert AccessCode.objects.get(pk=row.pk).failed_attempts == 5
    with pytest.raises(AccessCodeRefused):
        access_code_redeem(user=user, receipt_number=case.receipt_number, code=code)
    assert not AccountLink.objects.filter(user=user).exists()


def test_new_code_revokes_the_old_one(make_account, make_portal_case):
    case = make_portal_case()
    _first, old = access_code_issue(case=case)
    _second, new = access_code_issue(case=case)
    user = make_account()
    with pytest.raises(AccessCodeRefused):
        access_code_redeem(user=user, receipt_number=case.receipt_number, code=old)
    access_code_redeem(user=user, receipt_number=case.receipt_number, code=new)


def test_unknown_receipt_gets_the_same_message_as_a_wrong_code(make_account, make_portal_case):
    case = make_portal_case()
    access_code_issue(case=case)
    user = make_account()
    with pytest.raises(AccessCodeRefused) as unknown:
        access_code_redeem(user=user, receipt_number="EAC9999999999", code="ABCD-EFGH-JKMN")
    with pytest.raises(AccessCodeRefused) as wrong:
        access_code_redeem(user=user, receipt_number=case.receipt_number, code="ABCD-EFGH-JKMN")
    with pytest.raises(AccessCodeRefused) as garbage:
        access_code_redeem(user=user, receipt_number="not a receipt", code="x")
    assert unknown.value.message == wrong.value.message == garbage.value.message


def test_account_of_another_person_cannot_take_a_case(applicant, make_portal_case):
    user, _case = applicant
    someone_else = make_portal_case()
    row, code = access_code_issue(case=someone_else)
    with pytest.raises(AlreadyLinked):
        access_code_redeem(user=user, receipt_number=someone_else.receipt_number, code=code)
    assert AccessCode.objects.get(pk=row.pk).used_at is None


def test_second_case_of_the_same_person_links_to_the_same_account(applicant, make_portal_case):
    user, case = applicant
    second = make_portal_case(applicant=case.applicant)
    _row, code = access_code_issue(case=second)
    access_code_redeem(user=user, receipt_number=second.receipt_number, code=code)
    assert AccountLink.objects.filter(user=user).count() == 1


def test_link_page_refuses_with_400_and_links_with_redirect(client, make_account, make_portal_case):
    case = make_portal_case()
    user = make_account()
    client.force_login(user)
    _row, code = access_code_issue(case=case)
    bad = client.post(
        "/account/link/", {"receipt_number": case.receipt_number, "code": "ZZZZ-ZZZZ-ZZZZ"}
    )
    assert bad.status_code == 400
    assert b"do not match an active code" in bad.content
    good = client.post("/account/link/", {"receipt_number": case.receipt_number, "code": code})
    assert good.status_code == 302
    assert good["Location"] == f"/account/cases/{case.pk}/"


def test_command_issues_a_code_that_links(make_account, make_portal_case):
    from io import StringIO

    from django.core.management import CommandError, call_command

    case = make_portal_case()
    out = StringIO()
    call_command("issue_access_code", case.receipt_number, stdout=out)
    code = out.getvalue().split()[0]
    access_code_redeem(user=make_account(), receipt_number=case.receipt_number, code=code)
    with pytest.raises(CommandError):
        call_command("issue_access_code", "EAC9999999999", stdout=StringIO())


def test_admin_lists_events_and_representative_links(client, make_portal_case):
    from contactcenter.staff.models import Role
    from tests.factories import StaffUserFactory

    client.force_login(StaffUserFactory(role=Role.SUPERVISOR, is_staff=True))
    for url in ("/admin/portal/outreachevent/", "/admin/portal/outreachevent/add/",
                "/admin/portal/representativelink/"):  # fmt: skip
        assert client.get(url).status_code == 200, url
    client.force_login(StaffUserFactory(role=Role.TIER1, is_staff=True))
    assert client.get("/admin/portal/outreachevent/add/").status_code == 403
