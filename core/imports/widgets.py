"""Cell widgets of the imports: scoped foreign keys by natural key, yes/no, choice labels and
dates as officials type them."""

from contextvars import ContextVar
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from import_export import fields, widgets

from core.scope import scope_queryset

# What the current import has already looked up or worked out (set by
# ScopedResource.import_data, None outside an import): related rows found by natural key
# (hits only, unless the widget says otherwise: a miss may be created by a later row of the
# same file), and the results of pure conversions of one cell value (``memoised``).
import_lookups: ContextVar[dict | None] = ContextVar("import_lookups", default=None)


_MISSING = object()


def memoised(owner, value, compute):
    """``compute(value)``, worked out once per import for each distinct ``value`` of
    ``owner`` (a widget, say): a 10,000-row file has a few dozen distinct dates, categories and
    departments. A ValueError (a row's reason) is remembered and raised again, as a new
    exception with the same message."""
    cache = import_lookups.get()
    if cache is None:
        return compute(value)
    key = (id(owner), type(value), value)
    try:
        hit = cache.get(key, _MISSING)
    except TypeError:  # an unhashable cell value
        return compute(value)
    if hit is _MISSING:
        try:
            hit = (True, compute(value))
        except ValueError as error:
            hit = (False, str(error))
        cache[key] = hit
    ok, result = hit
    if ok:
        return result
    raise ValueError(result)


class ScopedForeignKeyWidget(widgets.ForeignKeyWidget):
    """Looks a related row up by its natural key inside the importing user's scope and
    reports an unknown key as a row error instead of crashing."""

    def __init__(self, model, field, *, normalize=None, validate=None, final=False, **kwargs):
        super().__init__(model, field, **kwargs)
        self.normalize = normalize
        self.validate = validate
        # ``final``: the import cannot create rows of ``model`` (records never create
        # departments), so a key the import did not find stays unknown for the rest of it.
        self.final = final

    def prefetch(self, values, *, user) -> None:
        """Looks every key in ``values`` up in one query, for the rest of this import."""
        found = import_lookups.get()
        if found is None:
            return
        keys = set()
        for value in values:
            value = "" if value is None else str(value).strip()
            if value and self.normalize:
                value = self.normalize(value)
            if value:
                keys.add(value)
        queryset = self.model.objects.filter(**{f"{self.field}__in": keys})
        if user is not None:
            queryset = scope_queryset(user, queryset)
        user_pk = getattr(user, "pk", None)
        for obj in queryset:
            found[(self.model, self.field, getattr(obj, self.field), user_pk)] = obj
        if self.final:
            # What the query did not find is not there: no query a row for it.
            for key in keys:
                found[(self.model, self.field, key, user_pk, "prefetched")] = True

    def key(self, value) -> str:
        """The cell's natural key, normalised and validated (pure: memoised per import)."""
        value = "" if value is None else str(value).strip()
        if self.normalize and value:
            value = self.normalize(value)
        if value and self.validate:
            # Say what is wrong with a malformed key (a pilot-era code failing its checksum)
            # rather than that no such row exists.
            try:
                self.validate(value)
            except ValidationError as error:
                raise ValueError(" ".join(error.messages)) from None
        return value

    def clean(self, value, row=None, **kwargs):
        resource_user = kwargs.get("user")
        found = import_lookups.get()
        if found is not None:
            # The row found for this very cell value before, in this import.
            try:
                cell_key = (id(self), getattr(resource_user, "pk", None), type(value), value)
                hit = found.get(cell_key)
            except TypeError:  # an unhashable cell value
                cell_key = hit = None
            if hit is not None:
                return hit
        value = memoised(self, value, self.key)
        if not value:
            return None
        cache_key = (self.model, self.field, value, getattr(resource_user, "pk", None))
        if found is not None:
            hit = found.get(cache_key)
            if hit is not None:
                if cell_key is not None:
                    found[cell_key] = hit
                return hit
            if self.final and (*cache_key, "prefetched") in found:
                self._unknown(value)
        queryset = self.model.objects.all()
        if resource_user is not None:
            queryset = scope_queryset(resource_user, queryset)
        try:
            obj = queryset.get(**{self.field: value})
            if found is not None:
                found[cache_key] = obj
            return obj
        except self.model.DoesNotExist:
            self._unknown(value)

    def _unknown(self, value):
        raise ValueError(
            _("No %(model)s “%(value)s” exists in your scope.")
            % {"model": self.model._meta.verbose_name, "value": value}
        ) from None


class YesNoWidget(widgets.BooleanWidget):
    """A yes/no column: 是/否 (what officials type, and the workspace exports' own labels),
    yes/no, true/false or 1/0, in any case; an empty cell is None (the resource's default).
    Anything else is a row error: import_export's BooleanWidget reads "是" or "maybe" as
    False, which would silently deactivate a department or withdraw a debt profile from the
    disclosure pages. Give its field ``saves_null_values=False`` where an empty cell should
    keep the model's default (a new row) or the current value (an updated one)."""

    TRUE_TEXT = frozenset({"1", "true", "yes", "y", "是"})
    FALSE_TEXT = frozenset({"0", "false", "no", "n", "否"})

    def clean(self, value, row=None, **kwargs):
        if value is None or isinstance(value, bool):
            return value
        text = str(value).strip()
        if isinstance(value, int | float | Decimal) and value in (0, 1):
            text = str(int(value))
        if not text:
            return None
        folded = text.casefold()
        if folded in self.TRUE_TEXT or folded == str(_("Yes")).casefold():
            return True
        if folded in self.FALSE_TEXT or folded == str(_("No")).casefold():
            return False
        raise ValueError(
            _("“%(value)s” is not yes or no: use 是 or 否 (or true/false, 1/0).") % {"value": value}
        )

    def render(self, value, obj=None, **kwargs):
        # 是/否 in exports and the import preview, as officials write it (and read it back).
        if value is None or not isinstance(value, bool):
            return ""
        return str(_("Yes") if value else _("No"))


def yes_no_field(attribute: str, column_name) -> fields.Field:
    """A yes/no column (``YesNoWidget``) whose empty cell keeps the model's default on a new
    row and the current value on an updated one."""
    return fields.Field(
        attribute=attribute,
        column_name=column_name,
        widget=YesNoWidget(),
        saves_null_values=False,
    )


def optional_text_field(attribute: str, column_name) -> fields.Field:
    """An optional text column: an empty cell (None from openpyxl) is an empty text, not a
    NULL that the NOT NULL column would refuse."""
    return fields.Field(
        attribute=attribute,
        column_name=column_name,
        widget=widgets.CharWidget(allow_blank=True),
    )


class ChoiceLabelWidget(widgets.Widget):
    """Exports a choice as its translated label and imports either the label or the value."""

    def __init__(self, choices, **kwargs):
        super().__init__(**kwargs)
        self.choices = choices
        self._labels = {}  # language: {value: label}

    def clean(self, value, row=None, **kwargs):
        return memoised(self, value, self._clean)

    def _clean(self, value):
        value = "" if value is None else str(value).strip()
        if not value:
            return ""
        for stored, label in self.choices:
            if value in (stored, str(label)):
                return stored
        raise ValueError(
            _("“%(value)s” is not one of: %(allowed)s.")
            % {"value": value, "allowed": "、".join(str(label) for _s, label in self.choices)}
        )

    def render(self, value, obj=None, **kwargs):
        # Translated once per language, not once a cell (an export or a preview of 10,000
        # rows renders each choice tens of thousands of times).
        language = kwargs.get("language") or translation.get_language()
        labels = self._labels.get(language)
        if labels is None:
            labels = self._labels[language] = {stored: str(label) for stored, label in self.choices}
        try:
            return labels[value]
        except (KeyError, TypeError):
            return str(value or "")


class DateWidget(widgets.DateWidget):
    """import_export's date widget, parsing each distinct cell value once per import."""

    def clean(self, value, row=None, **kwargs):
        return memoised(self, value, super().clean)
