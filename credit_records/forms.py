from django import forms
from django.utils.translation import gettext_lazy as _

from .validators import normalize_uscc


class UnifiedSocialCreditCodeFormField(forms.CharField):
    """Accepts a code typed in lower case or with spaces, then validates the normalised code."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("help_text", _("18 characters, for example 11320100MB1234567X."))
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return normalize_uscc(value) if value else value

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.update({"autocomplete": "off", "spellcheck": "false", "class": "mono"})
        return attrs
