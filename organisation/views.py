"""The person's own page: who they are, their calendar feed address (reset to revoke it), the
password change, and their API token's state; and the sign-in page."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_POST
from rest_framework.authtoken.models import Token

from audit.log import record
from audit.models import Event
from liaison.forms import ProductMessages
from organisation import tokens
from organisation.demo import DEMO_PASSWORD, demo_accounts


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


# --- sign-in ------------------------------------------------------------------------------


class LoginForm(ProductMessages, AuthenticationForm):
    """Django's sign-in form in the product's words (its own says "请输入一个正确的用户名和密码。
    注意，两者都区分大小写。")."""

    error_messages = {
        "invalid_login": _lazy("用户名或密码不正确。"),
        "inactive": _lazy("该账号已停用，请联系秘书处。"),
    }


class PasswordForm(ProductMessages, PasswordChangeForm):
    """The password change in the product's words (Django's says "你的旧密码不正确")."""

    error_messages = {
        "password_incorrect": _lazy("旧密码不正确，请重新输入。"),
        "password_mismatch": _lazy("两次输入的新密码不一致。"),
    }


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # A development server shows its demo accounts (`make demo`); production never does.
        if settings.DEBUG:
            context["demo_accounts"] = demo_accounts()
            context["demo_password"] = DEMO_PASSWORD
        return context
