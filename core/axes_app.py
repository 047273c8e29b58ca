"""django-axes (sign-in throttling) under a name officials read: its admin group showed as
"AXES", the app's label, untranslated. INSTALLED_APPS names this config instead of "axes".
(Kept out of core/apps.py: Django picks a module's only AppConfig as the app's default.)"""

from axes.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SignInThrottlingConfig(AppConfig):
    verbose_name = _("Sign-in throttling")
