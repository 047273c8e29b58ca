"""Middleware of every page: the portal's language, the Permissions-Policy header, and a 400
for NUL characters in a request."""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.translation import gettext as _


class PortalLanguageMiddleware(LocaleMiddleware):
    """Simplified Chinese unless the visitor chose another language with the switch.

    Django's LocaleMiddleware would follow the browser's Accept-Language header, so an
    official on an English-language browser would land on English pages. The portal's
    default is Chinese; English is an explicit choice, remembered in the language cookie.
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request, response):
        # Not LocaleMiddleware's: it adds "Vary: Accept-Language", which would make shared
        # caches keep one copy of every page per browser language for a header the portal
        # never reads (the language comes from the cookie, and pages vary by Cookie).
        response.headers.setdefault("Content-Language", translation.get_language())
        return response


class PermissionsPolicyMiddleware:
    """Sends the Permissions-Policy header (``CHENGXIN_PERMISSIONS_POLICY``): the portal uses
    no camera, microphone, location and the like, so no page, nor anything injected into one,
    may ask for them. Django's SecurityMiddleware sets the other security headers."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = getattr(settings, "CHENGXIN_PERMISSIONS_POLICY", "")
        if policy:
            response.headers.setdefault("Permissions-Policy", policy)
        return response


class RejectNulCharactersMiddleware:
    """Answers 400 to a request whose path, query string or form carries a NUL character.

    No page has a use for one, and PostgreSQL refuses it in any text parameter: a URL like
    ``/public/departments/%00/`` or an admin autocomplete ``?term=%00`` ended in a database
    error (500). Checked once here instead of in every view, form and lookup. The API is left
    to its serializers, which answer 400 with the field at fault (``credit_records.api``).
    """

    API_PREFIX = "/api/"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(self.API_PREFIX) and self._has_nul(request):
            from config.errors import bad_request

            return bad_request(
                request,
                message=_(
                    "The address or the form contains a NUL character, "
                    "which no page of the portal accepts."
                ),
            )
        return self.get_response(request)

    @staticmethod
    def _has_nul(request) -> bool:
        if "\x00" in request.path:
            return True
        fields = [request.GET]
        if request.method == "POST" and request.content_type in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ):
            fields.append(request.POST)
        return any(
            "\x00" in key or any("\x00" in value for value in values)
            for query in fields
            for key, values in query.lists()
        )
