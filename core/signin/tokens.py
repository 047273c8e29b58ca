"""API tokens (Django REST framework's ``authtoken``: one per user, sent as
``Authorization: Token <key>``) that expire ``CHENGXIN_API_TOKEN_DAYS`` after they were issued
or rotated, and that their owner rotates (a new key, shown once; the old one stops at once) and
revokes on their "API token" page. An expired or revoked token is refused with 401 and a
translated reason."""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token

# How much of a key the owner's page shows: enough to tell one token from another.
PREFIX_LENGTH = 6


def expires_at(token: Token) -> datetime.datetime:
    return token.created + datetime.timedelta(days=settings.CHENGXIN_API_TOKEN_DAYS)


def is_expired(token: Token, *, now: datetime.datetime | None = None) -> bool:
    return (now or timezone.now()) >= expires_at(token)


def prefix(token: Token) -> str:
    return token.key[:PREFIX_LENGTH]


def token_of(user) -> Token | None:
    return Token.objects.filter(user=user).first()


@transaction.atomic
def token_rotate(*, user) -> Token:
    """Issue ``user`` a new key (their first, or in place of the old one, which stops working
    at once); it is valid for ``CHENGXIN_API_TOKEN_DAYS`` from now. The caller shows the key
    once: the page never shows it again."""
    Token.objects.filter(user=user).delete()
    return Token.objects.create(user=user)


@transaction.atomic
def token_revoke(*, user) -> bool:
    """Withdraw ``user``'s token; returns whether there was one."""
    deleted, _kinds = Token.objects.filter(user=user).delete()
    return bool(deleted)


class ExpiringTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key):
        # The user with their region and department, as a session's (core/backends.py): the
        # scope of every query reads them.
        token = (
            Token.objects.select_related("user__region", "user__department").filter(key=key).first()
        )
        if token is None:
            raise exceptions.AuthenticationFailed(
                _("This API token is not valid: it was revoked, rotated or never issued.")
            )
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("The account of this API token is disabled."))
        if is_expired(token):
            raise exceptions.AuthenticationFailed(
                _("This API token expired on %(date)s: issue a new one on your API token page.")
                % {"date": timezone.localtime(expires_at(token)).strftime("%Y-%m-%d")}
            )
        return (token.user, token)
