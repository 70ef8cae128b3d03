from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from notifications import tasks
from notifications.models import (
    Delivery,
    Notification,
    NotificationPreference,
    Reminder,
    Webhook,
    WebhookEvent,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """A log is read, never edited by hand."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "recipient", "kind", "text", "read_at"]
    list_filter = ["kind", ("read_at", admin.EmptyFieldListFilter)]
    search_fields = ["text", "recipient__username", "recipient__name"]
    list_select_related = ["recipient"]
    date_hierarchy = "created_at"


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyAdmin):
    list_display = ["on", "issue", "kind", "recipients", "sent_at"]
    list_filter = ["kind", "on"]
    list_select_related = ["issue"]


class WebhookForm(forms.ModelForm):
    url = forms.URLField(label=_("地址"), max_length=500, assume_scheme="https")
    events = forms.MultipleChoiceField(
        label=_("事件"),
        choices=WebhookEvent.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Webhook
        fields = ["name", "url", "format", "events", "secret", "is_active"]
        widgets = {"secret": forms.PasswordInput(render_value=True)}


@admin.register(Webhook)
class WebhookAdmin(admin.ModelAdmin):
    """The secretariat's hooks; the model refuses a host not in LIAISON_WEBHOOK_HOSTS."""

    form = WebhookForm
    list_display = ["name", "format", "url", "event_labels", "is_active"]
    list_filter = ["format", "is_active"]

    def has_module_permission(self, request):
        # notifications/permissions.py grants the secretariat by rule, not by group rows
        return request.user.has_perm("notifications.view_webhook")

    @admin.display(description=_("事件"))
    def event_labels(self, hook):
        labels = dict(WebhookEvent.choices)
        return "、".join(str(labels.get(e, e)) for e in hook.events or [])


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    """Every e-mail and webhook call; the failed ones first in the secretariat's eye."""

    list_display = [
        "created_at",
        "channel",
        "target",
        "subject_or_event",
        "state",
        "attempts",
        "next_attempt_at",
        "last_error_short",
    ]
    list_filter = ["state", "channel", "event"]
    search_fields = ["address", "subject", "last_error", "webhook__name"]
    list_select_related = ["webhook"]
    date_hierarchy = "created_at"
    actions = ["redeliver"]
    readonly_fields = [f.name for f in Delivery._meta.fields]

    def has_module_permission(self, request):
        return request.user.has_perm("notifications.view_delivery")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("收件方"))
    def target(self, delivery):
        return delivery.address or (delivery.webhook.name if delivery.webhook else "—")

    @admin.display(description=_("内容"))
    def subject_or_event(self, delivery):
        return delivery.subject or delivery.payload.get("text", "")[:60]

    @admin.display(description=_("最近错误"))
    def last_error_short(self, delivery):
        return delivery.last_error[:120]

    @admin.action(description=_("重新投递"), permissions=["change"])
    def redeliver(self, request, queryset):
        count = tasks.retry(queryset)
        self.message_user(
            request, _("已重新投递%(count)d项。") % {"count": count}, messages.SUCCESS
        )


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(ReadOnlyAdmin):
    list_display = ["person", "daily_digest", "digest_sent_until"]
    list_filter = ["daily_digest"]
