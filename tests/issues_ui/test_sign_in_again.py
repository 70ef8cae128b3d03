"""A form posted after the session ended (liaison.middleware.SignInAgainMiddleware): sign in,
then back on the form's own page — never on a POST-only address — told what happened."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse

from issues.models import Issue

pytestmark = pytest.mark.django_db
MESSAGE = "登录已超时，请重新登录。登录后将回到原来的页面，您填写的内容已保留。"


def _expired(client, user):
    client.force_login(user)
    Session.objects.all().delete()  # the idle timeout, as the database sees it
    return client


def _next_of(response) -> str:
    return parse_qs(urlsplit(response["Location"]).query)["next"][0]


def test_a_transition_posted_after_expiry_returns_to_the_issue_page(client, assigned, hrss_staff):
    page = reverse("issues:detail", args=[assigned.pk])
    response = _expired(client, hrss_staff).post(
        reverse("issues:transition", args=[assigned.pk, "accept"]),
        {"accept-note": "已签收"},
        HTTP_REFERER=f"http://testserver{page}",
    )
    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == reverse("login")
    assert _next_of(response) == page  # not the POST-only transition address
    login = client.get(response["Location"])
    assert MESSAGE in login.content.decode()
    signed_in = client.post(
        response["Location"], {"username": "li", "password": "pw-li", "next": page}
    )
    assert signed_in["Location"] == page
    assert Issue.objects.get(pk=assigned.pk).state == "assigned"  # nothing done meanwhile


def test_the_new_issue_form_posted_after_expiry_returns_to_the_form(client, software_officer):
    url = reverse("issues:new")
    response = _expired(client, software_officer).post(
        url, {"title": "x"}, HTTP_REFERER=f"http://testserver{url}"
    )
    assert _next_of(response) == url
    assert not Issue.objects.exists()


def test_another_sites_referer_is_not_followed(client, software_officer):
    url = reverse("issues:new")
    response = _expired(client, software_officer).post(
        url, {"title": "x"}, HTTP_REFERER="https://evil.example/form"
    )
    assert _next_of(response) == url  # Django's own next: the address posted to
    assert MESSAGE not in client.get(response["Location"]).content.decode()


def test_signing_out_is_not_an_expiry(client, software_officer):
    client.force_login(software_officer)
    response = client.post(reverse("logout"), HTTP_REFERER="http://testserver/")
    assert response["Location"] == reverse("login")
    assert MESSAGE not in client.get(response["Location"]).content.decode()


def test_a_get_after_expiry_keeps_djangos_next(client, software_officer):
    response = _expired(client, software_officer).get(
        reverse("issues:new"), HTTP_REFERER="http://testserver/"
    )
    assert _next_of(response) == reverse("issues:new")
