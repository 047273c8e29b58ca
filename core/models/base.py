"""The abstract base of the portal's models.

Django's ``get_<field>_display()`` rebuilds a dictionary of the field's choices on every
call, hashing each lazily translated label (a translation lookup per label). A list page
calls it a few hundred times, which cost a department's credit profile a third of its time
(docs/performance.md). Here the labels of a field are resolved once per language and kept.
"""

from django.db import models
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
from django.utils.translation import get_language

# (field, language) -> {choice value: label}. Choices are declared in code, so the table is
# bounded by the fields with choices times the languages.
_CHOICE_LABELS: dict[tuple, dict] = {}


def choice_labels(field) -> dict:
    """The field's choice labels in the active language, by value."""
    key = (field, get_language())
    labels = _CHOICE_LABELS.get(key)
    if labels is None:
        labels = {make_hashable(value): force_str(label) for value, label in field.flatchoices}
        _CHOICE_LABELS[key] = labels
    return labels


class BaseModel(models.Model):
    class Meta:
        abstract = True

    def _get_FIELD_display(self, field):
        value = getattr(self, field.attname)
        try:
            label = choice_labels(field).get(make_hashable(value), value)
        except TypeError:  # an unhashable value that is not a choice
            label = value
        return force_str(label, strings_only=True)
