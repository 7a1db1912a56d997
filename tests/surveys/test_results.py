"""The supervisors' results page against figures worked by hand."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.utils import timezone

from contactcenter.inquiries.services import inquiry_open
from contactcenter.routing.models import Queue
from contactcenter.staff.models import Role
from contactcenter.surveys.models import Survey

pytestmark = pytest.mark.django_db


@pytest.fixture
def answers(queues, staff):
    """Nine surveys over two queues, two agents, three channels and two languages:

    | # | queue | agent | channel | lang | score |
    | 1 | A | ann | phone | en | 5 |
    | 2 | A | ann | phone | en | 4 |
    | 3 | A | ann | chat  | es | 2 |
    | 4 | A | bob | chat  | en | - (not answered) |
    | 5 | B | bob | callback | es | 5 |
    | 6 | B | bob | callback | es | 1 |
    | 7 | B | bob | phone | en | 3 |
    | 8 | B | ann | phone | es | - |
    | 9 | A | ann | phone | en | 5, but asked 40 days ago (outside the range) |
    """
    queue_a, queue_b = Queue.objects.order_by("pk")[:2]
    ann = staff(Role.TIER1, first_name="Ann", last_name="Lee")
    bob = staff(Role.TIER1, first_name="Bob", last_name="Ruiz")
    now = timezone.now()
    rows = [
        (queue_a, ann, "phone", "en", 5, 0), (queue_a, ann, "phone", "en", 4, 0),
        (queue_a, ann, "chat", "es", 2, 0), (queue_a, bob, "chat", "en", None, 0),
        (queue_b, bob, "callback", "es", 5, 0), (queue_b, bob, "callback", "es", 1, 0),
        (queue_b, bob, "phone", "en", 3, 0), (queue_b, ann, "phone", "es", None, 0),
        (queue_a, ann, "phone", "en", 5, 40),
    ]  # fmt: skip
    for queue, agent, channel, language, score, days_ago in rows:
        inquiry = inquiry_open(channel="phone" if channel == "callback" else channel,
                               language=language)  # fmt: skip
        at = now - dt.timedelta(days=days_ago, minutes=5)
        Survey.objects.create(
            inquiry=inquiry, channel=channel, invited_by="ivr" if channel == "phone" else "chat",
            language=language, queue=queue, agent=agent, invited_at=at,
            expires_at=at + dt.timedelta(days=28), score=score,
            answered_at=at if score else None, comment="Very kind" if score == 5 else "",
        )  # fmt: skip
    return queue_a, queue_b


def _rows(page) -> dict[str, list[str]]:
    return {row[0]: row[1:] for row in csv.reader(io.StringIO(page.content.decode()))}


def test_results_by_each_grouping(signed_in, answers):
    queue_a, queue_b = answers
    client, _supervisor = signed_in(Role.SUPERVISOR)
    today = timezone.localdate()
    first = (today - dt.timedelta(days=6)).isoformat()
    base = f"/desk/surveys/?first={first}&last={today.isoformat()}&format=csv&by="
    # Queue A: 4 asked, 3 answered (5, 4, 2): 75.0 %, mean 11/3 = 3.67, CSAT 2/3 = 66.7 %.
    # Queue B: 4 asked, 3 answered (5, 1, 3): 75.0 %, mean 3.00, CSAT 1/3 = 33.3 %.
    by_queue = _rows(client.get(base + "queue"))
    assert by_queue[queue_a.name_en] == ["4", "3", "75.0", "3.67", "66.7", "0", "1", "0", "1", "1"]
    assert by_queue[queue_b.name_en] == ["4", "3", "75.0", "3.00", "33.3", "1", "0", "1", "0", "1"]
    # All: 8 asked, 6 answered, mean 20/6 = 3.33, CSAT 3/6 = 50.0 %.
    assert by_queue["All surveys"] == ["8", "6", "75.0", "3.33", "50.0", "1", "1", "1", "1", "2"]
    # Ann: 4 asked in range, answered 5, 4, 2; Bob: 4 asked (chat, two callbacks, phone),
    # answered 5, 1, 3.
    by_agent = _rows(client.get(base + "agent"))
    assert by_agent["Ann Lee"] == ["4", "3", "75.0", "3.67", "66.7", "0", "1", "0", "1", "1"]
    assert by_agent["Bob Ruiz"] == ["4", "3", "75.0", "3.00", "33.3", "1", "0", "1", "0", "1"]
    # Phone: 4 asked (5, 4, 3, -): 75.0 %, mean 4.00, CSAT 66.7. Chat: 2 asked (2, -): 50.0 %,
    # mean 2.00, CSAT 0.0. Callback: 2 asked (5, 1): 100.0 %, mean 3.00, CSAT 50.0.
    by_channel = _rows(client.get(base + "channel"))
    assert by_channel["Phone"] == ["4", "3", "75.0", "4.00", "66.7", "0", "0", "1", "1", "1"]
    assert by_channel["Live chat"] == ["2", "1", "50.0", "2.00", "0.0", "0", "1", "0", "0", "0"]
    assert by_channel["Callback"] == ["2", "2", "100.0", "3.00", "50.0", "1", "0", "0", "0", "1"]
    # English: 4 asked (5, 4, -, 3): mean 4.00, CSAT 66.7. Spanish: 4 asked (2, 5, 1, -): mean
    # 8/3 = 2.67, CSAT 1/3 = 33.3.
    by_language = _rows(client.get(base + "language"))
    assert by_language["English"] == ["4", "3", "75.0", "4.00", "66.7", "0", "0", "1", "1", "1"]
    assert by_language["Spanish"] == ["4", "3", "75.0", "2.67", "33.3", "1", "1", "0", "0", "1"]


def test_the_page_shows_figures_chart_and_comments(signed_in, answers):
    client, _supervisor = signed_in(Role.SUPERVISOR)
    page = client.get("/desk/surveys/?by=channel")
    content = page.content.decode()
    assert page.status_code == 200
    assert 'data-testid="report-chart"' in content and content.count("<rect ") == 5
    assert content.count('data-testid="survey-results-row"') == 3
    assert content.count("Very kind") == 2  # the two 5s in range with a comment
    assert (
        '<a class="cc-nav__link is-current" href="/desk/surveys/" aria-current="page">' in content
    )


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("first=2026-13-01&last=2026-01-02", "Give the days as YYYY-MM-DD."),
        ("first=2026-02-01&last=2026-01-02", "The last day is before the first day."),
        ("first=2024-01-01&last=2026-01-02", "Choose at most 366 days."),
        ("by=person", "Group by queue, agent, channel or language."),
    ],
)
def test_bad_choices_are_refused(signed_in, query, message):
    client, _supervisor = signed_in(Role.SUPERVISOR)
    page = client.get(f"/desk/surveys/?{query}")
    assert page.status_code == 400 and message in page.content.decode()


def test_only_supervisors_see_results(signed_in):
    client, _agent = signed_in(Role.TIER1)
    assert client.get("/desk/surveys/").status_code == 403
