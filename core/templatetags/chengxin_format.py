"""``{{ amount|money }}``: an amount with a comma between thousands and two decimals
("1,234,567.80", see ``core.money``), the one way every page shows money. Loaded as a template
builtin (``TEMPLATES`` in settings), so no template needs to ``{% load %}`` it."""

from django import template

from core.money import format_money

register = template.Library()


@register.filter(is_safe=True)
def money(value) -> str:
    """The amount formatted by ``core.money.format_money``; "—" when there is none."""
    return format_money(value)
