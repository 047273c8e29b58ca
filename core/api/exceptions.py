"""The API's one exception handler: how the services' exceptions become HTTP answers.

Services raise Django's exceptions and ``WorkflowConflict``; the workspace pages turn them
into messages and form errors, and this handler turns them into status codes, so a view
never catches them itself.
"""

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from core.exceptions import OutOfScope, WorkflowConflict


def validation_error_detail(error: DjangoValidationError) -> dict:
    """Field errors keyed like DRF's own: by field, and ``non_field_errors`` for the rest."""
    if hasattr(error, "error_dict"):
        return {
            (api_settings.NON_FIELD_ERRORS_KEY if field == NON_FIELD_ERRORS else field): messages
            for field, messages in error.message_dict.items()
        }
    return {api_settings.NON_FIELD_ERRORS_KEY: error.messages}


def exception_handler(exc, context):
    if isinstance(exc, WorkflowConflict):
        return _conflict(exc.message)
    if isinstance(exc, ConcurrentTransition):
        # django-fsm's guard: someone else moved the record between our read and our write.
        return _conflict(_("Someone else changed this record at the same time; reload it."))
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(validation_error_detail(exc))
    elif isinstance(exc, Http404):
        # Out of scope is not found. The services' message is translated; get_object_or_404's
        # names the model class in English, so it gives way to DRF's translated default.
        exc = exceptions.NotFound(str(exc) if isinstance(exc, OutOfScope) else None)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    return drf_exception_handler(exc, context)


def _conflict(message) -> Response:
    from rest_framework.views import set_rollback

    set_rollback()
    return Response({"detail": str(message)}, status=status.HTTP_409_CONFLICT)
