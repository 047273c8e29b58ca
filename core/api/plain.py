"""``PlainRepresentationMixin``: a read-only serializer's rows without DRF's per-field
machinery, with the same output.

DRF represents an instance by asking every field for its attribute (``get_attribute``: a
generic walk over ``source_attrs`` with its exception handling) and then for its
representation. For a list of 50 records of 24 fields that is 1,200 such round trips, a
quarter of the API's record list. Here each field gets a reader once per serializer (a
list's child serializer is one instance for all its rows): a plain attribute read for a
simple source, and no conversion where DRF's would return the value unchanged (a ``str`` in a
``CharField`` or a ``ChoiceField`` of its choices, an ``int`` in an ``IntegerField``). Every
other case (a ``source="*"`` field, a method field, dates, a value DRF would convert, an
attribute that is missing or callable) goes through the field's own methods, so the output is
DRF's own. tests/core/test_api_plain.py compares the two field by field.
"""

from collections.abc import Mapping

from django.core.exceptions import ObjectDoesNotExist
from rest_framework import serializers
from rest_framework.fields import SkipField
from rest_framework.relations import PKOnlyObject

_MISSING = object()


def _same(method, base) -> bool:
    return method is base


def _converter(field):
    """A function of the attribute's value giving the field's representation."""
    kind = type(field)
    represent = kind.to_representation
    if _same(represent, serializers.CharField.to_representation):
        return lambda value: value if type(value) is str else field.to_representation(value)
    if _same(represent, serializers.ChoiceField.to_representation):
        known = field.choice_strings_to_values

        def choice(value):
            if type(value) is str and value in known:
                return known[value]
            return field.to_representation(value)

        return choice
    if _same(represent, serializers.IntegerField.to_representation):
        return lambda value: value if type(value) is int else field.to_representation(value)
    return field.to_representation


def _drf_value(field, instance):
    """DRF's own ``Serializer.to_representation`` for one field (``_MISSING``: skipped)."""
    try:
        attribute = field.get_attribute(instance)
    except SkipField:
        return _MISSING
    check_for_none = attribute.pk if isinstance(attribute, PKOnlyObject) else attribute
    return None if check_for_none is None else field.to_representation(attribute)


def _reader(field):
    if field.source == "*" or type(field).get_attribute is not serializers.Field.get_attribute:
        return lambda instance: _drf_value(field, instance)
    attrs = tuple(field.source_attrs)
    convert = _converter(field)

    def read(instance):
        value = instance
        try:
            for attr in attrs:
                if value is None:
                    # A missing link on the way (DRF skips the field, or uses its default).
                    return _drf_value(field, instance)
                value = getattr(value, attr)
        except (AttributeError, KeyError, ObjectDoesNotExist):
            return _drf_value(field, instance)
        if callable(value) or isinstance(value, PKOnlyObject):
            return _drf_value(field, instance)
        return None if value is None else convert(value)

    return read


class PlainRepresentationMixin:
    """For a ``Serializer`` that only reads model instances (no nested mappings): the same
    ``to_representation`` as DRF's, faster (see the module's docstring)."""

    def to_representation(self, instance):
        if isinstance(instance, Mapping):
            return super().to_representation(instance)
        readers = self.__dict__.get("_plain_readers")
        if readers is None:
            readers = self._plain_readers = [
                (field.field_name, _reader(field)) for field in self._readable_fields
            ]
        data = {}
        for name, read in readers:
            value = read(instance)
            if value is not _MISSING:
                data[name] = value
        return data
