"""What each role may do with this app's models, registered with ``core.roles`` when the app
is ready (auditors read and export every model of it without being listed here)."""

from core.roles import Role

GRANTS = {
    Role.SUPERVISOR: {
        "evaluations.scheme": {"view", "change"},
        "evaluations.dimension": {"view", "change"},
        "evaluations.indicator": {"view", "change"},
        # delete: a draft round only (``evaluations.services.round_delete``).
        "evaluations.round": {"view", "add", "change", "delete", "export"},
        "evaluations.roundsubject": {"view", "export"},
        "evaluations.score": {"view", "add", "change", "export"},
        # add: the evaluated region's office files feedback; change: the organiser answers it
        # (``services.feedback``, which checks which of the two the supervisor is).
        "evaluations.scorefeedback": {"view", "add", "change", "export"},
        "evaluations.feedbackattachment": {"view", "add"},
    },
}
