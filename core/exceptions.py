"""The one exceptions module of the portal: what a service raises when a step cannot be taken."""

from django.http import Http404


class WorkflowConflict(Exception):
    """The action does not fit the object's current state (the API answers 409)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class OutOfScope(Http404):
    """The object is outside the actor's scope: to them it does not exist."""
