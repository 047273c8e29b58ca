"""Single sign-on with OpenID Connect, through mozilla-django-oidc.

Why mozilla-django-oidc rather than django-allauth: it is a small library that does exactly
one thing, the relying party of OpenID Connect's authorisation-code flow (state, nonce, PKCE,
the token exchange, the ID token's signature checked against the provider's JWKS with PyJWT),
and it plugs in as one authentication backend. django-allauth brings sign-up, email
verification, account linking and its own templates and models, none of which a portal whose
accounts an administrator creates may use.

The backend below tightens it where the portal needs more:

* the ID token's issuer, audience (this client) and expiry are checked too (the library
  checks the signature and the nonce, not the audience);
* a person is matched to an existing account by one configured claim
  (``CHENGXIN_OIDC_MATCH_CLAIM``) against one field of the account
  (``CHENGXIN_OIDC_MATCH_FIELD``), exactly and case-insensitively; no match, or more than one,
  is a refusal, and nothing is ever created or updated (roles and scope are assigned by an
  administrator);
* with single sign-on off (no client id), it does nothing.
"""

import jwt
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

# The account fields a claim may be matched against: unique, or nearly so, and never edited
# by the person themselves.
MATCH_FIELDS = {"username", "email"}


class MatchingOIDCBackend(OIDCAuthenticationBackend):
    def __init__(self, *args, **kwargs):
        self.enabled = settings.CHENGXIN_OIDC_ENABLED
        if self.enabled:
            super().__init__(*args, **kwargs)
            if settings.CHENGXIN_OIDC_MATCH_FIELD not in MATCH_FIELDS:
                raise ImproperlyConfigured(
                    f"CHENGXIN_OIDC_MATCH_FIELD must be one of {sorted(MATCH_FIELDS)}"
                )
        else:
            from django.contrib.auth import get_user_model

            self.UserModel = get_user_model()

    def authenticate(self, request, **kwargs):
        if not self.enabled or "nonce" not in kwargs:
            # Not single sign-on's callback (a password sign-in, client.login in tests).
            return None
        return super().authenticate(request, **kwargs)

    def _verify_jws(self, payload, key):
        # The library's checks (the algorithm is the configured one, the signature), then the
        # registered claims it leaves out.
        claims = super()._verify_jws(payload, key)
        try:
            jwt.decode(
                payload,
                key,
                algorithms=[self.OIDC_RP_SIGN_ALGO],
                audience=self.OIDC_RP_CLIENT_ID,
                issuer=settings.CHENGXIN_OIDC_ISSUER or None,
                options={"require": ["exp", "iat", "aud", "iss", "sub"]},
                leeway=30,
            )
        except jwt.PyJWTError as error:
            raise SuspiciousOperation(f"ID token refused: {error}") from error
        return claims

    def verify_claims(self, claims):
        return bool(claims.get(settings.CHENGXIN_OIDC_MATCH_CLAIM))

    def describe_user_by_claims(self, claims):
        claim = settings.CHENGXIN_OIDC_MATCH_CLAIM
        return f"{claim}={claims.get(claim)!r}"

    def filter_users_by_claims(self, claims):
        value = str(claims.get(settings.CHENGXIN_OIDC_MATCH_CLAIM) or "").strip()
        if not value:
            return self.UserModel.objects.none()
        field = settings.CHENGXIN_OIDC_MATCH_FIELD
        return self.UserModel.objects.filter(**{f"{field}__iexact": value, "is_active": True})

    def get_userinfo(self, access_token, id_token, payload):
        info = super().get_userinfo(access_token, id_token, payload)
        # OpenID Connect Core 5.3.2: the user-info answer must be about the ID token's subject.
        if str(info.get("sub")) != str(payload.get("sub")):
            raise SuspiciousOperation("The user-info subject differs from the ID token's.")
        # The matching claim may come in the ID token only.
        return {**payload, **info}

    def get_or_create_user(self, access_token, id_token, payload):
        user = super().get_or_create_user(access_token, id_token, payload)
        if user is None:
            self.request.sso_refusal = "unknown"
        return user

    def create_user(self, claims):  # pragma: no cover - OIDC_CREATE_USER is False
        raise SuspiciousOperation("Single sign-on never creates accounts.")

    def update_user(self, user, claims):
        # The identity platform's name or email never overwrite what the portal keeps.
        return user
