"""One active officer per chain: the database constraint, and replacing an officer."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from issues.models import State, today
from issues.services import perform_transition, raise_issue
from organisation.models import IndustryChain, IssueCategory, OfficerTerm, User, appoint_officer
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def test_the_database_refuses_a_second_active_term(software_officer):
    software = IndustryChain.objects.get(code="software")
    other = make_user("zhou", User.Role.OFFICER, name="周新")
    with pytest.raises(IntegrityError), transaction.atomic():
        OfficerTerm.objects.create(chain=software, officer=other)
    # An ended term beside the active one is fine: that is the history.
    OfficerTerm.objects.create(
        chain=software, officer=other, started_on=date(2023, 1, 1), ended_on=date(2023, 12, 31)
    )
    assert software.officer_terms.count() == 2


def test_a_term_cannot_end_before_it_starts(software_officer):
    term = software_officer.officer_terms.get()
    term.ended_on = term.started_on - timedelta(days=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        term.save()


def test_appointing_a_new_officer_ends_the_previous_term_and_keeps_it(software_officer):
    software = IndustryChain.objects.get(code="software")
    first = software.current_term()
    successor = make_user("zhou", "", name="周新")
    new_term = appoint_officer(software, successor, on=first.started_on + timedelta(days=30))

    first.refresh_from_db()
    assert first.ended_on == first.started_on + timedelta(days=30)
    assert software.current_term() == new_term
    assert list(
        software.officer_terms.order_by("started_on").values_list("officer__username", "ended_on")
    ) == [("zhang", first.ended_on), ("zhou", None)]
    successor.refresh_from_db()
    assert successor.role == User.Role.OFFICER
    # The replaced officer is nobody's officer any more (a fresh request sees that).
    assert User.objects.get(pk=software_officer.pk).chain_ids == frozenset()
    # Each change left a history row.
    assert first.history.count() == 2


def test_appointing_the_current_officer_again_changes_nothing(software_officer):
    software = IndustryChain.objects.get(code="software")
    term = software.current_term()
    assert appoint_officer(software, software_officer) == term
    assert software.officer_terms.count() == 1


def test_the_chains_endpoint_shows_the_new_officer(api, software_officer, leader):
    successor = make_user("zhou", "", name="周新")
    appoint_officer(IndustryChain.objects.get(code="software"), successor)
    chains = {c["code"]: c for c in api.as_user(leader).get("/api/v1/chains/").json()}
    assert chains["software"]["officer"] == {"id": successor.pk, "username": "zhou", "name": "周新"}
    assert chains["robotics"]["officer"] is None


def test_open_issues_follow_the_chain_not_the_person(software_officer, secretariat, hrss_staff):
    issue = raise_issue(
        software_officer,
        title="软件园区企业招聘应届生落户办理慢",
        description="多家企业反映应届生落户手续办理周期超过两个月，影响入职。",
        chain=IndustryChain.objects.get(code="software"),
        category=IssueCategory.objects.get(code="recruitment"),
    )
    issue = perform_transition(
        issue,
        "assign",
        secretariat,
        department=hrss_staff.department,
        due_date=today() + timedelta(days=30),
        note="请市人社局研究办理",
    )
    issue = perform_transition(
        perform_transition(issue, "accept", hrss_staff),
        "resolve",
        hrss_staff,
        resolution="已开通应届生落户绿色通道。",
    )

    successor = make_user("zhou", "", name="周新")
    appoint_officer(IndustryChain.objects.get(code="software"), successor)
    old = User.objects.get(pk=software_officer.pk)  # as the next request would load them
    new = User.objects.get(pk=successor.pk)

    with pytest.raises(PermissionDenied):
        perform_transition(issue, "verify", old, satisfaction="satisfied")
    issue = perform_transition(
        issue, "verify", new, satisfaction="satisfied", note="企业反馈已解决"
    )
    assert issue.state == State.VERIFIED
    assert issue.history.latest().history_user == new
