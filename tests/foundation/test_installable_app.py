"""The installable app's two files (liaison.pwa): the manifest "add to home screen" reads,
and the service worker, served from the root so that it may control /issues/new/."""

import pytest
from django.templatetags.static import static

pytestmark = pytest.mark.django_db


def test_the_manifest_names_the_app_in_chinese_with_its_icons(client):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json; charset=utf-8"
    manifest = response.json()
    assert (manifest["name"], manifest["short_name"]) == ("助链联动工作平台", "助链联动")
    assert (manifest["start_url"], manifest["scope"], manifest["display"]) == (
        "/",
        "/",
        "standalone",
    )
    assert [i["src"] for i in manifest["icons"]] == [
        static("liaison/icons/icon-192.png"),
        static("liaison/icons/icon-512.png"),
        static("liaison/icons/icon-maskable-512.png"),
    ]
    assert manifest["shortcuts"] == [{"name": "提出问题", "url": "/issues/new/"}]
    assert "助链联动".encode() in response.content  # written as characters, not \\u escapes


def test_the_manifest_follows_the_language(client):
    client.cookies["django_language"] = "en"
    manifest = client.get("/manifest.webmanifest").json()
    assert manifest["lang"] == "en"
    assert manifest["shortcuts"][0]["name"] == "Raise an issue"


def test_the_service_worker_is_served_from_the_root_never_cached(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    assert response["Cache-Control"] == "no-cache, max-age=0"
    assert response["Service-Worker-Allowed"] == "/"
    body = response.content.decode()
    assert f'importScripts("{static("liaison/queue.js")}");' in body
    assert 'var NEW_ISSUE = "/issues/new/";' in body


def test_the_policy_allows_our_own_worker_and_manifest_only(client):
    policy = client.get("/sw.js")["Content-Security-Policy"]
    assert "worker-src 'self'" in policy
    assert "manifest-src 'self'" in policy
    assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]


@pytest.mark.parametrize(
    ("persona", "offline"),
    [
        ("software_officer", True),
        ("secretariat", True),  # 代录
        ("hrss_staff", False),
        ("leader", False),
        (None, False),  # the sign-in page
    ],
)
def test_pages_link_the_manifest_and_offline_filing_for_those_who_file(
    client, request, persona, offline
):
    if persona:
        client.force_login(request.getfixturevalue(persona))
    html = client.get("/" if persona else "/accounts/login/", follow=True).content.decode()
    assert '<link rel="manifest" href="/manifest.webmanifest">' in html
    assert (static("liaison/offline.js") in html) is offline
    if offline:
        assert f'data-owner="{request.getfixturevalue(persona).pk}"' in html
