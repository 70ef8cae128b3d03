"""The sign-in page lists the demo accounts on a development server only (issue 15, item 6)."""

import pytest
from django.test import Client
from django.urls import reverse

from organisation.demo import DEMO_PASSWORD, seed_accounts

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    return seed_accounts()


def test_a_development_server_lists_the_demo_accounts(settings, demo):
    settings.DEBUG = True
    html = Client().get(reverse("login")).content.decode()
    assert 'data-testid="demo-accounts"' in html
    assert DEMO_PASSWORD in html
    for username, text in (("wangfang", "王芳 · 秘书处"), ("zhangmin", "张敏 · 联络员 · 软件")):
        assert f'data-fill-login="{username}"' in html and text in html
    assert "李强 · 职能部门 · 市人力资源和社会保障局" in html
    assert "系统管理员 · /admin/" in html


def test_production_never_lists_them(settings, demo):
    settings.DEBUG = False
    html = Client().get(reverse("login")).content.decode()
    assert "demo-accounts" not in html and DEMO_PASSWORD not in html and "wangfang" not in html


def test_a_development_server_without_demo_data_lists_nothing(settings):
    settings.DEBUG = True
    html = Client().get(reverse("login")).content.decode()
    assert "demo-accounts" not in html
