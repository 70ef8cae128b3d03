"""The reference endpoints: who am I, unions, chains (with the current officer), departments."""

import pytest

pytestmark = pytest.mark.django_db


def test_me_for_an_officer(api, software_officer):
    response = api.as_user(software_officer).get("/api/v1/me/")
    me = response.json()
    # DESIGN "Public API": the person's own calendar feed (tests/security/test_feed_key.py).
    assert me.pop("calendar_url").startswith("http://testserver/meetings.ics?feed=")
    assert me == {
        "id": software_officer.pk,
        "username": "zhang",
        "name": "张敏",
        "role": "officer",
        "chains": ["software"],
        "department": None,
        "department_name": None,
        "email": "zhang@example.gov.cn",
    }


def test_me_for_department_staff(api, hrss_staff):
    me = api.as_user(hrss_staff).get("/api/v1/me/").json()
    assert (me["role"], me["chains"], me["department"], me["department_name"]) == (
        "department",
        [],
        "hrss",
        "市人力资源和社会保障局",
    )


@pytest.mark.parametrize("persona", ["secretariat", "leader", "outsider"])
def test_me_for_other_roles(api, personas, persona):
    me = api.as_user(personas[persona]).get("/api/v1/me/").json()
    assert me["role"] == {"secretariat": "secretariat", "leader": "leader", "outsider": ""}[persona]
    assert me["chains"] == [] and me["department"] is None


def test_unions(api, leader):
    unions = api.as_user(leader).get("/api/v1/unions/").json()
    assert len(unions) == 8
    assert unions[0] == {
        "id": unions[0]["id"],
        "code": "auto-equipment",
        "name": "市汽车及装备制造业工会",
        "is_example": False,
    }
    assert sum(u["is_example"] for u in unions) == 4


def test_chains_carry_code_union_and_current_officer(api, personas, django_assert_max_num_queries):
    client = api.as_user(personas["hrss_staff"])
    # session/token user, chains with their union, the active terms with their officer
    with django_assert_max_num_queries(3):
        chains = client.get("/api/v1/chains/").json()
    assert [c["code"] for c in chains] == [
        "automotive",
        "equipment",
        "robotics",
        "drones",
        "smart-sensors",
        "software",
        "ai",
        "superhard-materials",
        "aluminium",
    ]
    by_code = {c["code"]: c for c in chains}
    assert by_code["software"] == {
        "id": by_code["software"]["id"],
        "code": "software",
        "name": "软件",
        "union": "electronics-it",
        "union_name": "市电子信息科技工会",
        "union_is_assumed": True,
        "officer": {"id": personas["software_officer"].pk, "username": "zhang", "name": "张敏"},
    }
    assert by_code["automotive"]["officer"]["username"] == "sun"
    assert by_code["drones"]["officer"] is None


def test_departments(api, software_officer):
    departments = api.as_user(software_officer).get("/api/v1/departments/").json()
    assert {d["code"]: d["short_name"] for d in departments}["hrss"] == "市人社局"
    assert len(departments) == 8


def test_categories_and_measures(api, software_officer):
    client = api.as_user(software_officer)
    assert len(client.get("/api/v1/categories/").json()) == 9
    measures = client.get("/api/v1/measures/").json()
    assert [m["number"] for m in measures] == list(range(1, 12))
    assert measures[10]["title"] == "建立助“链”联动机制"


def test_reference_data_is_read_only(api, secretariat):
    client = api.as_user(secretariat)
    assert client.post("/api/v1/chains/", {"code": "x", "name": "x"}).status_code == 405
    assert client.delete("/api/v1/unions/").status_code == 405
