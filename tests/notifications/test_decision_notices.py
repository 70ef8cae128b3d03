"""Decisions tracked to 销号 tell the people who act next: a report goes to the secretariat,
销号 and 退回重办 to the lead department; the person who acted is never told."""

import pytest

from notifications.models import Notification
from tests.meetings.test_decision_tracking import decision

pytestmark = pytest.mark.django_db
API = "/api/v1/decisions/"


def test_a_report_tells_the_secretariat_and_a_close_tells_the_department(
    hrss_staff, secretariat, housing_staff, api
):
    d = decision()
    assert (
        api.as_user(hrss_staff).post(f"{API}{d.pk}/report/", {"text": "已建立台账"}).status_code
        == 200
    )
    told = Notification.objects.get(kind="decision")
    assert told.recipient == secretariat
    assert "报告议定事项已落实" in told.text and "已建立台账" in told.text
    assert told.url == "/decisions/"

    assert (
        api.as_user(secretariat).post(f"{API}{d.pk}/close/", {"reason": "同意"}).status_code == 200
    )
    closed = Notification.objects.filter(kind="decision").exclude(pk=told.pk).get()
    assert closed.recipient == hrss_staff and "已销号" in closed.text
    assert not Notification.objects.filter(recipient=housing_staff).exists()


def test_sent_back_the_department_hears_why(hrss_staff, secretariat, api):
    d = decision()
    api.as_user(hrss_staff).post(f"{API}{d.pk}/report/", {"text": "已办"})
    api.as_user(secretariat).post(f"{API}{d.pk}/reopen/", {"reason": "缺少佐证材料"})
    back = Notification.objects.get(kind="decision", recipient=hrss_staff)
    assert "退回重办" in back.text and "缺少佐证材料" in back.text


def test_a_refused_report_tells_nobody(housing_staff, api):
    d = decision()  # led by hrss: housing may not report it
    assert api.as_user(housing_staff).post(f"{API}{d.pk}/report/", {"text": "x"}).status_code == 403
    assert not Notification.objects.exists()
