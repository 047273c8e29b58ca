"""What each role may do with this app's models, registered with ``core.roles`` when the app
is ready (auditors read and export every model of it without being listed here)."""

from core.roles import Role

GRANTS = {
    Role.SUPERVISOR: {
        "procurement.supplier": {"view", "add", "change", "import", "export"},
        "procurement.procurementproject": {"view", "add", "change", "import", "export"},
        "procurement.contract": {"view", "add", "change", "import", "export"},
        "procurement.acceptance": {"view", "add", "change", "import", "export"},
        "procurement.payment": {"view", "add", "change", "import", "export"},
        "procurement.redflag": {"view", "change", "export"},
        "procurement.violation": {"view", "add", "change", "export"},
        "procurement.agreement": {"view", "add", "change", "import", "export"},
        "procurement.obligation": {"view", "add", "change"},
        "procurement.obligationevent": {"view", "add"},
        "procurement.arrearsitem": {"view", "add", "change", "import", "export"},
        "procurement.instalment": {"view", "add", "change"},
        "procurement.arrearsbaseline": {"view", "add", "change"},
        "procurement.complaintlink": {"view", "add"},
    },
    Role.LIAISON: {
        "procurement.supplier": {"view"},
        "procurement.procurementproject": {"view"},
        "procurement.contract": {"view"},
        "procurement.acceptance": {"view"},
        "procurement.payment": {"view"},
        "procurement.redflag": {"view"},
        "procurement.violation": {"view"},
        "procurement.agreement": {"view"},
        "procurement.obligation": {"view"},
        "procurement.obligationevent": {"view"},
        "procurement.arrearsitem": {"view"},
        "procurement.instalment": {"view"},
        "procurement.complaintlink": {"view"},
    },
}
