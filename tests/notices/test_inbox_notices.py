"""JOURNEYS 2: a 催办 or 督办 about one of the department's issues is on top of its inbox
until the department answers it."""

import pytest
from django.urls import reverse

from issues.notices import default_reply_by, issue_notice
from issues.services import post_update

pytestmark = pytest.mark.django_db


def test_an_unanswered_notice_is_on_top_of_the_inbox_until_answered(
    client, accepted, secretariat, hrss_staff, housing_staff
):
    notice = issue_notice(
        accepted, secretariat, kind="urge", text="请加快办理。", reply_by=default_reply_by()
    )
    client.force_login(hrss_staff)
    page = client.get(reverse("home")).content.decode()
    assert 'data-testid="inbox-notices"' in page and notice.number in page
    assert page.index("inbox-notices") < page.index('data-testid="to-accept"')

    client.force_login(housing_staff)  # another department: not its notice
    assert 'data-testid="inbox-notices"' not in client.get(reverse("home")).content.decode()

    post_update(accepted, hrss_staff, "已加快办理，本周内报结。", notice=notice.pk)
    client.force_login(hrss_staff)
    assert 'data-testid="inbox-notices"' not in client.get(reverse("home")).content.decode()
