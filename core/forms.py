"""Form widgets and fields every app's forms use: dates as the browser's date picker, several
files in one field (each checked by the service that receives it).

The browser's ``<input type="date">`` and ``type="datetime-local"`` accept only ISO values
(HTML Living Standard, "valid date string": ``YYYY-MM-DD``; "valid normalized local date and
time string": ``YYYY-MM-DDTHH:MM``). Django renders a date in the active language's first
``DATE_INPUT_FORMATS``, which for Chinese is ``2026/11/25``: the browser drops such a value, the
field shows empty and saving the unchanged form fails. The widgets here always write ISO."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several evidence files in one field; each is checked by the service."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "help_text",
            _("PDF, images, Word, Excel or OFD files, up to %(size)d MB each.")
            % {"size": settings.CHENGXIN_ATTACHMENT_MAX_BYTES // 2**20},
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class DateInput(forms.DateInput):
    """A date picker that shows the stored date (ISO, whatever the language)."""

    input_type = "date"

    def __init__(self, attrs=None, format=None):
        super().__init__(attrs, format=format or "%Y-%m-%d")


class DateTimeInput(forms.DateTimeInput):
    """A local date-and-time picker that shows the stored moment (ISO, local time)."""

    input_type = "datetime-local"

    def __init__(self, attrs=None, format=None):
        super().__init__(attrs, format=format or "%Y-%m-%dT%H:%M")
