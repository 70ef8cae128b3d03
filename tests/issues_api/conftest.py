"""Fixtures of the issues API tests (helpers live in `helpers.py`)."""

import pytest

from issues.models import Issue
from tests.issues_api.helpers import bring_to


@pytest.fixture
def issue_in(personas):
    """`issue_in("assigned")`: a 软件 issue in that state, handled by 市人社局 (hrss)."""

    def build(state: str, chain: str = "software", department: str = "hrss") -> Issue:
        officer = {
            "software": personas["software_officer"],
            "ai": personas["ai_officer"],
            "automotive": personas["automotive_officer"],
        }[chain]
        staff = {"hrss": personas["hrss_staff"], "housing": personas["housing_staff"]}[department]
        return bring_to(
            state,
            officer=officer,
            secretariat=personas["secretariat"],
            staff=staff,
            chain=chain,
            department=department,
        )

    return build
