from django.utils.functional import SimpleLazyObject


def notifications(request):
    """The bell's unread count; lazy, so a page that does not show the bell pays no query."""
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return {"unread_notifications": None}

    def count() -> int:
        from notifications.models import Notification

        return Notification.objects.filter(recipient=user, read_at__isnull=True).count()

    return {"unread_notifications": SimpleLazyObject(count)}
