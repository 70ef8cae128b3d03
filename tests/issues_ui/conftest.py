"""Helpers for the issues web UI tests: issues in each state, a private MEDIA_ROOT."""

from datetime import timedelta

import pytest
from django.urls import reverse

from issues.models import Issue, today
from issues.services import perform_transition, raise_issue
from organisation.models import Department, IndustryChain, IssueCategory


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def home_page(client, user) -> str:
    """The home page of `user`, as HTML."""
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


def section(html, testid) -> str:
    """The part of `html` from the element marked `data-testid=testid` to its section's end."""
    start = html.index(f'data-testid="{testid}"')
    return html[start : html.index("</section>", start)]


def file_issue(
    officer, *, chain="software", title="软件企业高级测试工程师招聘难", **extra
) -> Issue:
    fields = {
        "chain": IndustryChain.objects.get(code=chain),
        "category": IssueCategory.objects.get(code="recruitment"),
        "title": title,
        "description": "多家软件企业反映高级测试工程师岗位长期招不到人。",
    }
    fields.update(extra)
    return raise_issue(officer, **fields)


def assign(issue, secretariat, department="hrss", days=10) -> Issue:
    return perform_transition(
        issue,
        "assign",
        secretariat,
        department=Department.objects.get(code=department),
        due_date=today() + timedelta(days=days),
        note="请市人社局牵头办理",
    )


@pytest.fixture
def raised(software_officer):
    return file_issue(software_officer)


@pytest.fixture
def assigned(raised, secretariat):
    return assign(raised, secretariat)


@pytest.fixture
def resolved(assigned, hrss_staff):
    return perform_transition(
        perform_transition(assigned, "accept", hrss_staff),
        "resolve",
        hrss_staff,
        resolution="已组织专场招聘会，补贴已发放。",
    )
