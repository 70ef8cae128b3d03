"""Notifications read the issue transitions' notices from `issues.transitions`, nothing else."""

import pytest
from django.utils import translation

from issues.services import perform_transition
from issues.transitions import RAISE_NOTICE, TRANSITIONS, Audience
from notifications.models import Notification, kind_choices
from notifications.receivers import AUDIENCES, issue_message, issue_recipients
from tests.issue_helpers import assign, file_issue


def test_every_transition_with_a_notice_is_a_notification_kind_with_its_label():
    kinds = dict(kind_choices())
    for name, row in TRANSITIONS.items():
        if row.notify:
            assert str(kinds[name]) == str(row.label)
        else:
            assert name not in kinds
    assert {"raise", "due_soon", "overdue", "agenda_published"} <= set(kinds)


def test_every_audience_can_be_addressed():
    assert set(AUDIENCES) == set(Audience)
    for notice in [RAISE_NOTICE, *(row.notify for row in TRANSITIONS.values() if row.notify)]:
        assert notice.audience and set(notice.audience) <= set(AUDIENCES)


@pytest.mark.django_db
def test_a_transition_without_a_notice_tells_nobody(personas):
    issue = file_issue(personas["software_officer"])
    assert TRANSITIONS["withdraw"].notify is None
    assert issue_message(issue, "withdraw", personas["secretariat"], "重复") is None
    assert issue_recipients(issue, "withdraw", personas["secretariat"]) == []


@pytest.mark.django_db
def test_the_text_fills_the_notices_placeholders(personas):
    issue = assign(file_issue(personas["software_officer"]), personas["secretariat"])
    with translation.override("zh-hans"):
        text = issue_message(issue, "return", personas["hrss_staff"], "不属于本部门职责")
    assert text == (
        f"问题 {issue.number}「{issue.title}」 被{personas['hrss_staff'].display_name}退回，"
        "理由：不属于本部门职责"
    )


@pytest.mark.django_db(transaction=True)
def test_the_audience_of_the_table_is_who_is_told(personas):
    issue = assign(file_issue(personas["software_officer"]), personas["secretariat"])
    Notification.objects.all().delete()
    perform_transition(
        perform_transition(issue, "accept", personas["hrss_staff"]),
        "resolve",
        personas["hrss_staff"],
        resolution="已协调解决",
    )
    told = set(
        Notification.objects.filter(kind="resolve").values_list("recipient__username", flat=True)
    )
    assert TRANSITIONS["resolve"].notify.audience == (Audience.CHAIN_OFFICER, Audience.SECRETARIAT)
    assert told == {personas["software_officer"].username, personas["secretariat"].username}
