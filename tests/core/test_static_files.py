"""WhiteNoise in the async middleware chain: static files served, everything else passed on
without leaving the event loop."""

import asyncio

import pytest
from asgiref.sync import iscoroutinefunction
from django.http import HttpResponse
from django.test import RequestFactory

from contactcenter.core.static_files import StaticFilesMiddleware

# Closing a response sends request_finished, whose receiver closes old database connections:
# allowed here, so the tests pass whether or not a database test ran before them.
pytestmark = pytest.mark.django_db


def test_async_chain_serves_static_and_passes_the_rest(settings):
    settings.WHITENOISE_AUTOREFRESH = True
    settings.WHITENOISE_USE_FINDERS = True
    seen = []

    async def downstream(request):
        seen.append(request.path)
        return HttpResponse("from the view")

    middleware = StaticFilesMiddleware(downstream)
    assert iscoroutinefunction(middleware)
    factory = RequestFactory()
    static = asyncio.run(middleware(factory.get("/static/css/site.css")))
    assert static.status_code == 200
    assert static["Content-Type"].startswith("text/css")
    static.close()
    page = asyncio.run(middleware(factory.get("/case-status/")))
    assert page.content == b"from the view"
    assert seen == ["/case-status/"]


def test_sync_chain_still_works(settings):
    settings.WHITENOISE_AUTOREFRESH = True
    settings.WHITENOISE_USE_FINDERS = True
    middleware = StaticFilesMiddleware(lambda request: HttpResponse("sync view"))
    assert not iscoroutinefunction(middleware)
    assert middleware(RequestFactory().get("/healthz")).content == b"sync view"


def test_a_static_file_reaches_the_asgi_server_as_an_async_stream_without_a_warning(settings):
    """Through Django's ASGI handler, as uvicorn calls it: the whole file, in order, and none of
    Django's "must consume synchronous iterators" warnings (it printed one per file)."""
    import warnings
    from pathlib import Path

    from django.test import AsyncClient

    settings.WHITENOISE_AUTOREFRESH = True
    settings.WHITENOISE_USE_FINDERS = True
    source = Path(settings.BASE_DIR) / "static" / "vendor" / "uswds" / "css" / "uswds.min.css"

    async def fetch():
        response = await AsyncClient().get("/static/vendor/uswds/css/uswds.min.css")
        assert response.is_async
        return response.status_code, b"".join([chunk async for chunk in response])

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        status, body = asyncio.run(fetch())
    assert status == 200
    assert body == source.read_bytes() and len(body) > 100_000
