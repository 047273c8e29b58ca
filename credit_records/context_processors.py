from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# The workspace navigation: a link is (label, URL name, permission needed); a menu is
# (label, [links]) and shows the links the user may open, as a drop-down (a <details>
# element: no JavaScript). A menu with one permitted link is shown as that link.
WORKSPACE_NAVIGATION = [
    (_("Workspace"), "workspace:home", None),
    (
        _("Credit files"),
        [
            (
                _("Dishonesty records"),
                "workspace:record_list",
                "credit_records.view_dishonestyrecord",
            ),
            (_("Departments"), "workspace:department_list", "credit_records.view_department"),
            (_("Officials"), "workspace:official_list", "credit_records.view_publicofficial"),
            (
                _("Commendations"),
                "workspace:commendation_list",
                "credit_records.view_commendation",
            ),
            (_("Commitments"), "workspace:commitment_list", "credit_records.view_commitment"),
            (_("Regions"), "workspace:region_list", "credit_records.view_region"),
        ],
    ),
    (
        _("Procurement"),
        [
            (
                _("Procurement projects"),
                "procurement:project_list",
                "procurement.view_procurementproject",
            ),
            (_("Red flags"), "procurement:flag_list", "procurement.view_redflag"),
        ],
    ),
    (
        _("Government debt"),
        [
            (_("Overview"), "debt:overview", "debt.view_debtprofile"),
            (_("Debt warnings"), "debt:warning_list", "debt.view_riskwarning"),
        ],
    ),
    (_("Integrity evaluations"), "evaluations:round_list", "evaluations.view_round"),
]


def _link(user, current: str, label, url_name: str, permission: str | None):
    if permission and not user.has_perm(permission):
        return None
    url = reverse(url_name)
    active = current == url if url_name == "workspace:home" else current.startswith(url)
    return {"label": label, "url": url, "active": active}


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"workspace_nav": []}
    current = request.path
    items = []
    for entry in WORKSPACE_NAVIGATION:
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
