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
