"""Form widgets, fields and the model-form base every app's forms use: dates as the browser's
date picker, several files in one field (each checked by the service that receives it),
``ModelForm``, the base of every workspace model form, the throttled change-password form, and
the widgets of the list filters: several choices ticked in a drop-down (no Ctrl-click), yes/no
with "all".

The browser's ``<input type="date">`` and ``type="datetime-local"`` accept only ISO values
(HTML Living Standard, "valid date string": ``YYYY-MM-DD``; "valid normalized local date and
time string": ``YYYY-MM-DDTHH:MM``). Django renders a date in the active language's first
``DATE_INPUT_FORMATS``, which for Chinese is ``2026/11/25``: the browser drops such a value, the
field shows empty and saving the unchanged form fails. The widgets here always write ISO."""

from axes.handlers.proxy import AxesProxyHandler
from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext


class ModelForm(forms.ModelForm):
    """The base of every workspace model form: an error the model's ``clean()`` (or a
    service) raises for a field the form does not show is shown above the form.

    Django's ``ModelForm`` refuses such an error with a ``ValueError`` (a 500): the contract
    form has no ``project`` field, yet ``Contract.clean()`` refuses a project without an
    award under that name. The model stays the one place the rule is written."""

    def add_error(self, field, error):
        if not isinstance(error, ValidationError):
            error = ValidationError(error)
        if hasattr(error, "error_dict"):
            errors: dict[str, list] = {}
            for name, messages in error.error_dict.items():
                errors.setdefault(self._shown(name), []).extend(messages)
            error = ValidationError(errors)
        else:
            field = self._shown(field)
        super().add_error(None if field == NON_FIELD_ERRORS else field, error)

    def _shown(self, name):
        """Where an error for ``name`` is shown: at the field, or above the form."""
        if name is None or name in self.fields:
            return name
        return NON_FIELD_ERRORS


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


class CheckboxDropdown(forms.CheckboxSelectMultiple):
    """Several choices as checkboxes in a drop-down (a ``<details>``, no script): its summary
    says what is ticked, or "all" when nothing is."""

    template_name = "core/widgets/checkbox_dropdown.html"
    # The summary names at most this many of the ticked choices.
    summary_names = 2

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        chosen = {str(v) for v in (value or [])}
        labels = [str(label) for key, label in self.choices if str(key) in chosen]
        if not labels:
            summary = str(_("All"))
        elif len(labels) <= self.summary_names:
            summary = pgettext("list separator", "; ").join(labels)
        else:
            summary = str(_("%(first)s and %(more)d more")) % {
                "first": pgettext("list separator", "; ").join(labels[: self.summary_names]),
                "more": len(labels) - self.summary_names,
            }
        context["widget"]["summary"] = summary
        return context


class YesNoAllSelect(forms.Select):
    """A yes/no filter that starts at "all" (not "unknown"): "true", "false" or empty."""

    def __init__(self, attrs=None):
        super().__init__(attrs, choices=[("", _("All")), ("true", _("Yes")), ("false", _("No"))])

    def value_from_datadict(self, data, files, name):
        value = data.get(name)
        return {"true": True, "false": False, "1": True, "0": False}.get(
            str(value).lower() if value is not None else ""
        )

    def format_value(self, value):
        if value is True:
            return ["true"]
        if value is False:
            return ["false"]
        return [str(value).lower()] if value in ("true", "false") else [""]


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    """The change-password form, whose wrong current passwords count as failed sign-ins
    (django-axes): a stolen session cannot guess the password at leisure, and after
    ``AXES_FAILURE_LIMIT`` wrong guesses the account is locked out here and at sign-in alike
    (the lockout page, HTTP 429, from axes' middleware)."""

    def __init__(self, user, *args, request, **kwargs):
        self.request = request
        super().__init__(user, *args, **kwargs)

    def clean_old_password(self):
        credentials = {settings.AXES_USERNAME_FORM_FIELD: self.user.get_username()}
        if settings.AXES_ENABLED and not AxesProxyHandler.is_allowed(self.request, credentials):
            # Already locked out: the password is not even checked.
            self.request.axes_locked_out = True
            self.request.axes_credentials = credentials
            raise ValidationError(
                _(
                    "Too many wrong passwords were entered for this account. It is locked "
                    "for now; try again later."
                ),
                code="locked_out",
            )
        try:
            return super().clean_old_password()
        except ValidationError:
            # What authenticate() sends for a wrong password, and what axes counts.
            user_login_failed.send(sender=type(self), credentials=credentials, request=self.request)
            raise
