"""``{% watch_button obj %}`` (watch or stop watching a department or a record) and
``{% saved_views %}`` (a list's saved views and the form that saves the current filters)."""

from django import template
from django.contrib.contenttypes.models import ContentType

from core import watching

register = template.Library()


@register.inclusion_tag("includes/watch_button.html", takes_context=True)
def watch_button(context, obj):
    request = context["request"]
    return {
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "watchable": watching.is_watchable(obj),
        "watching": watching.is_watching(request.user, obj),
        "type_id": ContentType.objects.get_for_model(obj, for_concrete_model=False).pk,
        "object_id": obj.pk,
    }


@register.inclusion_tag("includes/saved_views.html", takes_context=True)
def saved_views(context):
    request = context["request"]
    current = watching.filters_of(request.GET)
    views = list(watching.views_for(request.user, request.path))
    return {
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "views": views,
        "current_query": current,
        "active": next((v for v in views if v.query == current), None),
    }
