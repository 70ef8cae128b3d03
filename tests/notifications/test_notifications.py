"""The right people hear about each transition, in the app and by e-mail, never the actor."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from issues.models import today
from issues.services import perform_transition
from notifications.models import Notification
from organisation.models import Department, User
from tests.conftest import make_user
from tests.issue_helpers import assign, file_issue

pytestmark = pytest.mark.django_db(transaction=True)  # the signal is sent on commit


def told(kind: str) -> set[str]:
    return set(Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True))


@pytest.fixture
def people(personas):
    # A second secretariat clerk and a colleague in hrss: recipients are groups, not one person.
    personas["clerk"] = make_user("zhao", User.Role.SECRETARIAT, name="赵丽")
    personas["hrss_colleague"] = make_user(
        "li2", User.Role.DEPARTMENT, department="hrss", name="李红"
    )
    return personas


def test_raise_tells_the_secretariat_only(people):
    file_issue(people["software_officer"])
    assert told("raise") == {"wang", "zhao"}
    assert sorted(m.to[0] for m in mail.outbox) == ["wang@example.gov.cn", "zhao@example.gov.cn"]
    assert "软件产业链提出新问题" in mail.outbox[0].subject


def test_assign_tells_the_department_staff_not_the_actor(people):
    issue = file_issue(people["software_officer"])
    mail.outbox.clear()
    assign(issue, people["secretariat"])
    assert told("assign") == {"li", "li2"}
    note = Notification.objects.filter(kind="assign").first()
    assert issue.number in note.text and "已交办" in note.text and "年" in note.text
    assert note.url == f"/issues/{issue.pk}/" and note.issue_id == issue.pk
    assert note.actor == people["secretariat"] and note.read_at is None
    assert {m.to[0] for m in mail.outbox} == {"li@example.gov.cn", "li2@example.gov.cn"}
    assert f"/issues/{issue.pk}/" in mail.outbox[0].body


def test_reassign_tells_the_new_department(people):
    issue = assign(file_issue(people["software_officer"]), people["secretariat"])
    perform_transition(
        issue,
        "reassign",
        people["clerk"],
        department=Department.objects.get(code="housing"),
        reason="职责调整",
    )
    # The other clerk acted; the first one is not told because reassign is for departments.
    assert told("reassign") == {"ma"}


def test_return_tells_the_chain_officer_and_the_secretariat_not_the_department(people):
    issue = assign(file_issue(people["software_officer"]), people["secretariat"])
    perform_transition(issue, "return", people["hrss_staff"], reason="不属于本部门职责")
    assert told("return") == {"zhang", "wang", "zhao"}
    assert "不属于本部门职责" in Notification.objects.filter(kind="return").first().text


def test_resolve_tells_officer_and_secretariat(people):
    issue = assign(file_issue(people["software_officer"]), people["secretariat"])
    perform_transition(
        perform_transition(issue, "accept", people["hrss_staff"]),
        "resolve",
        people["hrss_staff"],
        resolution="已协调补贴审核，三日内到账",
    )
    assert told("resolve") == {"zhang", "wang", "zhao"}
    # ai_officer is in the same union but not the chain's officer.
    assert "chen" not in told("resolve")


def test_reopen_tells_the_department(people):
    issue = assign(file_issue(people["software_officer"]), people["secretariat"])
    issue = perform_transition(
        perform_transition(issue, "accept", people["hrss_staff"]),
        "resolve",
        people["hrss_staff"],
        resolution="已办结",
    )
    mail.outbox.clear()
    perform_transition(issue, "reopen", people["software_officer"], reason="企业反映补贴仍未到账")
    assert told("reopen") == {"li", "li2"}
    assert {m.to[0] for m in mail.outbox} == {"li@example.gov.cn", "li2@example.gov.cn"}


def test_secretariat_who_raises_nothing_else_is_not_told_and_verify_tells_nobody(people):
    issue = assign(file_issue(people["software_officer"]), people["secretariat"])
    issue = perform_transition(
        perform_transition(issue, "accept", people["hrss_staff"]),
        "resolve",
        people["hrss_staff"],
        resolution="已办结",
    )
    before = Notification.objects.count()
    perform_transition(issue, "verify", people["software_officer"], satisfaction="satisfied")
    assert Notification.objects.count() == before


def test_no_email_for_people_without_an_address(people):
    people["hrss_colleague"].email = ""
    people["hrss_colleague"].save()
    issue = file_issue(people["software_officer"])
    mail.outbox.clear()
    assign(issue, people["secretariat"])
    assert told("assign") == {"li", "li2"}
    assert [m.to for m in mail.outbox] == [["li@example.gov.cn"]]


def test_a_former_officer_is_not_told(people):
    issue = assign(file_issue(people["software_officer"]), people["secretariat"])
    successor = make_user("qian", User.Role.OFFICER, chain="software", name="钱多")
    perform_transition(
        perform_transition(issue, "accept", people["hrss_staff"]),
        "resolve",
        people["hrss_staff"],
        resolution="已办结",
    )
    assert "qian" in told("resolve") and "zhang" not in told("resolve")
    assert successor.notifications.count() == 1


def test_due_date_in_text_is_chinese(people):
    issue = file_issue(people["software_officer"])
    assign(issue, people["secretariat"], days=5)
    due = today() + timedelta(days=5)
    text = Notification.objects.get(kind="assign", recipient__username="li").text
    assert f"{due.year}年{due.month}月{due.day}日" in text
    assert timezone.now() - Notification.objects.first().created_at < timedelta(minutes=1)
