"""Model permissions for the API: the role's grants (``roles.py``) say which kind of request a
user may make at all; the scope (``get_queryset``) and the services decide the rest."""

from rest_framework.permissions import DjangoModelPermissions


class ModelPermissions(DjangoModelPermissions):
    """Django model permissions, with ``view`` required to read.

    A viewset's extra actions name their own permissions in ``action_permissions``
    (``{"confirm": ["credit_records.change_dishonestyrecord"]}``), so that a read-only role is
    refused (403) before any service looks at the object's state.
    """

    perms_map = {
        **DjangoModelPermissions.perms_map,
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "OPTIONS": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
    }

    def has_permission(self, request, view):
        required = getattr(view, "action_permissions", {}).get(getattr(view, "action", None))
        if required is None:
            return super().has_permission(request, view)
        user = request.user
        return bool(user and user.is_authenticated and user.has_perms(required))
