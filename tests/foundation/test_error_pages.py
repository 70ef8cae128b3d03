"""The product's own error pages with DEBUG off: in the person's language, with a way back,
never Django's English "Not Found" or its raw CSRF page."""

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def production(settings):
    settings.DEBUG = False


def test_404_is_ours_in_chinese_with_a_way_home(client):
    response = client.get("/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "页面不存在" in html and "回到首页" in html and "返回上一页" in html
    assert "Not Found" not in html
    assert 'href="/"' in html


def test_404_in_english_for_an_english_reader(client):
    html = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Page not found" in html and "Home" in html
    assert "页面不存在" not in html


def test_404_under_the_api_is_json(client):
    response = client.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response.json() == {"detail": "未找到。"}


def test_403_says_why_and_offers_home(client, hrss_staff):
    client.force_login(hrss_staff)
    response = client.get(reverse("issues:new"))
    html = response.content.decode()
    assert response.status_code == 403
    assert "无权访问" in html and "回到首页" in html
    assert "如需此项权限，请联系秘书处。" in html


def test_400_is_ours(client):
    response = client.get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert "请求有误" in response.content.decode()


@pytest.mark.urls("tests.foundation.error_urls")
def test_500_is_ours_and_the_api_gets_json():
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "系统出现错误" in html and "回到首页" in html
    assert "Server Error" not in html
    api = client.get("/api/v1/boom/")
    assert api.status_code == 500 and "detail" in api.json()


def test_stale_form_says_what_happened_and_offers_back(software_officer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(software_officer)
    url = reverse("issues:new")
    client.get(url)  # the form, with a token
    response = client.post(
        url,
        {"title": "园区停车难", "csrfmiddlewaretoken": "stale" * 8},
        HTTP_REFERER=f"http://testserver{url}",
    )
    html = response.content.decode()
    assert response.status_code == 403
    assert "页面已过期，请刷新后重新提交" in html
    assert "页面已过期（可能在其他窗口重新登录过）。您填写的内容已保留，请返回后重新提交。" in html
    # The way back is the form's page loaded afresh (a new token; drafts.js restores the text).
    assert f'href="{url}" data-testid="csrf-back"' in html and "返回表单" in html
    assert "CSRF验证失败" not in html and "禁止访问" not in html  # not Django's page


def test_a_stale_form_without_a_referer_goes_back_in_history(software_officer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(software_officer)
    html = client.post(reverse("issues:new"), {"title": "x"}).content.decode()
    assert "data-history-back" in html and "返回上一页" in html  # app.js goes back (no inline JS)


def test_stale_form_page_in_english(software_officer):
    client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(software_officer)
    response = client.post(reverse("issues:new"), {"title": "x"})
    assert response.status_code == 403
    assert "This page has expired" in response.content.decode()


def test_a_foreign_referer_is_not_offered_as_the_way_back(software_officer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(software_officer)
    response = client.post(
        reverse("issues:new"), {"title": "x"}, HTTP_REFERER="https://evil.example/form"
    )
    assert "evil.example" not in response.content.decode()


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.urls("tests.foundation.error_urls")
def test_every_error_page_in_the_readers_language_with_a_way_back(language, hrss_staff):
    """400, 403, 404, 500 and the CSRF failure, each in Chinese and in English, each with a way
    back (home, and back or the form again), never a word of Django's own pages."""
    chinese = language == "zh-hans"
    client = Client(
        enforce_csrf_checks=True, raise_request_exception=False, HTTP_ACCEPT_LANGUAGE=language
    )
    client.force_login(hrss_staff)
    answers = {
        400: client.get("/", HTTP_HOST="evil.example"),
        403: client.get(reverse("issues:new")),
        404: client.get("/no-such-page/"),
        500: client.get("/boom/"),
        "csrf": client.post("/i18n/setlang/", {"language": "en"}),
    }
    headings = {
        400: ("请求有误", "Bad request"),
        403: ("无权访问", "Not allowed"),
        404: ("页面不存在", "Page not found"),
        500: ("系统出现错误", "Something went wrong"),
        "csrf": ("页面已过期", "This page has expired"),
    }
    for code, response in answers.items():
        html = response.content.decode()
        assert response.status_code == (403 if code == "csrf" else code)
        assert headings[code][0 if chinese else 1] in html, code
        assert headings[code][1 if chinese else 0] not in html, code
        assert 'href="/"' in html, code  # home
        assert "data-history-back" in html or 'data-testid="csrf-back"' in html, code
        for django_words in ("Not Found", "Server Error", "Forbidden", "CSRF验证失败", "禁止访问"):
            assert django_words not in html, (code, django_words)
