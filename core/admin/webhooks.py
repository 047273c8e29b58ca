"""The admin of the event outbox and webhooks: subscriptions (target, events wanted, secret),
the events, each delivery with its attempts, and the "resend" action; the transparency log's
entries and checkpoints, read-only. Administrators only (``roles.ADMIN_ONLY_MODELS``): a
subscription's secret signs what other systems trust."""

import json

from django import forms
from django.contrib import admin, messages
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.events import event_type_choices
from core.models import (
    OutboxEvent,
    TransparencyCheckpoint,
    TransparencyEntry,
    WebhookAttempt,
    WebhookDelivery,
    WebhookSubscription,
)
from core.webhooks import delivery_resend


def data(value) -> str:
    """Stored data (URLs, identifiers, JSON, a receiver's answer) shown as it is, isolated in
    <bdi>: it is not interface text to translate."""
    if not isinstance(value, str):
        value = json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True)
    return format_html("<bdi>{}</bdi>", value) if value else ""


class SubscriptionForm(forms.ModelForm):
    target_url = forms.URLField(
        label=_("target URL"),
        max_length=500,
        assume_scheme="https",
        help_text=_("Events are posted here as JSON (HTTPS; see docs/exchange.md)."),
    )
    event_types = forms.MultipleChoiceField(
        label=_("event types"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The events sent to this address; none chosen means every event."),
    )

    class Meta:
        model = WebhookSubscription
        fields = ["name", "target_url", "event_types", "secret", "active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["event_types"].choices = event_type_choices()


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(admin.ModelAdmin):
    form = SubscriptionForm
    list_display = ["name", "target", "active", "created_at"]

    @admin.display(description=_("target URL"), ordering="target_url")
    def target(self, obj):
        return data(obj.target_url)

    list_filter = ["active"]
    search_fields = ["name", "target_url"]


class AttemptInline(admin.TabularInline):
    model = WebhookAttempt
    extra = 0
    can_delete = False
    fields = ["attempted_at", "status_code", "duration_ms", "answer", "problem"]
    readonly_fields = fields

    @admin.display(description=_("response"))
    def answer(self, obj):
        return data(obj.response_excerpt)

    @admin.display(description=_("error"))
    def problem(self, obj):
        return data(obj.error)

    def has_add_permission(self, request, obj=None):
        return False


class ReadOnlyModelAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyModelAdmin):
    list_display = ["event", "subscription", "status", "attempts", "next_attempt_at"]
    list_filter = ["status", "subscription"]
    list_select_related = ["event", "subscription"]
    readonly_fields = [
        "subscription",
        "event",
        "status",
        "attempts",
        "next_attempt_at",
        "retry_since",
        "delivered_at",
        "created_at",
    ]
    exclude = ["content_type", "object_id"]
    inlines = [AttemptInline]
    actions = ["resend"]

    @admin.action(description=_("Send again"), permissions=["view"])
    def resend(self, request, queryset):
        count = 0
        for delivery in queryset:
            delivery_resend(delivery=delivery, actor=request.user)
            count += 1
        self.message_user(
            request,
            ngettext(
                "%(count)d delivery will be sent again.",
                "%(count)d deliveries will be sent again.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(OutboxEvent)
class OutboxEventAdmin(ReadOnlyModelAdmin):
    list_display = ["sequence", "label", "object_repr", "actor", "created_at", "dispatched_at"]
    search_fields = ["object_repr"]
    fields = readonly_fields = [
        "label",
        "object_repr",
        "data_sent",
        "actor",
        "created_at",
        "dispatched_at",
    ]

    @admin.display(description=_("sequence number"), ordering="id")
    def sequence(self, obj):
        return obj.pk

    @admin.display(description=_("event type"))
    def label(self, obj):
        return obj.label

    @admin.display(description=_("payload"))
    def data_sent(self, obj):
        return data(obj.payload)


@admin.register(TransparencyEntry)
class TransparencyEntryAdmin(ReadOnlyModelAdmin):
    list_display = ["seq", "recorded_at", "label", "object_id", "entry_hash"]
    fields = readonly_fields = [
        "seq",
        "recorded_at",
        "label",
        "kind",
        "object_id",
        "published",
        "prev_hash",
        "entry_hash",
    ]

    @admin.display(description=_("event type"))
    def label(self, obj):
        from core.public_transparency import event_label

        return event_label(obj.event_type)

    @admin.display(description=_("object type"))
    def kind(self, obj):
        return data(obj.object_type)

    @admin.display(description=_("published facts"))
    def published(self, obj):
        return data(obj.facts)


@admin.register(TransparencyCheckpoint)
class TransparencyCheckpointAdmin(ReadOnlyModelAdmin):
    list_display = ["date", "entry_count", "head_hash", "created_at"]
    readonly_fields = ["date", "entry_count", "head_hash", "created_at"]
