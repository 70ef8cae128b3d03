"""/meetings.ics: the meetings as an iCalendar feed (RFC 5545).

Calendar clients cannot sign in through a form, so besides the browser session the feed
accepts the person's own feed key as `?feed=…` (the `calendar_url` of /api/v1/me/, reset on
the profile page). The key grants this feed and nothing else; the API token is not accepted
in the address (it would land in access logs). Without either it answers 401; a person
without a role in the mechanism gets 403.
Times carry TZID=Asia/Shanghai; each meeting has a stable UID, so a client updates its
event when the meeting moves and marks it cancelled when it is cancelled.
"""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import rules
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event

from liaison.downloads import content_disposition
from meetings.models import Meeting, MeetingState
from organisation.models import User

BEIJING = ZoneInfo("Asia/Shanghai")
DURATION = timedelta(hours=2)  # meetings carry a start only; a liaison meeting takes a morning
STATUS = {
    MeetingState.CANCELLED: "CANCELLED",
    MeetingState.PLANNED: "TENTATIVE",
}


def meetings_ics(request):
    user = _user(request)
    if user is None:
        return HttpResponse(
            "请先登录，或使用个人设置页上的日历订阅地址（?feed=…）。",
            status=401,
            content_type="text/plain; charset=utf-8",
        )
    if not rules.has_perm("meetings.read", user):
        return HttpResponse(
            "您无权查看会议日程。", status=403, content_type="text/plain; charset=utf-8"
        )
    body = calendar_bytes(Meeting.objects.order_by("scheduled_at", "pk"), request)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = content_disposition("meetings.ics", attachment=False)
    return response


def _user(request):
    if request.user.is_authenticated:
        return request.user
    key = request.GET.get("feed", "")
    if not key:
        return None
    user = User.objects.filter(calendar_feed_key=key, is_active=True).first()
    return user


def calendar_bytes(meetings, request=None) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//Liaison//助链联动工作平台//ZH")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", "助链联动 · 会议")
    cal.add("x-wr-timezone", "Asia/Shanghai")
    host = request.get_host() if request else "liaison.local"
    for meeting in meetings:
        cal.add_component(_event(meeting, host, request))
    cal.add_missing_timezones()  # the VTIMEZONE of Asia/Shanghai that the TZIDs name
    return cal.to_ical()


def _event(meeting: Meeting, host: str, request) -> Event:
    event = Event()
    start = meeting.scheduled_at.astimezone(BEIJING)
    event.add("uid", f"meeting-{meeting.pk}@{host.split(':')[0]}")
    event.add("dtstamp", meeting.updated_at.astimezone(ZoneInfo("UTC")))
    event.add("last-modified", meeting.updated_at.astimezone(ZoneInfo("UTC")))
    event.add("dtstart", start)
    event.add("dtend", start + DURATION)
    event.add("summary", meeting.title)
    if meeting.location:
        event.add("location", meeting.location)
    event.add("status", STATUS.get(meeting.state, "CONFIRMED"))
    event.add("description", f"{meeting.get_kind_display()} · {meeting.get_state_display()}")
    url = _meeting_url(meeting, request)
    if url:
        event.add("url", url)
    # Clients take the higher SEQUENCE as the newer version of the event.
    event.add("sequence", int(timezone.localtime(meeting.updated_at).timestamp()) // 60 % 2**31)
    return event


def _meeting_url(meeting: Meeting, request) -> str:
    path = reverse("meetings:detail", args=[meeting.pk])
    return request.build_absolute_uri(path) if request else path
