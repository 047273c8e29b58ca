"""The "purchaser credit" panel on a department's credit profile."""

from .selectors import purchaser_score, purchaser_summary


def purchaser_credit_panel(department, user):
    if not user.has_perm("procurement.view_procurementproject"):
        return None
    if not (department.procurement_projects.exists() or department.procurement_violations.exists()):
        return None
    return {
        "template": "procurement/includes/purchaser_panel.html",
        "context": {
            "department": department,
            "score": purchaser_score(department),
            "summary": purchaser_summary(department),
        },
    }
