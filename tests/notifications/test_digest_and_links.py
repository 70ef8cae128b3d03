"""A daily digest instead of one mail per event; LIAISON_BASE_URL is required with DEBUG off."""

from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import override_settings

from notifications.checks import base_url_is_set
from notifications.digest import set_daily_digest
from notifications.models import NotificationPreference
from tests.issue_helpers import assign, file_issue

pytestmark = pytest.mark.django_db(transaction=True)  # the signals are sent on commit


def test_a_digest_person_gets_one_mail_a_day_instead_of_one_per_event(
    client, software_officer, ai_officer, secretariat, hrss_staff
):
    client.force_login(hrss_staff)
    response = client.post("/notifications/digest/", {"daily_digest": "on"})
    assert response.status_code == 302
    assert NotificationPreference.objects.get(person=hrss_staff).daily_digest
    mail.outbox.clear()
    first = assign(file_issue(software_officer, title="技能培训补贴发放慢"), secretariat)
    second = assign(file_issue(ai_officer, chain="ai", title="社保转移接续"), secretariat)
    assert not [m for m in mail.outbox if m.to == ["li@example.gov.cn"]]

    mail.outbox.clear()
    out = StringIO()
    call_command("send_reminders", stdout=out)
    assert "digests: 1" in out.getvalue()
    (digest,) = mail.outbox
    assert digest.to == ["li@example.gov.cn"] and "2条" in digest.subject
    assert first.number in digest.body and second.number in digest.body
    assert f"/issues/{second.pk}/" in digest.alternatives[0][0]

    mail.outbox.clear()
    call_command("send_reminders", stdout=StringIO())  # again the same day: nothing new
    assert mail.outbox == []

    client.post("/notifications/digest/", {})  # back to one mail per event
    issue = file_issue(software_officer, title="研发用房租金")
    mail.outbox.clear()
    assign(issue, secretariat)
    assert [m.to for m in mail.outbox] == [["li@example.gov.cn"]]


def test_switching_the_digest_on_does_not_repeat_earlier_mail(
    software_officer, secretariat, hrss_staff
):
    assign(file_issue(software_officer), secretariat)  # mailed at once
    set_daily_digest(hrss_staff, True)
    mail.outbox.clear()
    call_command("send_reminders", stdout=StringIO())
    assert mail.outbox == []


@override_settings(DEBUG=False, LIAISON_BASE_URL="")
def test_deploy_check_requires_the_base_url():
    (error,) = base_url_is_set()
    assert error.id == "notifications.E001" and "LIAISON_BASE_URL" in error.msg
    with override_settings(LIAISON_BASE_URL="liaison.example.gov.cn"):
        assert base_url_is_set()  # no scheme: links would not work
    with override_settings(LIAISON_BASE_URL="https://liaison.example.gov.cn"):
        assert base_url_is_set() == []


def test_deploy_check_runs_with_check_deploy_only():
    with override_settings(DEBUG=False, LIAISON_BASE_URL=""):
        with pytest.raises(SystemCheckError, match="notifications.E001"):
            call_command("check", "--deploy", "--fail-level", "ERROR")
        call_command("check", stdout=StringIO())  # without --deploy it does not run
