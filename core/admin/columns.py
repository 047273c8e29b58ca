"""Columns of the admin's change lists that Django would show in its own way: amounts of money,
shown as the workspace shows them (1,234,567.80, ``core.money``), right-aligned and kept on
one line (``static/css/admin.css``), still sortable by their field."""

from django.contrib import admin
from django.utils.html import format_html

from core.money import NO_AMOUNT, format_money


def money_column(model, name: str):
    """A ``list_display`` entry showing ``model.name`` (a DecimalField of money) formatted."""
    field = model._meta.get_field(name)

    @admin.display(description=field.verbose_name, ordering=name)
    def column(obj):
        value = getattr(obj, name)
        if value is None:
            return NO_AMOUNT
        return format_html('<span class="money">{}</span>', format_money(value))

    # The cell's class is "field-<name>", as for a plain field.
    column.__name__ = name
    return column
