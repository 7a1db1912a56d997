"""Password sign-in that lets go of its database connection while it hashes.

Checking a password is a deliberate cost (PBKDF2, hundreds of milliseconds of CPU). Django's
``ModelBackend`` holds the request's database connection the whole time, so when a shift starts
and dozens of staff sign in within a minute, each waiting hash keeps a pooled connection: the
pool runs dry and every other page (the agents already at work) fails with a timeout. This
backend reads the user, gives the connection back to the pool (PostgreSQL's pool; SQLite has
none), hashes, and takes a connection again only if it must write (a hash upgraded to new
parameters, Django's ``last_login``).
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db import connection


def _release_pooled_connection() -> None:
    """Give the connection back to the pool, unless a transaction still needs it."""
    if (
        connection.vendor == "postgresql"
        and connection.settings_dict.get("OPTIONS", {}).get("pool")
        and not connection.in_atomic_block
    ):
        connection.close()


class PooledModelBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        user_model = get_user_model()
        if username is None:
            username = kwargs.get(user_model.USERNAME_FIELD)
        if username is None or password is None:
            return None
        try:
            user = user_model._default_manager.get_by_natural_key(username)
        except user_model.DoesNotExist:
            _release_pooled_connection()
            # As Django does: hash anyway, so a missing username takes as long as a wrong
            # password and timing says nothing about which accounts exist.
            user_model().set_password(password)
            return None
        _release_pooled_connection()
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
