"""Filter by the Beijing date an issue was raised (the dashboard's period links use it)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

pytestmark = pytest.mark.django_db
BEIJING = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def three_issues(issue_in):
    """Raised at these Beijing moments (the clock set to each, the issue filed through the API's
    service): just before, just after and at the very end of April."""
    moments = [
        datetime(2024, 3, 31, 23, 30, tzinfo=BEIJING),
        datetime(2024, 4, 1, 0, 30, tzinfo=BEIJING),
        datetime(2024, 4, 30, 23, 59, tzinfo=BEIJING),
    ]
    issues = []
    for moment in moments:
        with time_machine.travel(moment, tick=False):
            issues.append(issue_in("raised"))
    return issues


def test_api_period_is_inclusive_on_beijing_dates(api, secretariat, three_issues):
    response = api.as_user(secretariat).get(
        "/api/v1/issues/?raised_from=2024-04-01&raised_to=2024-04-30"
    )
    assert response.status_code == 200
    assert {row["id"] for row in response.json()["results"]} == {
        three_issues[1].pk,
        three_issues[2].pk,
    }


def test_web_list_takes_the_same_period(client, secretariat, three_issues):
    client.force_login(secretariat)
    page = client.get("/issues/?raised_from=2024-04-01&raised_to=2024-04-01").content.decode()
    assert three_issues[1].number in page
    assert three_issues[0].number not in page and three_issues[2].number not in page
