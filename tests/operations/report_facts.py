"""Folded facts by agent and by office, built by hand and written as the fold writes them
(interval rows and their agency days together), for the report tests (operations, API,
desk page). 3 and 4 November 2026 in Eastern time (EST, UTC-5).

Alice on the 3rd: answered 3, handled 3 (talk 420 s, after-contact work 60 s: AHT 160 s),
transferred 1 out; 15 minutes available, 20 busy, 5 in wrap-up, 10 away: occupancy
25 / (25 + 15) = 62.50 %, utilisation 25 / 50 = 50.00 %. On the 4th: handled 1 in 60 s.
Bob on the 3rd: signed in and available for 30 minutes, nothing handled (AHT blank,
occupancy 0 %). Office N01 received 2 requests on the 3rd and sent 1 to N02, which resolved
it after 5 h 30 min; N01 resolved the other after 2 h: average 2.00 hours at N01, 5.50 at N02.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from contactcenter.operations.services import agent_facts_add, office_facts_add
from contactcenter.routing.models import Agent
from tests.factories import OfficeFactory

EASTERN = ZoneInfo("America/New_York")


def eastern(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=EASTERN)


@dataclass
class Built:
    alice: Agent
    bob: Agent


def agent_and_office_facts(make_agent, queue) -> Built:
    alice, bob = make_agent(), make_agent()
    for agent, (first, last) in ((alice, ("Alice", "Adams")), (bob, ("Bob", "Brown"))):
        agent.user.first_name, agent.user.last_name = first, last
        agent.user.save()
    general = queue.pk
    agent_facts_add(
        contacts={
            (eastern(2026, 11, 3, 9, 0), alice.pk, general, "phone"): {
                "answered": 2, "handled": 2, "talk_ms": 300_000, "after_contact_ms": 60_000,
            },
            (eastern(2026, 11, 3, 9, 15), alice.pk, general, "phone"): {
                "answered": 1, "handled": 1, "talk_ms": 120_000, "transferred_out": 1,
            },
            (eastern(2026, 11, 4, 9, 0), alice.pk, general, "phone"): {
                "handled": 1, "talk_ms": 60_000,
            },
        },
        states={
            (start, agent.pk, presence): minutes * 60_000
            for start, agent, presence, minutes in (
                (eastern(2026, 11, 3, 9, 0), alice, "available", 15),
                (eastern(2026, 11, 3, 9, 15), alice, "busy", 15),
                (eastern(2026, 11, 3, 9, 30), alice, "busy", 5),
                (eastern(2026, 11, 3, 9, 30), alice, "wrap_up", 5),
                (eastern(2026, 11, 3, 9, 45), alice, "away", 10),
                (eastern(2026, 11, 3, 9, 0), bob, "available", 15),
                (eastern(2026, 11, 3, 9, 15), bob, "available", 15),
            )
        },
    )  # fmt: skip
    north = OfficeFactory(code="N01", name_en="North office", name_es="Oficina norte")
    south = OfficeFactory(code="N02", name_en="South office", name_es="Oficina sur")
    day = dt.date(2026, 11, 3)
    office_facts_add(
        facts={
            (day, north.pk, "service_request"): {
                "received": 2, "transferred_out": 1, "resolved": 1, "resolved_timed": 1,
                "resolve_ms": 7_200_000,
            },
            (day, south.pk, "service_request"): {
                "transferred_in": 1, "resolved": 1, "resolved_timed": 1, "resolve_ms": 19_800_000,
            },
        }
    )  # fmt: skip
    return Built(alice=alice, bob=bob)
