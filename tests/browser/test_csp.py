"""In the real browser, the Content-Security-Policy blocks nothing the product needs: the
language switcher, the formsets' "add a row", the admin and Swagger UI all work with no
violation reported."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from meetings.models import MeetingState
from tests.meetings.conftest import make_meeting

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def violations(page):
    """Every CSP violation the page reports (Chromium also logs each to the console)."""
    found = []
    page.on(
        "console",
        lambda message: (
            found.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return found


def test_pages_work_under_the_policy(sign_in, secretariat, live_server, violations):
    secretariat.is_staff = secretariat.is_superuser = True
    secretariat.save()
    meeting = make_meeting(timezone.localdate(), state=MeetingState.HELD)
    page = sign_in(secretariat)

    page.goto(f"{live_server.url}/meetings/{meeting.pk}/")
    rows = page.locator('[data-rows="decision"] [data-row]').count()
    page.get_by_role("button", name="添加议定事项").click()
    expect(page.locator('[data-rows="decision"] [data-row]')).to_have_count(rows + 1)

    page.goto(f"{live_server.url}/admin/organisation/user/add/")
    expect(page.locator("#content h1")).to_be_visible()

    page.goto(f"{live_server.url}/api/v1/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Liaison API")

    page.goto(f"{live_server.url}/")
    page.get_by_label("语言").select_option("en")
    expect(page.locator("h1")).to_have_text("My work")

    assert violations == []
