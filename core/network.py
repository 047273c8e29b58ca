"""The client's address as the portal sees it, for the sign-in lockout (django-axes,
``AXES_CLIENT_IP_CALLABLE``) and the public API's rate limit (DRF's ``NUM_PROXIES``)."""

from django.conf import settings


def client_ip(request) -> str | None:
    """The address the outermost of our ``CHENGXIN_PROXY_COUNT`` reverse proxies saw.

    The same rule as Django REST framework's throttles: with no proxy only REMOTE_ADDR counts
    (any X-Forwarded-For is the client's own invention); behind N proxies, the N-th address
    from the right of X-Forwarded-For, the one our outermost proxy wrote. Whether that proxy
    replaces the header (nginx ``$remote_addr``) or appends to it
    (``$proxy_add_x_forwarded_for``), addresses a client put in front are never used.
    """
    remote = request.META.get("REMOTE_ADDR")
    count = settings.CHENGXIN_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    addresses = [address.strip() for address in forwarded.split(",") if address.strip()]
    if count <= 0 or not addresses:
        return remote
    return addresses[-min(count, len(addresses))]
