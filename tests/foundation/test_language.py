"""Chinese by default; English by Accept-Language or the language switcher in the footer."""

import pytest

pytestmark = pytest.mark.django_db


def test_login_page_is_chinese_by_default(client):
    html = client.get("/accounts/login/").content.decode()
    assert '<html lang="zh-CN">' in html
    assert "用户名" in html and "密码" in html


def test_accept_language_en_gives_english(client):
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "Username" in html and "Password" in html and "Sign in" in html
    assert "用户名" not in html


def test_the_switcher_switches_to_english_and_back(client, software_officer):
    client.force_login(software_officer)
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    html = client.get("/").content.decode()
    assert '<html lang="en">' in html
    assert "My work" in html and "Liaison officer" in html
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert "我的工作" in client.get("/").content.decode()


def test_the_switcher_is_on_every_page(client):
    html = client.get("/accounts/login/").content.decode()
    assert 'action="/i18n/setlang/"' in html
    assert '<option value="en"' in html and "简体中文" in html


def test_a_foreign_next_url_is_not_followed(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "https://evil.example/"})
    assert response["Location"] == "/"
