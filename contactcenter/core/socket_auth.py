"""Who is on a WebSocket: the session's user, read on the database threads.

Channels' own ``AuthMiddleware`` reads the user through ``database_sync_to_async``, which sends
the work to the process's one shared sync thread. Every socket a process opens then waits in
that single line behind the others (and behind any other work sent there), so under a desk's
load a socket's opening took as long as the queue in front of it. Here the same read runs on
``db_thread``'s pool, whose threads hand their connection back after each use. What is read
and how (Django's session, the user's backend, the session hash check) is Channels' own
``get_user``, unchanged.
"""

from __future__ import annotations

from channels.auth import AuthMiddleware, get_user
from channels.sessions import CookieMiddleware, SessionMiddleware

from contactcenter.core.db_threads import db_thread


class PooledAuthMiddleware(AuthMiddleware):
    async def resolve_scope(self, scope) -> None:
        scope["user"]._wrapped = await db_thread(get_user.func, scope)


def socket_auth_stack(inner):
    """Channels' ``AuthMiddlewareStack`` (cookies, then the session, then the user) with the
    user read on the database threads."""
    return CookieMiddleware(SessionMiddleware(PooledAuthMiddleware(inner)))
