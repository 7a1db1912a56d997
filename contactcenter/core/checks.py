"""System checks for our replacements of Django's middleware.

Django's deployment checks look for its own middleware by dotted path
(``django.middleware.security.SecurityMiddleware`` and so on). Our event-loop subclasses
(``core/loop_middleware.py``) do the same work under other names, so those checks would warn
that the protection is missing, and the HSTS, SSL-redirect and similar checks, which only run
when the middleware is found, would pass without looking. Here Django's own security checks
run with each subclass read as the class it extends, so every one of them still applies.
Settings silence Django's three "middleware missing" warnings; the same three come back from
here, under ``core.``, if our subclass is missing too.
"""

from __future__ import annotations

from django.conf import settings
from django.core import checks
from django.core.checks.security import base, csrf
from django.test.utils import override_settings

STANDS_FOR = {
    "contactcenter.core.loop_middleware.SecurityMiddleware": (
        "django.middleware.security.SecurityMiddleware"
    ),
    "contactcenter.core.loop_middleware.XFrameOptionsMiddleware": (
        "django.middleware.clickjacking.XFrameOptionsMiddleware"
    ),
    "contactcenter.core.loop_middleware.CsrfViewMiddleware": (
        "django.middleware.csrf.CsrfViewMiddleware"
    ),
}
# The deploy checks that depend on which middleware is installed.
_MIDDLEWARE_CHECKS = (
    base.check_security_middleware,
    base.check_xframe_options_middleware,
    csrf.check_csrf_middleware,
    base.check_sts,
    base.check_sts_include_subdomains,
    base.check_sts_preload,
    base.check_content_type_nosniff,
    base.check_ssl_redirect,
    base.check_xframe_deny,
    base.check_referrer_policy,
    base.check_cross_origin_opener_policy,
    csrf.check_csrf_cookie_secure,
)
_RENAMED = {"security.W001", "security.W002", "security.W003"}


@checks.register(checks.Tags.security, deploy=True)
def security_with_loop_middleware(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    if not any(path in STANDS_FOR for path in settings.MIDDLEWARE):
        return []
    read_as = [STANDS_FOR.get(path, path) for path in settings.MIDDLEWARE]
    found: list[checks.CheckMessage] = []
    with override_settings(MIDDLEWARE=read_as):
        for check in _MIDDLEWARE_CHECKS:
            for message in check(app_configs=app_configs):
                if message.id in _RENAMED:
                    message.id = "core." + message.id.split(".", 1)[1]
                found.append(message)
    return found
