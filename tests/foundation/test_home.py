"""Sign-in, sign-out and the home page naming the person's role and organisation."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("persona", "whoami"),
    [
        ("software_officer", "张敏 · 联络员 · 软件"),
        ("hrss_staff", "李强 · 职能部门 · 市人力资源和社会保障局"),
        ("secretariat", "王芳 · 秘书处 · 市总工会劳动和经济工作部"),
        ("leader", "刘建国 · 领导"),
    ],
)
def test_home_names_role_and_organisation(client, personas, persona, whoami):
    client.force_login(personas[persona])
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert whoami in html
    assert "我的工作" in html
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html


def test_home_needs_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/"


def test_sign_in_and_out(client, software_officer):
    response = client.post("/accounts/login/", {"username": "zhang", "password": "pw-zhang"})
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").status_code == 200
    response = client.post("/accounts/logout/")
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    assert client.get("/").status_code == 302


def test_wrong_password_stays_on_the_form(client, software_officer):
    response = client.post("/accounts/login/", {"username": "zhang", "password": "nope"})
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()


def test_pages_load_nothing_from_the_network(client, software_officer):
    client.force_login(software_officer)
    for url in ["/", "/accounts/login/"]:
        html = client.get(url).content.decode()
        assert "//cdn" not in html and 'src="http' not in html and 'href="http' not in html
