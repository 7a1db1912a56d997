"""The wallboard page: supervisors only, in both languages, with the alert in words."""

import datetime as dt

from django.utils import timezone

from contactcenter.core.domain_events import ContactEventKind as Kind
from contactcenter.core.domain_events import contact_event_emit
from contactcenter.routing.models import Queue
from contactcenter.staff.models import Role


def _late_answer(queue: Queue) -> None:
    """A call answered after a minute, today: 0 % against an 80 % target."""
    at = timezone.now() - dt.timedelta(seconds=5)
    contact_event_emit(
        Kind.ANSWERED, channel="phone", at=at, language="es", queue_id=queue.pk,
        work_item_id=1, detail={"work": "call", "waited_seconds": 60},
    )  # fmt: skip


def test_only_supervisors_open_the_wallboard(signed_in, queues):
    for role in (Role.TIER1, Role.TIER2):
        client, _user = signed_in(role)
        assert client.get("/desk/wallboard/").status_code == 403
        assert client.get("/desk/wallboard/board/").status_code == 403
        client.logout()
    client, _user = signed_in(Role.SUPERVISOR)
    page = client.get("/desk/wallboard/")
    assert page.status_code == 200
    assert 'href="/desk/wallboard/" aria-current="page"' in page.content.decode()
    assert 'href="/desk/wallboard/"' in client.get("/desk/supervisor/").content.decode()


def test_a_queue_below_target_is_said_in_words_in_both_languages(signed_in, queues):
    _late_answer(Queue.objects.get(code="t1-general-es"))
    client, _user = signed_in(Role.SUPERVISOR)
    english = client.get("/desk/wallboard/board/").content.decode()
    assert "Below target: Tier 1 general, Spanish, 0 % against 80 %." in english
    assert "target 80 % in 20 s" in english
    assert english.count('data-testid="below-target"') == 1
    spanish = client.get("/desk/wallboard/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert 'lang="es"' in spanish
    assert "Bajo la meta: Nivel 1 general, español, 0 % frente a 80 %." not in spanish
    assert "Por debajo de la meta: Nivel 1 general, español, 0 % frente a 80 %." in spanish
    assert "meta 80 % en 20 s" in spanish and "Panel en vivo" in spanish
    # Drawing coordinates stay numbers in Spanish too (no decimal commas inside the SVG).
    assert 'x1="80"' in spanish
