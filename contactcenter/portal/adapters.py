"""allauth hooks: where people land after signing in."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.urls import reverse

from contactcenter.core.client_addresses import client_address


class AccountAdapter(DefaultAccountAdapter):
    def get_login_redirect_url(self, request) -> str:
        return reverse("portal:home")

    def get_signup_redirect_url(self, request) -> str:
        return reverse("portal:home")

    def get_client_ip(self, request) -> str:
        """The address allauth's rate limits count by: the product's own rule, so a header
        from someone other than a named proxy moves nobody to a fresh budget."""
        return client_address(request)


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """Sign-in through an OpenID Connect provider (Login.gov, for example). An account made this
    way links to a case exactly like any other: with the case's Online Access Code."""
