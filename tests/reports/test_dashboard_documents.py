"""The leader's reports one click from the dashboard (JOURNEYS §4): the year's annual report and
the last full quarter's bulletin, PDF and Word, for the roles that may read them."""

import pytest
from django.urls import reverse

from issues.models import today
from reports.bulletin import BulletinPeriod

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("persona", ["leader", "secretariat"])
def test_the_reports_are_one_click_from_the_dashboard(client, persona, request):
    client.force_login(request.getfixturevalue(persona))
    html = client.get(reverse("reports:dashboard")).content.decode()
    strip = html[html.index('data-testid="documents"') : html.index('id="totals-h"')]
    year = today().year
    quarter = BulletinPeriod.last_full_quarter(today())
    bulletin = f"from={quarter.start.isoformat()}&amp;to={quarter.end.isoformat()}"
    assert f'href="/reports/annual/{year}.pdf?download=1"' in strip
    assert f'href="/reports/annual/{year}.docx"' in strip
    assert f'href="/reports/bulletin.pdf?{bulletin}&amp;download=1"' in strip
    assert f'href="/reports/bulletin.docx?{bulletin}"' in strip
    assert f"{year}年度工作报告 PDF" in strip and f"{quarter.label}通报 PDF" in strip


@pytest.mark.parametrize("persona", ["hrss_staff", "software_officer"])
def test_roles_that_may_not_read_them_are_not_offered_them(client, persona, request):
    client.force_login(request.getfixturevalue(persona))
    html = client.get(reverse("reports:dashboard")).content.decode()
    assert 'data-testid="documents"' not in html and "/reports/annual/" not in html
