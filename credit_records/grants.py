"""What each role may do with this app's models, registered with ``core.roles`` when the app
is ready (auditors read and export every model of it without being listed here)."""

from core.roles import Role

GRANTS = {
    Role.SUPERVISOR: {
        "credit_records.publicofficial": {"view", "add", "change", "import", "export"},
        "credit_records.dishonestyrecord": {"view", "add", "change", "import", "export"},
        "credit_records.recordevent": {"view"},
        "credit_records.attachment": {"view", "add"},
        "credit_records.rectification": {"view", "change"},
        "credit_records.rectificationreport": {"view"},
        "credit_records.deadlineextension": {"view", "add"},
        "credit_records.faulttoleranceclaim": {"view", "add", "change"},
        "credit_records.commendation": {"view", "add", "change", "import", "export"},
        "credit_records.commitment": {"view", "add", "change", "import", "export"},
        "credit_records.creditrepairapplication": {"view", "add", "change"},
        "credit_records.accountabilityentry": {"view"},
        "credit_records.objection": {"view", "add", "change", "export"},
        # Complaints: their steps are the handling office's (services.complaints); the
        # complainant's details are read through selectors.complaints.complainant_for only.
        "credit_records.complaint": {"view", "change", "export"},
        "credit_records.complaintevent": {"view"},
        # Intake: the queue's decisions and file imports, and the court cases' settlement
        # (services.intake, services.court_cases); the sources are the administrators'.
        "credit_records.intakeitem": {"view", "add", "change", "import", "export"},
        "credit_records.courtcase": {"view", "change", "export"},
    },
    Role.LIAISON: {
        "credit_records.publicofficial": {"view"},
        "credit_records.dishonestyrecord": {"view"},
        "credit_records.recordevent": {"view"},
        "credit_records.attachment": {"view", "add"},
        "credit_records.rectification": {"view"},
        "credit_records.rectificationreport": {"view", "add"},
        "credit_records.deadlineextension": {"view"},
        "credit_records.faulttoleranceclaim": {"view", "add"},
        "credit_records.commendation": {"view"},
        "credit_records.commitment": {"view"},
        "credit_records.creditrepairapplication": {"view", "add"},
        "credit_records.accountabilityentry": {"view"},
        "credit_records.objection": {"view", "add"},
        "credit_records.courtcase": {"view"},
    },
    # A platform account pushes items into the intake queue and reads nothing.
    Role.INTAKE: {"credit_records.intakeitem": {"add"}},
}
