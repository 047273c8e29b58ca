"""What each role may do with this app's models, registered with ``core.roles`` when the app
is ready (auditors read and export every model of it without being listed here)."""

from core.roles import Role

GRANTS = {
    Role.SUPERVISOR: {
        "debt.debtprofile": {"view", "add", "change", "import", "export"},
        "debt.riskassessment": {"view", "export"},
        "debt.riskwarning": {"view", "add", "change", "export"},
        "debt.emergencyevent": {"view", "add", "change", "import", "export"},
        "debt.debtaudit": {"view", "add", "change", "import", "export"},
        "debt.termassessment": {"view", "add", "change", "import", "export"},
        "debt.bondissue": {"view", "add", "change", "import", "export"},
        "debt.creditrating": {"view", "add", "change", "import", "export"},
        "debt.debtdefault": {"view"},
    },
}
