"""Watching objects and saving views of lists.

An app declares which of its models can be watched, and which watched objects a change to one
of its rows concerns (a record's change concerns the record and its department), with
``register_watched`` in its ``apps.py`` ``ready()``. ``save_with_history`` — the one road of
every write — calls ``changed``, which tells each watcher once the transaction commits: the
person who made the change is not told, nor anyone who can no longer see the object, and an
object with an unread notice already waiting does not get a second one (no floods from a burst
of edits; the notice links to the object, whose history says what changed)."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from core.models import Notification, NotificationKind, SavedView, User, Watch
from core.notifications import notify_translated
from core.scope import scope_queryset


@dataclass(frozen=True)
class Watched:
    """How a model takes part: ``url(obj)`` is the page a notice links to; ``concerns(obj)``
    the watched objects a change to ``obj`` is news for (itself, if watchable)."""

    url: Callable | None
    concerns: Callable[[object], Iterable]


_REGISTRY: dict[type, Watched] = {}


def register_watched(model, *, url=None, concerns=None) -> None:
    """Declare ``model``: watchable when ``url`` is given (its page), and news for the objects
    ``concerns(obj)`` returns when one of its rows changes (by default the row itself)."""
    _REGISTRY[model] = Watched(url=url, concerns=concerns or (lambda obj: [obj]))


def is_watchable(obj) -> bool:
    entry = _REGISTRY.get(type(obj))
    return entry is not None and entry.url is not None


def _content_type(obj) -> ContentType:
    return ContentType.objects.get_for_model(obj, for_concrete_model=False)


def watches_of(obj):
    return Watch.objects.filter(target_type=_content_type(obj), target_id=obj.pk)


def is_watching(user, obj) -> bool:
    return watches_of(obj).filter(user=user).exists()


def watch(*, user, target) -> Watch:
    """Start watching ``target`` (which the caller has found inside the user's scope)."""
    if not is_watchable(target):
        raise ValueError(f"{type(target).__name__} is not registered as watchable")
    try:
        with transaction.atomic():
            return Watch.objects.create(
                user=user, target_type=_content_type(target), target_id=target.pk
            )
    except IntegrityError:  # watching already (two clicks at once)
        return watches_of(target).get(user=user)


def unwatch(*, user, target) -> None:
    watches_of(target).filter(user=user).delete()


def watched_by(user) -> list[dict]:
    """The user's watches with their objects and pages, newest first (objects since deleted
    or moved out of the user's scope are left out)."""
    entries = []
    for item in Watch.objects.filter(user=user).select_related("target_type"):
        model = item.target_type.model_class()
        entry = _REGISTRY.get(model)
        if entry is None or entry.url is None:
            continue
        target = scope_queryset(user, model._default_manager.filter(pk=item.target_id)).first()
        if target is not None:
            entries.append({"watch": item, "target": target, "url": entry.url(target)})
    return entries


def changed(instance, *, actor, reason: str = "") -> None:
    """Called for every write: queue the watchers' notices for after the commit."""
    entry = _REGISTRY.get(type(instance))
    if entry is None:
        return
    actor_pk = getattr(actor, "pk", None)
    transaction.on_commit(lambda: _tell_watchers(instance, entry, actor_pk, actor, reason))


def _tell_watchers(instance, entry: Watched, actor_pk, actor, reason: str) -> None:
    for target in entry.concerns(instance):
        target_entry = _REGISTRY.get(type(target))
        if target is None or target_entry is None or target_entry.url is None:
            continue
        watchers = [
            item.user
            for item in watches_of(target).select_related("user").exclude(user_id=actor_pk)
        ]
        waiting = set(
            Notification.objects.about(target)
            .filter(kind=NotificationKind.WATCH, read_at__isnull=True)
            .values_list("recipient_id", flat=True)
        )
        model = type(target)
        recipients = [
            user
            for user in watchers
            if user.pk not in waiting
            and user.is_active
            and scope_queryset(user, model._default_manager.filter(pk=target.pk)).exists()
        ]
        if not recipients:
            continue

        def describe(target=target, changed_row=instance):
            title = _("Changed: %(object)s") % {"object": target}
            parts = []
            if changed_row is not target:
                parts.append(
                    _("%(kind)s “%(object)s” changed.")
                    % {"kind": type(changed_row)._meta.verbose_name, "object": changed_row}
                )
            if reason:
                parts.append(str(reason))
            if actor is not None:
                parts.append(_("By %(who)s.") % {"who": actor})
            else:
                parts.append(_("By the system."))
            return title, " ".join(parts)

        notify_translated(
            recipients,
            kind=NotificationKind.WATCH,
            describe=describe,
            url=target_entry.url(target),
            target=target,
        )


# Saved views ------------------------------------------------------------------------------

# Query parameters that are not filters: a saved view opens on the first page, unexported.
NOT_FILTERS = frozenset({"page", "cursor", "export", "format", "view"})


def filters_of(query_dict) -> str:
    """The filter part of a list's query string, in a stable order."""
    kept = query_dict.copy()
    for name in NOT_FILTERS:
        kept.pop(name, None)
    return kept.urlencode()


def same_office(user):
    """The users who share ``user``'s scope: their office."""
    if user.department_id:
        return User.objects.filter(department_id=user.department_id)
    if user.region_id:
        return User.objects.filter(region_id=user.region_id, department__isnull=True)
    return User.objects.filter(pk=user.pk)


def views_for(user, path: str):
    """The views of the list at ``path`` that ``user`` may open: their own and those their
    office shares."""
    return (
        SavedView.objects.filter(path=path)
        .filter(Q(owner=user) | Q(shared=True, owner__in=same_office(user)))
        .select_related("owner__department", "owner__region")
    )


def save_view(*, user, path: str, name: str, query: str, shared: bool) -> SavedView:
    """Keep the list's current filters under ``name`` (replacing the user's view of that name
    on this list)."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the view a name.")})
    if len(name) > SavedView._meta.get_field("name").max_length:
        raise ValidationError({"name": _("The name is too long (80 characters at most).")})
    view, _created = SavedView.objects.update_or_create(
        owner=user, path=path, name=name, defaults={"query": query, "shared": shared}
    )
    return view


def delete_view(*, user, view_id) -> bool:
    """Delete one of the user's own views; another's shared view is not theirs to delete."""
    return SavedView.objects.filter(pk=view_id, owner=user).delete()[0] > 0
