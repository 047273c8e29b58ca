"""Template context of every workspace page: the navigation the user may open and the
number of unread notifications."""

from core.navigation import workspace_navigation
from core.urls_memo import memo_reverse


def _link(user, current: str, label, url_name: str, permission: str | None):
    if permission and not user.has_perm(permission):
        return None
    # Two dozen links on every page: reversed once per process (core/urls_memo.py).
    url = memo_reverse(url_name)
    active = current == url if url_name == "workspace:home" else current.startswith(url)
    return {"label": label, "url": url, "active": active}


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"workspace_nav": []}
    current = request.path
    items = []
    for entry in workspace_navigation():
        if isinstance(entry[1], list):
            label, links = entry
            children = [link for link in (_link(user, current, *link) for link in links) if link]
            if len(children) == 1:
                items.append(children[0])
            elif children:
                active = any(child["active"] for child in children)
                items.append({"label": label, "children": children, "active": active})
        else:
            link = _link(user, current, *entry)
            if link:
                items.append(link)
    from .notifications import unread_count

    return {"workspace_nav": items, "unread_notifications": unread_count(user)}
