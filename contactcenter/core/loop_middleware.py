"""Django's own middleware, run on the event loop instead of hopping threads.

Under ASGI, Django runs each hook of a ``MiddlewareMixin`` middleware (``process_request``,
``process_view``, ``process_response``) through ``sync_to_async``: a hand-off to the request's
worker thread and back. With the nine middleware in ``settings.MIDDLEWARE`` that was about 18
hand-offs on every request, roughly half the CPU of a cheap request such as a phone-line turn
or ``/healthz``. None of these hooks does any I/O in the usual case (they read headers and
cookies, set attributes, add headers), so the classes here run them directly on the loop. Two
hooks may reach the database, and only then do they still hop: saving a session that changed,
and storing messages that were added or read (which loads the session).

Each class subclasses the Django middleware it replaces, so behaviour, settings and Django's
system checks stay the same, and under WSGI (the test client) they are exactly Django's.
"""

from __future__ import annotations

from asgiref.sync import iscoroutinefunction, sync_to_async
from csp import middleware as csp
from django.conf import settings
from django.contrib.auth import middleware as auth
from django.contrib.messages import middleware as messages
from django.contrib.sessions import middleware as sessions
from django.middleware import clickjacking, common, csrf, locale, security
from django.utils.deprecation import MiddlewareMixin


class _OnLoop:
    """Run ``process_request`` and ``process_response`` on the event loop, and offer Django an
    async ``process_view`` so the handler does not wrap it in a thread hand-off either."""

    def __init__(self, get_response) -> None:
        super().__init__(get_response)  # type: ignore[call-arg]
        if iscoroutinefunction(get_response) and hasattr(self, "process_view"):
            sync_view_hook = getattr(self, "process_view")  # noqa: B009  (only some have one)

            async def process_view(request, view_func, view_args, view_kwargs):
                if self._view_needs_io(request):
                    return await sync_to_async(sync_view_hook, thread_sensitive=True)(
                        request, view_func, view_args, view_kwargs
                    )
                return sync_view_hook(request, view_func, view_args, view_kwargs)

            setattr(self, "process_view", process_view)  # noqa: B010  (Django reads it)

    async def __acall__(self, request):
        response = None
        if hasattr(self, "process_request"):
            response = self.process_request(request)
        response = response or await self.get_response(request)  # type: ignore[attr-defined]
        if hasattr(self, "process_response"):
            if self._response_needs_io(request, response):
                response = await sync_to_async(self.process_response, thread_sensitive=True)(
                    request, response
                )
            else:
                response = self.process_response(request, response)
        return response

    def _response_needs_io(self, request, response) -> bool:
        return False

    def _view_needs_io(self, request) -> bool:
        return False


class SecurityMiddleware(_OnLoop, security.SecurityMiddleware):
    pass


class SessionMiddleware(_OnLoop, sessions.SessionMiddleware):
    def _response_needs_io(self, request, response) -> bool:
        session = getattr(request, "session", None)
        if session is None:
            return False
        return bool(session.modified or settings.SESSION_SAVE_EVERY_REQUEST)


class LocaleMiddleware(_OnLoop, locale.LocaleMiddleware):
    pass


class CommonMiddleware(_OnLoop, common.CommonMiddleware):
    pass


class CsrfViewMiddleware(_OnLoop, csrf.CsrfViewMiddleware):
    def _view_needs_io(self, request) -> bool:
        # Checking a POST reads its form; a multipart one (file uploads) may spill to disk.
        return request.content_type == "multipart/form-data"


class AuthenticationMiddleware(_OnLoop, auth.AuthenticationMiddleware):
    pass


class MessageMiddleware(_OnLoop, messages.MessageMiddleware):
    def _response_needs_io(self, request, response) -> bool:
        storage = getattr(request, "_messages", None)
        return storage is not None and bool(storage.used or storage.added_new)


class XFrameOptionsMiddleware(_OnLoop, clickjacking.XFrameOptionsMiddleware):
    pass


class CSPMiddleware(_OnLoop, csp.CSPMiddleware):
    """django-csp's Content-Security-Policy with a fresh nonce for each request that asked for
    one (``request.csp_nonce`` in a template); building the header is string work only."""


class PermissionsPolicyMiddleware(_OnLoop, MiddlewareMixin):
    """``Permissions-Policy``: none of the browser features the product never uses (camera,
    microphone, location, payment ...) may be used by any page or frame."""

    def process_response(self, request, response):
        policy = settings.PERMISSIONS_POLICY
        if policy and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = policy
        return response
