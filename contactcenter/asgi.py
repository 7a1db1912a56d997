"""ASGI entry point: HTTP through Django, WebSockets through Channels (routes come later)."""

import gc
import os

import django
from channels.routing import ProtocolTypeRouter, URLRouter
from channels.security.websocket import AllowedHostsOriginValidator

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "contactcenter.settings")
django.setup(set_prefix=False)  # as django.core.asgi.get_asgi_application does

from contactcenter.core.asgi_handler import PushesTogetherASGIHandler  # noqa: E402

django_asgi_app = PushesTogetherASGIHandler()

from django.conf import settings  # noqa: E402
from django.urls import get_resolver  # noqa: E402

from contactcenter.core.request_limits import RequestBodyCap  # noqa: E402
from contactcenter.core.socket_auth import socket_auth_stack  # noqa: E402
from contactcenter.websockets import websocket_urlpatterns  # noqa: E402  (needs apps loaded)

# The pages that take files get the larger cap; every other body is small.
UPLOAD_PATHS = (
    r"^/account/cases/\d+/evidence/$",
    r"^/account/cases/\d+/requests/new/[-\w]+/$",
    r"^/service-requests/new/[^/]+/$",
    # Inbound email from a mail provider (contactcenter/intake/webhooks.py reads it).
    r"^/webhooks/anymail/[a-z_]+/inbound(_mime)?/$",
    # Scanned letters, and inbound fax from a fax provider (contactcenter/mailroom).
    r"^/desk/mail-room/$",
    r"^/webhooks/fax/[a-z]+/$",
)

http_app = RequestBodyCap(
    django_asgi_app,
    max_bytes=lambda: settings.REQUEST_BODY_MAX_BYTES,
    upload_max_bytes=lambda: settings.UPLOAD_REQUEST_MAX_BYTES,
    upload_paths=UPLOAD_PATHS,
)

application = ProtocolTypeRouter(
    {
        "http": http_app,
        # Session sign-in reaches consumers as scope["user"] (read on the database threads:
        # core/socket_auth.py); sockets from other sites' pages are refused by the Origin check.
        "websocket": AllowedHostsOriginValidator(
            socket_auth_stack(URLRouter(websocket_urlpatterns))
        ),
    }
)

# What is loaded by now (Django, the apps, the URLs and the modules they import) lives as long
# as the process. Moved out of the garbage collector's reach, a full collection no longer walks
# it: under fifty agents' work one such pass held every request of the process for a quarter of
# a second. Objects made by requests are collected as before.
get_resolver().url_patterns  # noqa: B018  (imports every view module now, not on first use)
gc.collect()
gc.freeze()
