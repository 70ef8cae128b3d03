"""GET /api/v1/issues/: visibility, every filter, ordering and paging."""

from datetime import timedelta

import pytest
import time_machine

from issues.models import State, today
from issues.services import perform_transition
from liaison.api.pagination import Pagination
from organisation.models import Department, Measure
from tests.issues_api.helpers import file_issue

pytestmark = pytest.mark.django_db


def numbers(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["number"] for row in response.json()["results"]}


@pytest.fixture
def ledger(personas, issue_in):
    """Five issues across chains, unions, departments and states."""
    return {
        "software_raised": issue_in(State.RAISED),
        "software_assigned": issue_in(State.ASSIGNED),
        "ai_resolved": issue_in(State.RESOLVED, chain="ai", department="housing"),
        "automotive_assigned": issue_in(State.ASSIGNED, chain="automotive"),
        "automotive_withdrawn": issue_in(State.WITHDRAWN, chain="automotive"),
    }


@pytest.mark.parametrize(
    ("persona", "visible"),
    [
        (
            "secretariat",
            {
                "software_raised",
                "software_assigned",
                "ai_resolved",
                "automotive_assigned",
                "automotive_withdrawn",
            },
        ),
        (
            "leader",
            {
                "software_raised",
                "software_assigned",
                "ai_resolved",
                "automotive_assigned",
                "automotive_withdrawn",
            },
        ),
        ("software_officer", {"software_raised", "software_assigned", "ai_resolved"}),
        ("automotive_officer", {"automotive_assigned", "automotive_withdrawn"}),
        ("hrss_staff", {"software_assigned", "automotive_assigned"}),
        ("housing_staff", {"ai_resolved"}),
        ("outsider", set()),
    ],
)
def test_each_person_lists_what_they_may_see(api, personas, ledger, persona, visible):
    response = api.as_user(personas[persona]).get("/api/v1/issues/")
    assert numbers(response) == {ledger[k].number for k in visible}
    assert response.json()["count"] == len(visible)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("state=raised", {"software_raised"}),
        (
            "state=assigned&state=resolved",
            {"software_assigned", "ai_resolved", "automotive_assigned"},
        ),
        ("chain=ai", {"ai_resolved"}),
        ("union=auto-equipment", {"automotive_assigned", "automotive_withdrawn"}),
        ("department=housing", {"ai_resolved"}),
        ("department=hrss&chain=software", {"software_assigned"}),
        (
            "category=recruitment",
            {
                "software_raised",
                "software_assigned",
                "ai_resolved",
                "automotive_assigned",
                "automotive_withdrawn",
            },
        ),
        ("category=housing", set()),
    ],
)
def test_filters(api, personas, ledger, query, expected):
    response = api.as_user(personas["secretariat"]).get(f"/api/v1/issues/?{query}")
    assert numbers(response) == {ledger[k].number for k in expected}


def test_filters_never_widen_visibility(api, personas, ledger):
    response = api.as_user(personas["software_officer"]).get("/api/v1/issues/?union=auto-equipment")
    assert numbers(response) == set()


def test_measure_filter_by_number(api, personas):
    file_issue(
        personas["software_officer"], title="住房补贴", measure=Measure.objects.get(number=7)
    )
    file_issue(personas["software_officer"], title="其他问题")
    response = api.as_user(personas["secretariat"]).get("/api/v1/issues/?measure=7")
    assert [row["title"] for row in response.json()["results"]] == ["住房补贴"]


def test_overdue_filter(api, personas, issue_in):
    late = issue_in(State.ASSIGNED)
    issue_in(State.ASSIGNED)  # due in 10 days
    with time_machine.travel(today() + timedelta(days=11), tick=False):
        response = api.as_user(personas["secretariat"]).get("/api/v1/issues/?overdue=true")
        assert numbers(response) >= {late.number}
        assert all(
            row["is_overdue"] and row["warning"] == "red" for row in response.json()["results"]
        )
        assert response.json()["count"] == 2
    response = api.as_user(personas["secretariat"]).get("/api/v1/issues/?overdue=true")
    assert response.json()["count"] == 0


def test_text_search_by_number_and_by_word(api, personas):
    housing = file_issue(personas["software_officer"], title="人才公寓申请排队时间过长")
    file_issue(personas["software_officer"], title="技能培训补贴发放慢", category="training")
    client = api.as_user(personas["secretariat"])
    assert numbers(client.get("/api/v1/issues/", {"q": "人才公寓"})) == {housing.number}
    assert numbers(client.get("/api/v1/issues/", {"q": housing.number})) == {housing.number}


@pytest.mark.parametrize("query", ["chain=nope", "state=lost", "measure=99", "department=nowhere"])
def test_bad_filter_values_answer_400(api, personas, query):
    response = api.as_user(personas["secretariat"]).get(f"/api/v1/issues/?{query}")
    assert response.status_code == 400
    assert response.json()


def test_ordering(api, personas):
    first = file_issue(personas["software_officer"], title="一")
    second = file_issue(personas["software_officer"], title="二")
    dept = Department.objects.get(code="hrss")
    perform_transition(
        first,
        "assign",
        personas["secretariat"],
        department=dept,
        due_date=today() + timedelta(days=30),
    )
    perform_transition(
        second,
        "assign",
        personas["secretariat"],
        department=dept,
        due_date=today() + timedelta(days=5),
    )
    client = api.as_user(personas["secretariat"])

    def order(q):
        return [
            row["title"] for row in client.get(f"/api/v1/issues/?ordering={q}").json()["results"]
        ]

    assert [row["title"] for row in client.get("/api/v1/issues/").json()["results"]] == ["二", "一"]
    assert order("number") == ["一", "二"]
    assert order("-number") == ["二", "一"]
    assert order("due_date") == ["二", "一"]
    assert order("-raised_at") == ["二", "一"]


def test_paging(api, personas):
    for i in range(7):
        file_issue(personas["software_officer"], title=f"问题{i}")
    client = api.as_user(personas["secretariat"])

    page = client.get("/api/v1/issues/?page_size=3").json()
    assert set(page) == {"count", "next", "previous", "results"}
    assert page["count"] == 7 and len(page["results"]) == 3
    assert page["previous"] is None and "page=2" in page["next"]
    last = client.get("/api/v1/issues/?page_size=3&page=3").json()
    assert len(last["results"]) == 1 and last["next"] is None
    assert client.get("/api/v1/issues/?page_size=3&page=9").status_code == 404


def test_page_size_is_capped_at_500(api, personas):
    assert Pagination.max_page_size == 500
    file_issue(personas["software_officer"])
    response = api.as_user(personas["secretariat"]).get("/api/v1/issues/?page_size=100000")
    assert response.status_code == 200
    assert response.json()["count"] == 1


def test_not_signed_in_is_401(api):
    assert api.get("/api/v1/issues/").status_code == 401


def test_issues_without_a_due_date_sort_last_and_pages_never_overlap(api, personas):
    dept = Department.objects.get(code="hrss")
    for i in range(6):
        issue = file_issue(personas["software_officer"], title=f"问题{i}")
        if i % 2:
            perform_transition(
                issue,
                "assign",
                personas["secretariat"],
                department=dept,
                due_date=today() + timedelta(days=7),
            )  # the same day: a tie
    client = api.as_user(personas["secretariat"])
    for ordering in ["due_date", "-due_date"]:
        pages = [
            client.get(f"/api/v1/issues/?ordering={ordering}&page_size=2&page={n}").json()[
                "results"
            ]
            for n in (1, 2, 3)
        ]
        rows = [row for page in pages for row in page]
        assert len({row["number"] for row in rows}) == 6
        assert [row["due_date"] is None for row in rows] == [False] * 3 + [True] * 3
