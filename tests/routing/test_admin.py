import pytest
from django.contrib.auth.models import Group, User

from contactcenter.inquiries.services import inquiry_escalate, inquiry_open
from contactcenter.routing.models import WorkItem


@pytest.fixture
def supervisor(db):
    user = User.objects.create_user(username="sup", password="x", is_staff=True)
    user.groups.add(Group.objects.get(name="supervisor"))
    return user


@pytest.mark.parametrize(
    "url",
    [
        "/admin/inquiries/inquiry/",
        "/admin/routing/queue/",
        "/admin/routing/agent/",
        "/admin/routing/workitem/",
        "/admin/routing/livehelpclosure/",
    ],
)
def test_supervisors_can_read_routing_records(
    client, supervisor, queues, url, django_assert_max_num_queries
):
    for _ in range(5):
        inquiry = inquiry_open(channel="phone", contact_phone="+15550100999")
        inquiry_escalate(inquiry=inquiry, actor=None, reason="x", urgency="regular")
    client.force_login(supervisor)
    with django_assert_max_num_queries(15):
        response = client.get(url)
    assert response.status_code == 200
    assert b"+15550100999" not in response.content


def test_inquiry_page_hides_contact_details_and_cannot_be_changed(client, supervisor, queues):
    inquiry = inquiry_open(channel="phone", contact_phone="+15550100999",
                           contact_email="p@example.org", first_message="hello")  # fmt: skip
    client.force_login(supervisor)
    page = client.get(f"/admin/inquiries/inquiry/{inquiry.pk}/change/")
    assert page.status_code == 200
    assert b"+15550100999" not in page.content and b"p@example.org" not in page.content
    assert inquiry.reference_number.encode() in page.content
    response = client.post(f"/admin/inquiries/inquiry/{inquiry.pk}/change/", {"state": "closed"})
    assert response.status_code == 403
    inquiry.refresh_from_db()
    assert inquiry.state == "new"


def test_work_items_cannot_be_edited(client, supervisor, queues):
    inquiry = inquiry_open(channel="phone")
    inquiry_escalate(inquiry=inquiry, actor=None, reason="x", urgency="regular")
    item = WorkItem.objects.get()
    client.force_login(supervisor)
    response = client.post(f"/admin/routing/workitem/{item.pk}/change/", {"state": "done"})
    assert response.status_code == 403
    item.refresh_from_db()
    assert item.state == "queued"
