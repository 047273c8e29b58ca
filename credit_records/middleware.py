from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


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
