from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# The workspace navigation: (label, URL name, permission needed). Later issues add entries.
WORKSPACE_NAVIGATION = [
    (_("Workspace"), "workspace:home", None),
    (_("Dishonesty records"), "workspace:record_list", "credit_records.view_dishonestyrecord"),
    (_("Departments"), "workspace:department_list", "credit_records.view_department"),
    (_("Officials"), "workspace:official_list", "credit_records.view_publicofficial"),
    (_("Commendations"), "workspace:commendation_list", "credit_records.view_commendation"),
    (_("Commitments"), "workspace:commitment_list", "credit_records.view_commitment"),
    (_("Regions"), "workspace:region_list", "credit_records.view_region"),
    (_("Government debt"), "debt:overview", "debt.view_debtprofile"),
    (_("Debt warnings"), "debt:warning_list", "debt.view_riskwarning"),
    (_("Procurement"), "procurement:project_list", "procurement.view_procurementproject"),
    (_("Red flags"), "procurement:flag_list", "procurement.view_redflag"),
    (_("Integrity evaluations"), "evaluations:round_list", "evaluations.view_round"),
]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"workspace_nav": []}
    current = request.path
    items = []
    for label, url_name, permission in WORKSPACE_NAVIGATION:
        if permission and not user.has_perm(permission):
            continue
        url = reverse(url_name)
        active = current == url if url_name == "workspace:home" else current.startswith(url)
        items.append({"label": label, "url": url, "active": active})
    from .notifications import unread_count

    return {"workspace_nav": items, "unread_notifications": unread_count(user)}
