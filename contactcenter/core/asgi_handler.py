"""Django's ASGI handler, with the live pushes of each synchronous view sent together.

Django runs a synchronous view in a worker thread; every push to the channel layer from there
(``core.live_events``) is a trip to the event loop and back. This handler wraps each
synchronous view in ``live_pushes_together``, so a view's pushes go in one trip when it
returns, the same push to the same group once. Everything else is Django's own handler.
"""

from __future__ import annotations

import functools
from typing import Any

from asgiref.sync import iscoroutinefunction
from django.core.handlers.asgi import ASGIHandler

from contactcenter.core.live_events import live_pushes_together


class PushesTogetherASGIHandler(ASGIHandler):
    def make_view_atomic(self, view: Any) -> Any:
        # Django calls this for every view it is about to run, in _get_response_async, before
        # it hands a synchronous view to its thread: the wrapper runs in that thread.
        view = super().make_view_atomic(view)
        if iscoroutinefunction(view):
            return view

        @functools.wraps(view)
        def pushes_together(*args: Any, **kwargs: Any) -> Any:
            with live_pushes_together():
                return view(*args, **kwargs)

        return pushes_together
