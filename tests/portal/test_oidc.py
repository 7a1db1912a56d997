"""Signing in through OpenID Connect (Login.gov, for example), end to end over real HTTP.

Login.gov is outside this machine, so a small identity provider runs here on a local port: it
publishes its discovery document and keys, takes the authorization code with its PKCE verifier
at the token endpoint, and returns an ID token signed with its own RSA key. allauth's real
client talks to it over HTTP exactly as it would to Login.gov, from the settings the product
builds out of OIDC_* variables: once with a client secret, and once as Login.gov takes it, a
public client proven by PKCE alone, with the ``acr_values`` Login.gov requires.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlparse

import jwt
import pytest
from allauth.socialaccount.models import SocialAccount
from cryptography.hazmat.primitives.asymmetric import rsa
from django.contrib.auth import get_user_model

pytestmark = pytest.mark.django_db

CLIENT_ID = "urn:gov:gsa:openidconnect.profiles:sp:sso:agency:contact-center"
CLIENT_SECRET = "a-client-secret-for-tests"
ACR = "urn:acr.login.gov:auth-only"


class IdentityProvider:
    """Just enough of an OpenID Connect provider for one authorization-code sign-in."""

    def __init__(self, *, public_client: bool) -> None:
        self.public_client = public_client
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.codes: dict[str, dict] = {}
        self.token_requests: list[dict] = []
        self.audience = CLIENT_ID  # a test may make the provider lie about it
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # keep test output clean
                pass

            def _json(self, status: int, body: dict) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                path = urlparse(self.path).path
                if path == "/.well-known/openid-configuration":
                    self._json(200, provider.discovery())
                elif path == "/jwks":
                    self._json(200, provider.jwks())
                elif path == "/userinfo":
                    claims = provider.userinfo(self.headers.get("Authorization", ""))
                    self._json(200 if claims else 401, claims or {"error": "invalid_token"})
                else:
                    self._json(404, {"error": "not_found"})

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                status, body = provider.token(form, self.headers.get("Authorization", ""))
                self._json(status, body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        # Checked for shutdown every 20 ms, not every half second: each test closes it.
        threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        ).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def discovery(self) -> dict:
        return {
            "issuer": self.url,
            "authorization_endpoint": f"{self.url}/authorize",
            "token_endpoint": f"{self.url}/token",
            "userinfo_endpoint": f"{self.url}/userinfo",
            "jwks_uri": f"{self.url}/jwks",
            "response_types_supported": ["code"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
        }

    def jwks(self) -> dict:
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
        return {"keys": [{**jwk, "kid": "test-key", "use": "sig", "alg": "RS256"}]}

    def authorize(self, authorize_url: str, *, subject: str, email: str) -> str:
        """What the person's browser does at the provider: returns the redirect back to us."""
        query = {k: v[0] for k, v in parse_qs(urlparse(authorize_url).query).items()}
        assert query["client_id"] == CLIENT_ID and query["response_type"] == "code"
        assert query["code_challenge_method"] == "S256"
        assert query.get("acr_values") == (ACR if self.public_client else None)
        code = secrets.token_urlsafe(16)
        self.codes[code] = {
            "challenge": query["code_challenge"],
            "redirect_uri": query["redirect_uri"],
            "nonce": query.get("nonce"),
            "subject": subject,
            "email": email,
        }
        back = urlparse(query["redirect_uri"])
        return f"{back.path}?{urlencode({'code': code, 'state': query['state']})}"

    def token(self, form: dict, authorization: str) -> tuple[int, dict]:
        self.token_requests.append(form)
        if self.public_client:
            # Login.gov's PKCE mode: the client id, no secret; the verifier proves the client.
            if form.get("client_id") != CLIENT_ID or "client_secret" in form or authorization:
                return 401, {"error": "invalid_client"}
        else:
            expected = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
            if authorization != f"Basic {expected}":
                return 401, {"error": "invalid_client"}
        grant = self.codes.pop(form.get("code", ""), None)
        if grant is None or form.get("redirect_uri") != grant["redirect_uri"]:
            return 400, {"error": "invalid_grant"}
        verifier = form.get("code_verifier", "").encode()
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier).digest()).rstrip(b"=")
        if challenge.decode() != grant["challenge"]:
            return 400, {"error": "invalid_grant", "error_description": "PKCE check failed"}
        now = int(time.time())
        claims = {
            "iss": self.url,
            "aud": self.audience,
            "sub": grant["subject"],
            "email": grant["email"],
            "email_verified": True,
            "iat": now,
            "exp": now + 300,
        }
        if grant["nonce"]:
            claims["nonce"] = grant["nonce"]
        id_token = jwt.encode(claims, self.key, algorithm="RS256", headers={"kid": "test-key"})
        access = f"access-{grant['subject']}"
        self.codes[access] = {"subject": grant["subject"], "email": grant["email"]}
        return 200, {"access_token": access, "token_type": "Bearer", "expires_in": 300,
                     "id_token": id_token}  # fmt: skip

    def userinfo(self, authorization: str) -> dict | None:
        grant = self.codes.get(authorization.removeprefix("Bearer "))
        if grant is None:
            return None
        return {"sub": grant["subject"], "email": grant["email"], "email_verified": True}


def providers_from_environment(env: dict[str, str]) -> dict:
    """SOCIALACCOUNT_PROVIDERS as contactcenter.settings builds it from these OIDC_* variables."""
    code = (
        "import json, os;"
        "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'contactcenter.settings');"
        "from django.conf import settings; print(json.dumps(settings.SOCIALACCOUNT_PROVIDERS))"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith("OIDC_")}
    done = subprocess.run(
        [sys.executable, "-c", code], env={**clean, **env}, capture_output=True, text=True,
        check=True,
    )  # fmt: skip
    return json.loads(done.stdout)


@pytest.fixture(params=["secret", "pkce"])
def identity_provider(request, settings):
    """The provider, and the product configured for it from OIDC_* variables: with a client
    secret (sent by HTTP basic auth), or as Login.gov wants it, a public PKCE client with no
    secret at all and an ``acr_values`` on the sign-in request."""
    provider = IdentityProvider(public_client=request.param == "pkce")
    env = {"OIDC_CLIENT_ID": CLIENT_ID, "OIDC_SERVER_URL": provider.url}
    if request.param == "secret":
        env["OIDC_CLIENT_SECRET"] = CLIENT_SECRET
    else:
        env["OIDC_ACR_VALUES"] = ACR
    settings.SOCIALACCOUNT_PROVIDERS = providers_from_environment(env)
    yield provider
    provider.close()


def start_sign_in(client) -> str:
    response = client.post("/accounts/oidc/logingov/login/")
    assert response.status_code == 302
    return response["Location"]


def test_signing_in_with_login_gov_opens_an_account_with_no_case_yet(client, identity_provider):
    authorize = start_sign_in(client)
    assert authorize.startswith(f"{identity_provider.url}/authorize?")
    back = identity_provider.authorize(
        authorize, subject="logingov-sub-1", email="rosa@example.com"
    )

    response = client.get(back)

    assert response.status_code == 302, response.content[:500]
    assert response["Location"] == "/account/"
    user = get_user_model().objects.get(email="rosa@example.com")
    social = SocialAccount.objects.get(user=user)
    assert (social.provider, social.uid) == ("logingov", "logingov-sub-1")
    page = client.get("/account/")
    assert page.status_code == 200 and page.context["user"] == user
    # The code was exchanged over HTTP with the PKCE verifier and the client's credentials.
    (exchange,) = identity_provider.token_requests
    assert exchange["grant_type"] == "authorization_code" and exchange["code_verifier"]


def test_signing_in_again_reuses_the_same_account(client, identity_provider):
    for _ in range(2):
        client.logout()
        back = identity_provider.authorize(
            start_sign_in(client), subject="logingov-sub-2", email="li@example.com"
        )
        assert client.get(back)["Location"] == "/account/"
    assert get_user_model().objects.filter(email="li@example.com").count() == 1
    assert SocialAccount.objects.filter(uid="logingov-sub-2").count() == 1


def test_an_id_token_for_another_client_is_refused(client, identity_provider):
    identity_provider.audience = "urn:some-other-service"
    back = identity_provider.authorize(
        start_sign_in(client), subject="logingov-sub-3", email="mallory@example.com"
    )
    response = client.get(back)
    assert response.status_code == 401  # allauth's sign-in error page
    assert not get_user_model().objects.filter(email="mallory@example.com").exists()
    assert not SocialAccount.objects.exists()
    assert client.get("/account/").status_code == 302  # still signed out


def test_a_replayed_or_made_up_code_is_refused(client, identity_provider):
    authorize = start_sign_in(client)
    query = {k: v[0] for k, v in parse_qs(urlparse(authorize).query).items()}
    made_up = f"{urlparse(query['redirect_uri']).path}?code=guess&state={query['state']}"
    assert client.get(made_up).status_code == 401
    assert not SocialAccount.objects.exists()
    assert client.get("/account/").status_code == 302
