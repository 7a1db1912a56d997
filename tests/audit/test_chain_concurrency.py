"""Writers are not serialised by the chain: a row is written unsealed in the writer's own
transaction, and the sealing job seals rows in the order they became visible, whatever their
ids. On PostgreSQL, with two real connections."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections, transaction

from contactcenter.audit.models import DisclosureLog
from contactcenter.audit.selectors import disclosure_chain_verify
from contactcenter.audit.services import disclosure_chain_seal, disclosure_record
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers are a PostgreSQL matter (SQLite has one writer)")


def test_a_row_committed_after_a_later_id_is_sealed_after_it():
    case = CaseFactory()
    wrote_slow = threading.Event()
    may_commit = threading.Event()
    slow_id: list[int] = []

    def slow_writer() -> None:
        try:
            with transaction.atomic():
                entry = disclosure_record(system_actor="slow", case_id=case.pk, channel="phone",
                                          purpose="p", fields="email")  # fmt: skip
                slow_id.append(entry.pk)
                wrote_slow.set()
                assert may_commit.wait(10)
        finally:
            connections.close_all()

    thread = threading.Thread(target=slow_writer)
    thread.start()
    assert wrote_slow.wait(10)
    fast = disclosure_record(system_actor="fast", case_id=case.pk, channel="phone",
                             purpose="p", fields="email")  # fmt: skip
    assert fast.pk > slow_id[0]
    # The slow row is not visible yet: the job seals the fast one without waiting for it.
    assert disclosure_chain_seal() == 1
    may_commit.set()
    thread.join(10)
    assert disclosure_chain_seal() == 1
    order = list(DisclosureLog.objects.order_by("chain_seq").values_list("system_actor", flat=True))
    assert order == ["fast", "slow"]
    assert disclosure_chain_verify().ok
