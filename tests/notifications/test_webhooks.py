"""Webhooks: each robot's markdown, DingTalk's 加签, plain JSON, and only listed hosts."""

import base64
import hashlib
import hmac
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from meetings.models import Kind, Meeting
from meetings.services import generate_agenda, perform_meeting_transition
from meetings.signals import meeting_changed
from notifications.models import Delivery, Webhook
from tests.issue_helpers import assign, file_issue

pytestmark = pytest.mark.django_db(transaction=True)  # the signals are sent on commit

SECRET = "SEC0123456789abcdef"


def hook(receiver, fmt: str, events: list[str], **extra) -> Webhook:
    made = Webhook(
        name=fmt, url=f"{receiver.url}/{fmt}?access_token=abc", format=fmt, events=events, **extra
    )
    made.full_clean()
    made.save()
    return made


@override_settings(LIAISON_BASE_URL="https://liaison.example.gov.cn")
def test_an_assignment_reaches_each_robot_in_its_format(
    receiver, software_officer, secretariat, hrss_staff
):
    hook(receiver, "wecom", ["assign"])
    hook(receiver, "dingtalk", ["assign", "raise"], secret=SECRET)
    hook(receiver, "json", ["assign"])
    issue = assign(file_issue(software_officer), secretariat)
    link = f"https://liaison.example.gov.cn/issues/{issue.pk}/"

    (wecom,) = receiver.bodies("/wecom")
    assert wecom["msgtype"] == "markdown" and set(wecom["markdown"]) == {"content"}
    content = wecom["markdown"]["content"]
    for fact in (issue.number, issue.title, "待签收", "市人社局", "办理时限", link):
        assert fact in content, fact

    raised, assigned = receiver.bodies("/dingtalk")
    assert "提出新问题" in raised["markdown"]["text"]
    assert assigned["msgtype"] == "markdown"
    assert assigned["markdown"]["title"].startswith("【助链联动】")
    assert issue.number in assigned["markdown"]["text"] and link in assigned["markdown"]["text"]

    (event,) = receiver.bodies("/json")
    assert event["event"] == "assign" and event["url"] == link
    (facts,) = event["issues"]
    assert facts == {
        "number": issue.number,
        "title": issue.title,
        "state": "assigned",
        "state_label": "待签收",  # assigned: waiting for 签收
        "department": "市人社局",
        "due_date": issue.due_date.isoformat(),
        "url": link,
    }
    assert {r["content_type"] for r in receiver.requests} == {"application/json; charset=utf-8"}
    assert set(Delivery.objects.filter(channel="webhook").values_list("state", flat=True)) == {
        "sent"
    }


def test_the_dingtalk_signature_is_the_documented_hmac(receiver, software_officer):
    hook(receiver, "dingtalk", ["raise"], secret=SECRET)
    file_issue(software_officer)
    (request,) = receiver.requests
    timestamp, sign = request["query"]["timestamp"], request["query"]["sign"]
    expected = base64.b64encode(
        hmac.new(SECRET.encode(), f"{timestamp}\n{SECRET}".encode(), hashlib.sha256).digest()
    ).decode()
    assert sign == expected  # the query string carried it URL-encoded once, as documented
    assert request["query"]["access_token"] == "abc"


def test_hooks_get_only_the_events_they_asked_for(receiver, software_officer, secretariat):
    hook(receiver, "json", ["return"])
    assign(file_issue(software_officer), secretariat)
    assert receiver.requests == []


def test_a_robot_refusing_the_message_is_retried(receiver, software_officer):
    receiver.answer = {"errcode": 310000, "errmsg": "sign not match"}
    hook(receiver, "dingtalk", ["raise"], secret=SECRET)
    file_issue(software_officer)
    delivery = Delivery.objects.get(channel="webhook")
    assert delivery.state == Delivery.State.PENDING and delivery.attempts == 1
    assert "310000" in delivery.last_error


def test_an_unlisted_host_is_refused_at_save_and_at_send(receiver, software_officer):
    outside = Webhook(name="外部", url="https://example.com/hook", format="json", events=["raise"])
    with pytest.raises(ValidationError) as refused:
        outside.full_clean()
    assert "不在管理员允许的" in str(refused.value)
    # Saved around the check (or the host was struck off the list later): never called.
    outside.save()
    with override_settings(LIAISON_WEBHOOK_HOSTS=[]):
        hook_on_receiver = Webhook.objects.create(
            name="本机", url=f"{receiver.url}/json", format="json", events=["raise"]
        )
        file_issue(software_officer)
    assert receiver.requests == []
    states = dict(Delivery.objects.values_list("webhook_id", "state"))
    assert states == {outside.pk: "failed", hook_on_receiver.pk: "failed"}
    assert "LIAISON_WEBHOOK_HOSTS" in Delivery.objects.first().last_error


def test_the_secretariat_adds_a_hook_in_the_admin_only_to_a_listed_host(admin_client, receiver):
    data = {"name": "群", "format": "wecom", "events": ["raise", "overdue"], "is_active": "on"}
    refused = admin_client.post(
        "/admin/notifications/webhook/add/", {**data, "url": "https://evil.example.com/x"}
    )
    assert refused.status_code == 200 and "不在管理员允许的" in refused.content.decode()
    added = admin_client.post(
        "/admin/notifications/webhook/add/", {**data, "url": f"{receiver.url}/wecom"}
    )
    assert added.status_code == 302
    assert Webhook.objects.get().events == ["raise", "overdue"]


def test_agenda_published_and_minutes_approved_reach_the_hooks(receiver, secretariat):
    hook(receiver, "json", ["agenda_published", "minutes_approved"])
    meeting = Meeting.objects.create(
        kind=Kind.REGULAR,
        scheduled_at=timezone.now() + timedelta(days=3),
        location="市总工会三楼会议室",
    )
    generate_agenda(meeting, secretariat)
    meeting = perform_meeting_transition(meeting, "publish_agenda", secretariat)
    (published,) = receiver.bodies("/json")
    assert published["event"] == "agenda_published" and "议程已发布" in published["text"]
    assert published["meeting"]["location"] == "市总工会三楼会议室"
    assert published["meeting"]["url"].endswith(f"/meetings/{meeting.pk}/")

    # What meetings.services.record sends once an approval commits (rendering minutes is the
    # meetings tests' business).
    with transaction.atomic():
        transaction.on_commit(
            lambda: meeting_changed.send(
                sender=Meeting, meeting=meeting, user=secretariat, operation="approve_minutes"
            )
        )
    approved = receiver.bodies("/json")[1]
    assert approved["event"] == "minutes_approved" and "纪要已审定" in approved["text"]
