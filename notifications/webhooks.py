"""Outgoing webhooks: 企业微信 and 钉钉 group robots (markdown) and plain JSON.

What an event says is decided when it happens (an event object stored on the `Delivery`);
the robot's format and DingTalk's signature are made when it is sent, so a retry an hour
later carries a fresh timestamp. Only hosts the administrator lists in
`LIAISON_WEBHOOK_HOSTS` are ever called: a hook to another host is refused when it is
saved and again when it is sent, and redirects are never followed.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
from urllib.parse import quote_plus, urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from liaison.formats import cn_date
from notifications.models import Delivery, Webhook


class Refused(Exception):
    """A delivery that must not be attempted again (an unlisted host)."""


# --- the allow-list ----------------------------------------------------------------------


def allowed_hosts() -> set[str]:
    return {host.lower() for host in settings.LIAISON_WEBHOOK_HOSTS}


def refuse_unlisted(url: str) -> None:
    """ValidationError unless `url` is http(s) to a host the administrator listed."""
    parts = urlsplit(url or "")
    host = (parts.hostname or "").lower()
    if parts.scheme not in {"http", "https"} or not host:
        raise ValidationError({"url": _("Webhook 地址必须以 http:// 或 https:// 开头。")})
    if host not in allowed_hosts():
        raise ValidationError(
            {
                "url": _(
                    "主机 %(host)s 不在管理员允许的 Webhook 主机列表（LIAISON_WEBHOOK_HOSTS）中。"
                )
                % {"host": host}
            }
        )


# --- what an event says ----------------------------------------------------------------------


def issue_facts(issue, link) -> dict:
    """The facts every message about an issue carries; `link` makes an absolute URL."""
    department = issue.department
    return {
        "number": issue.number,
        "title": issue.title,
        "state": issue.state,
        "state_label": str(issue.get_state_display()),
        "department": (department.short_name or department.name) if department else "",
        "due_date": issue.due_date.isoformat() if issue.due_date else None,
        "url": link(f"/issues/{issue.pk}/"),
    }


def event_object(event: str, text: str, url: str, *, issues=(), meeting=None, link) -> dict:
    """The plain event object (what `json` hooks receive; the robots' markdown is made from it)."""
    data: dict = {
        "event": event,
        "text": text,
        "url": url,
        "issues": [issue_facts(issue, link) for issue in issues],
    }
    if meeting is not None:
        data["meeting"] = {
            "title": meeting.title or str(meeting),
            "scheduled_at": meeting.scheduled_at.isoformat() if meeting.scheduled_at else None,
            "location": meeting.location,
            "url": link(f"/meetings/{meeting.pk}/"),
        }
    return data


def markdown(data: dict) -> tuple[str, str]:
    """(title, markdown text) of an event object, for the group robots."""
    title = _("【助链联动】") + data["text"].split("。")[0][:60]
    lines = [f"### {title}", "", data["text"]]
    for issue in data["issues"]:
        due = cn_date_iso(issue["due_date"])
        lines += [
            "",
            f"> **{issue['number']}**「{issue['title']}」",
            "> " + _("状态：%(state)s") % {"state": issue["state_label"]},
            "> " + _("承办部门：%(dept)s") % {"dept": issue["department"] or "—"},
            "> " + _("办理时限：%(due)s") % {"due": due or "—"},
            f"> [{_('查看详情')}]({issue['url']})",
        ]
    if not data["issues"] and data.get("url"):
        lines += ["", f"[{_('查看详情')}]({data['url']})"]
    return title, "\n".join(lines)


def cn_date_iso(value: str | None) -> str:
    if not value:
        return ""
    from datetime import date  # noqa: PLC0415 - only to parse the stored ISO date back

    return cn_date(date.fromisoformat(value))


# --- how each format is sent -----------------------------------------------------------------


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """DingTalk 加签: base64(HMAC-SHA256(secret, f"{timestamp}\\n{secret}")), URL-encoded."""
    digest = hmac.new(
        secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256
    ).digest()
    return quote_plus(base64.b64encode(digest).decode())


def request_for(hook: Webhook, data: dict) -> tuple[str, dict]:
    """The URL to call and the JSON body, in the hook's format."""
    url = hook.url
    if hook.format == Webhook.Format.JSON:
        return url, data
    title, text = markdown(data)
    if hook.format == Webhook.Format.WECOM:
        return url, {"msgtype": "markdown", "markdown": {"content": text}}
    if hook.secret:
        timestamp = int(time.time() * 1000)
        separator = "&" if "?" in url else "?"
        url += f"{separator}timestamp={timestamp}&sign={dingtalk_sign(hook.secret, timestamp)}"
    return url, {"msgtype": "markdown", "markdown": {"title": title, "text": text}}


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect could lead to a host nobody listed: treat it as a failure."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        raise urllib.error.HTTPError(newurl, code, _("Webhook 不跟随重定向"), headers, fp)


_opener = urllib.request.build_opener(_NoRedirects)


def send(delivery: Delivery) -> None:
    """Call the hook once; raises on any failure (the task retries), Refused if never allowed."""
    hook = delivery.webhook
    if hook is None:
        raise Refused(_("Webhook 已删除。"))
    try:
        refuse_unlisted(hook.url)
    except ValidationError as exc:
        raise Refused("; ".join(exc.messages)) from exc
    url, body = request_for(hook, delivery.payload)
    request = urllib.request.Request(
        url,
        data=json.dumps(body, ensure_ascii=False).encode(),
        headers={"Content-Type": "application/json; charset=utf-8"},
        method="POST",
    )
    with _opener.open(request, timeout=settings.LIAISON_WEBHOOK_TIMEOUT) as response:
        answer = response.read(65536)
    # The robots answer 200 with {"errcode": …}: anything but 0 is a failure (bad key, bad sign).
    if hook.format != Webhook.Format.JSON:
        try:
            errcode = json.loads(answer or b"{}").get("errcode", 0)
        except (ValueError, AttributeError):
            errcode = 0
        if errcode:
            raise RuntimeError(answer.decode(errors="replace")[:500])
