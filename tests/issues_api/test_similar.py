"""GET /api/v1/issues/similar/: open issues that look like the title being typed (可能重复).

The same tests run on SQLite (bigram candidates: the most recent open issues) and, in the
PostgreSQL pass, on pg_trgm candidates: the score and the order are the same on both.
"""

import pytest
from django.db import connection

from issues.services import perform_transition
from issues.similar import bigrams, score, similar_issues
from tests.issue_helpers import accept_and_resolve, assign, file_issue

pytestmark = pytest.mark.django_db

URL = "/api/v1/issues/similar/"


def similar(api, user, **params):
    response = api.as_user(user).get(URL, params)
    assert response.status_code == 200, response.content
    return response.json()


def test_bigrams_and_the_score():
    assert bigrams("招聘 难") == {"招聘", "聘难"}  # spaces do not count
    assert bigrams("AI") == bigrams("ai")
    assert score("软件企业招聘难", "软件企业招聘难") == 1
    assert score("软件企业招聘难", "住房保障") == 0
    assert score("招", "招聘") == 0  # one character has no bigram
    close = score("软件企业高级测试工程师招聘难", "软件企业测试工程师难招")
    far = score("软件企业高级测试工程师招聘难", "新能源汽车企业融资难")
    assert close > 0.5 > far


def test_the_closest_open_issues_come_first(api, personas):
    officer = personas["software_officer"]
    best = file_issue(officer, title="软件企业高级测试工程师招聘难")
    next_best = file_issue(officer, title="软件企业测试工程师难招")
    file_issue(officer, title="汽车零部件企业融资难")
    found = similar(api, officer, title="软件企业高级测试工程师招聘困难")
    assert [r["id"] for r in found] == [best.pk, next_best.pk]
    assert set(found[0]) == {"id", "number", "title", "state", "state_label", "score"}
    assert found[0]["number"] == best.number and found[0]["state"] == "raised"
    assert found[0]["state_label"] == "待交办"
    assert 1 >= found[0]["score"] > found[1]["score"] >= 0.3


def test_at_most_five(api, personas):
    officer = personas["software_officer"]
    for i in range(7):
        file_issue(officer, title=f"软件企业测试工程师招聘难（第{i}家）")
    assert len(similar(api, officer, title="软件企业测试工程师招聘难")) == 5


def test_only_open_issues_never_withdrawn_merged_or_verified(api, personas):
    officer, secretariat, staff = (
        personas["software_officer"],
        personas["secretariat"],
        personas["hrss_staff"],
    )
    title = "软件企业测试工程师招聘难"
    raised = file_issue(officer, title=title)
    assigned = assign(file_issue(officer, title=title), secretariat)
    resolved = accept_and_resolve(assign(file_issue(officer, title=title), secretariat), staff)
    withdrawn = perform_transition(
        file_issue(officer, title=title), "withdraw", officer, reason="企业已自行解决"
    )
    merged = perform_transition(
        file_issue(officer, title=title), "merge", secretariat, duplicate_of=raised.pk
    )
    verified = perform_transition(
        accept_and_resolve(assign(file_issue(officer, title=title), secretariat), staff),
        "verify",
        officer,
        satisfaction="satisfied",
    )
    found = {r["id"] for r in similar(api, officer, title=title)}
    assert found == {raised.pk, assigned.pk, resolved.pk}
    assert not found & {withdrawn.pk, merged.pk, verified.pk}


def test_only_issues_the_person_may_see(api, personas):
    """Visibility is the list's: an officer sees her union, a department what it was given."""
    title = "企业测试工程师招聘难"
    software = file_issue(personas["software_officer"], title=title)  # electronics-it union
    automotive = file_issue(personas["automotive_officer"], chain="automotive", title=title)
    given = assign(file_issue(personas["software_officer"], title=title), personas["secretariat"])

    def ids(who):
        return {r["id"] for r in similar(api, personas[who], title=title)}

    assert ids("software_officer") == {software.pk, given.pk}
    assert ids("automotive_officer") == {automotive.pk}
    assert ids("hrss_staff") == {given.pk}
    assert ids("housing_staff") == set()
    assert ids("secretariat") == {software.pk, automotive.pk, given.pk}
    assert ids("outsider") == set()


def test_chain_narrows(api, personas):
    title = "企业测试工程师招聘难"
    software = file_issue(personas["software_officer"], title=title)
    ai = file_issue(personas["ai_officer"], chain="ai", title=title)
    officer = personas["software_officer"]
    assert {r["id"] for r in similar(api, officer, title=title)} == {software.pk, ai.pk}
    assert [r["id"] for r in similar(api, officer, title=title, chain="ai")] == [ai.pk]


@pytest.mark.parametrize("title", ["", " ", "招", " 招 "])
def test_a_title_under_two_characters_answers_nothing(api, personas, title):
    file_issue(personas["software_officer"], title="招聘难")
    assert similar(api, personas["software_officer"], title=title) == []


def test_unrelated_titles_are_not_offered(api, personas):
    file_issue(personas["software_officer"], title="汽车零部件企业融资难")
    assert similar(api, personas["software_officer"], title="人才公寓申请排队时间长") == []


def test_bad_input(api, personas):
    client = api.as_user(personas["software_officer"])
    response = client.get(URL, {"title": "招聘\x0b难"})
    assert response.status_code == 400
    assert list(response.json()) == ["title"]
    response = client.get(URL, {"title": "招聘难", "chain": "nowhere"})
    assert response.status_code == 400
    assert "nowhere" in response.json()["chain"][0]


def test_signed_out_is_401(api):
    assert api.get(URL, {"title": "招聘难"}).status_code == 401


def test_one_function_answers_for_both_databases(personas):
    """What the endpoint returns is `similar_issues`, whatever the database."""
    officer = personas["software_officer"]
    issue = file_issue(officer, title="软件企业测试工程师招聘难")
    (match,) = similar_issues(officer, "软件企业测试工程师招聘困难")
    assert (match.id, match.score) == (
        issue.pk,
        round(score(issue.title, "软件企业测试工程师招聘困难"), 2),
    )


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")
def test_postgresql_candidates_come_from_pg_trgm(personas, django_assert_num_queries):
    officer = personas["software_officer"]
    issue = file_issue(officer, title="软件企业测试工程师招聘难")
    with django_assert_num_queries(1) as captured:
        found = similar_issues(personas["secretariat"], "软件企业测试工程师招聘困难")
    assert [m.id for m in found] == [issue.pk]
    assert "SIMILARITY" in captured.captured_queries[0]["sql"].upper()


def test_the_schema_documents_it(api, personas):
    schema = api.as_user(personas["secretariat"]).get("/api/v1/schema/?format=json").json()
    operation = schema["paths"]["/api/v1/issues/similar/"]["get"]
    assert {p["name"] for p in operation["parameters"]} >= {"title", "chain"}
    body = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert body["type"] == "array"
