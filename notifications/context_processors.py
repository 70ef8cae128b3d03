from django.utils.functional import SimpleLazyObject

from notifications.models import Notification


def notifications(request):
    """The bell's unread count; lazy, so a page that does not show the bell pays no query."""
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return {"unread_notifications": None}

    def count() -> int:
        return Notification.objects.filter(recipient=user, read_at__isnull=True).count()

    return {"unread_notifications": SimpleLazyObject(count)}
