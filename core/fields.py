"""The unified social credit code (GB 32100-2015, rules in ``core.uscc``) as a model field and
as a form field, both normalising what is typed (upper case, no spaces) before validating it."""

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from .validators import normalize_uscc, validate_uscc


class UnifiedSocialCreditCodeFormField(forms.CharField):
    """Accepts a code typed in lower case or with spaces, then validates the normalised code."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("help_text", _("18 characters, for example 11320100MB1234562T."))
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return normalize_uscc(value) if value else value

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.update({"autocomplete": "off", "spellcheck": "false", "class": "mono"})
        return attrs


class UnifiedSocialCreditCodeField(models.CharField):
    """An 18-character unified social credit code, stored upper-case and validated."""

    default_validators = [validate_uscc]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 18)
        kwargs.setdefault("verbose_name", _("unified social credit code"))
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return normalize_uscc(value) if value else value

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": UnifiedSocialCreditCodeFormField, **kwargs})
