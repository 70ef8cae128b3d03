"""The person's own page: who they are, their calendar feed address (reset to revoke it), the
password change, and their API token's state."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from rest_framework.authtoken.models import Token

from audit.log import record
from audit.models import Event
from organisation import tokens


@login_required
@require_GET
def profile(request):
    user = request.user
    token = Token.objects.filter(user=user).first()
    feed = request.build_absolute_uri(f"{reverse('meetings-ics')}?feed={user.feed_key()}")
    context = {
        "calendar_url": feed,
        "token_expires": token.created + tokens.lifetime() if token else None,
    }
    return render(request, "organisation/profile.html", context)


@login_required
@require_POST
def reset_feed_key(request):
    request.user.reset_feed_key()
    record(Event.FEED_KEY_RESET, request, obj=request.user)
    messages.success(request, _("已生成新的日历订阅地址，原地址即时失效。"))
    return redirect("profile")


@login_required
@require_POST
def revoke_token(request):
    if tokens.revoke_all(request.user, "本人在个人设置页吊销"):
        messages.success(request, _("API 令牌已吊销。"))
    return redirect("profile")
