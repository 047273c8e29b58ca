"""What an official keeps an eye on: saved views of a list (its filters under a name, for
themselves or shared with their office) and watches on an object (a department, a record) whose
changes reach their inbox. NetBox's saved filters and subscriptions are the model."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from .base import BaseModel


class SavedView(BaseModel):
    """A list's filters kept under a name. ``path`` is the list's address (its URL path) and
    ``query`` the query string of its filters, without paging. Shared views are offered to the
    owner's office: the users of the same department, or of the same region scope."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.CASCADE,
        related_name="saved_views",
    )
    name = models.CharField(_("name"), max_length=80)
    path = models.CharField(_("list"), max_length=200)
    query = models.CharField(_("filters"), max_length=2000, blank=True)
    shared = models.BooleanField(
        _("shared with my office"),
        default=False,
        help_text=_("Colleagues with the same scope see this view in their list too."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("saved view")
        verbose_name_plural = _("saved views")
        ordering = ["path", "name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "path", "name"],
                name="saved_view_name_once_per_list",
                violation_error_message=_("You already have a view of this list by that name."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def url(self) -> str:
        return f"{self.path}?{self.query}" if self.query else self.path


class Watch(BaseModel):
    """A user watching an object: each change to it (or, for a department, to its records)
    is a notification in their inbox."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="watches",
    )
    target_type = models.ForeignKey(
        ContentType, verbose_name=_("type"), on_delete=models.CASCADE, related_name="+"
    )
    target_id = models.PositiveBigIntegerField(_("object id"))
    target = GenericForeignKey("target_type", "target_id")
    created_at = models.DateTimeField(_("watching since"), auto_now_add=True)

    class Meta:
        verbose_name = _("watch")
        verbose_name_plural = _("watches")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "target_type", "target_id"], name="watch_once_per_object"
            ),
        ]
        indexes = [models.Index(fields=["target_type", "target_id"], name="watch_target")]

    def __str__(self) -> str:
        return str(self.target) if self.target is not None else ""
