"""Every staff page costs the same number of queries with one row of data as with ten.

For each page a builder adds rows of what the page lists (held work, history, callbacks,
queues and agents, service requests, secure messages, appointment requests, disclosures); the
page is read once to warm caches, then its queries are counted with one row and again with
ten. Equal counts mean no query runs per row (an N+1 grows with the rows). Each page is also
checked to show the rows, so a page that silently lost them could not pass.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.desk.staff_pages import PAGES, ROWS_FEW, ROWS_MANY, staff_client, world  # noqa: F401

pytestmark = pytest.mark.django_db


def _count(client: Client, url: str, status: int) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return len(queries), response.content.decode()


@pytest.mark.parametrize("name", list(PAGES))
def test_queries_do_not_grow_with_rows(world, name):  # noqa: F811
    page = PAGES[name]
    url = page.start(world)
    client = staff_client(world.users[page.role])
    page.grow(world, ROWS_FEW)
    client.get(url)  # caches warmed: the session, the types, the translations
    few, few_text = _count(client, url, page.status)
    page.grow(world, ROWS_MANY - ROWS_FEW)
    many, many_text = _count(client, url, page.status)
    assert many == few, f"{name}: {few} queries with {ROWS_FEW} row, {many} with {ROWS_MANY}"
    if page.marker is not None:
        assert many_text.count(page.marker) >= few_text.count(page.marker) + ROWS_MANY - ROWS_FEW
