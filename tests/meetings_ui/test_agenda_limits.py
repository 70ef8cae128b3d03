"""Agendas at any scale (DESIGN "Meetings", issue 14): a section lists at most
LIAISON_AGENDA_SECTION_LIMIT issues, the most urgent first, and says "另有 N 件" with a link
to the full list and its ledger; generating costs the same number of queries for 10 or 200."""

from datetime import timedelta
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook

from issues.models import State
from meetings.documents import agenda_document
from meetings.printed import agenda_context
from meetings.services import generate_agenda
from meetings.views import more_link
from tests.meetings.conftest import make_issue, make_meeting

pytestmark = pytest.mark.django_db


@pytest.fixture
def overdue_five():
    """Five overdue issues, 5 … 1 days past their due dates (raised in the opposite order)."""
    today = timezone.localdate()
    return [
        make_issue(
            f"超期问题{days}",
            state=State.ASSIGNED,
            raised_on=today - timedelta(days=40 - days),
            due_date=today - timedelta(days=days),
        )
        for days in (1, 2, 3, 4, 5)
    ]


def test_a_long_section_lists_the_most_overdue_and_says_how_many_more(
    settings, secretariat, overdue_five, signed_in
):
    settings.LIAISON_AGENDA_SECTION_LIMIT = 3
    meeting = make_meeting(timezone.localdate() + timedelta(days=3))
    generate_agenda(meeting, secretariat)
    overdue = meeting.agenda_items.get(section="overdue")
    # the most days overdue first (the earliest due date)
    assert [e["title"] for e in overdue.issues] == ["超期问题5", "超期问题4", "超期问题3"]
    assert overdue.more_count == 2

    client = signed_in(secretariat)
    page = client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert "另有 2 件未列出" in page
    assert page.count('data-testid="agenda-issue"') == 3  # the page lists no more than that
    link = more_link(overdue)
    query = "warning=red&sort=due"  # the list in the agenda's order: the most overdue first
    assert link["list"] == f"/issues/?{query}"
    assert link["ledger"] == f"/issues/export.xlsx?{query}"
    assert f'href="{link["list"].replace("&", "&amp;")}"' in page

    listed = client.get(link["list"]).content.decode()
    for issue in overdue_five:
        assert issue.number in listed
    ledger = load_workbook(BytesIO(client.get(link["ledger"]).getvalue()), read_only=True)
    numbers = {cell for row in ledger.active.iter_rows(values_only=True) for cell in row}
    assert {i.number for i in overdue_five} <= numbers

    # The printed agenda (PDF and Word) says it too.
    document = agenda_document(meeting)
    printed = [i for i in agenda_context(document)["items"] if i["section"] == "overdue"][0]
    assert "另有 2 件未列出" in printed["more_line"]
    docx = client.get(f"/meetings/{meeting.pk}/agenda.docx").getvalue()
    text = "\n".join(p.text for p in Document(BytesIO(docx)).paragraphs)
    assert "另有 2 件未列出" in text


def test_a_short_section_says_nothing_more(secretariat, overdue_five):
    meeting = make_meeting(timezone.localdate() + timedelta(days=3))
    generate_agenda(meeting, secretariat)
    overdue = meeting.agenda_items.get(section="overdue")
    assert len(overdue.issues) == 5 and overdue.more_count == 0 and more_link(overdue) is None


@pytest.mark.parametrize(
    ("section", "filters"),
    [
        ("new", "state=raised&raised_to={before}&returned=false&sort=raised"),
        ("returned", "state=raised&raised_to={before}&returned=true&sort=raised"),
        ("awaiting_verification", "state=resolved&sort=raised"),
    ],
)
def test_every_section_links_to_the_issues_it_counts(
    settings, secretariat, signed_in, section, filters
):
    settings.LIAISON_AGENDA_SECTION_LIMIT = 1
    kind = {
        "new": {"state": State.RAISED},
        "returned": {"state": State.RAISED, "returned": True},
        "awaiting_verification": {"state": State.RESOLVED},
    }[section]
    issues = [make_issue(f"问题{n}", **kind) for n in range(3)]
    day = timezone.localdate() + timedelta(days=3)
    meeting = make_meeting(day)
    generate_agenda(meeting, secretariat)
    item = meeting.agenda_items.get(section=section)
    assert len(item.issues) == 1 and item.more_count == 2
    before = (day - timedelta(days=1)).isoformat()
    assert item.more_query == filters.format(before=before)
    listed = signed_in(secretariat).get(more_link(item)["list"]).content.decode()
    assert all(i.number in listed for i in issues)


def test_annual_open_problems_are_cut_and_exclude_the_escalated(settings, secretariat, signed_in):
    settings.LIAISON_AGENDA_SECTION_LIMIT = 2
    today = timezone.localdate()
    for n in range(3):
        make_issue(f"长期超期{n}", state=State.ASSIGNED, due_date=today - timedelta(days=40 + n))
    for n in range(4):
        make_issue(f"待交办{n}", raised_on=today - timedelta(days=10 + n))
    meeting = make_meeting(today + timedelta(days=3), kind="annual")
    generate_agenda(meeting, secretariat)
    escalated = meeting.agenda_items.get(section="escalated")
    problems = meeting.agenda_items.get(section="open_problems")
    assert [e["title"] for e in escalated.issues] == ["长期超期2", "长期超期1"]
    assert escalated.more_count == 1
    # "另有 1 件" opens the three, most overdue first, and none of the open problems (no state
    # named: escalated implies open).
    before = (meeting.date - timedelta(days=1)).isoformat()
    assert escalated.more_query == f"raised_to={before}&escalated=true&sort=due"
    listed = signed_in(secretariat).get(more_link(escalated)["list"]).content.decode()
    assert listed.index("长期超期2") < listed.index("长期超期1") < listed.index("长期超期0")
    assert not any(f"待交办{n}" in listed for n in range(4))
    # oldest first, and never an escalated one (the third is not listed above, yet not here)
    assert [e["title"] for e in problems.issues] == ["待交办3", "待交办2"]
    assert problems.more_count == 2
    assert "escalated=false" in problems.more_query


def test_generating_costs_the_same_queries_for_10_and_200_issues(secretariat):
    today = timezone.localdate()
    meeting = make_meeting(today + timedelta(days=3))

    def add(n):
        for i in range(n):
            state = [State.RAISED, State.ASSIGNED, State.RESOLVED][i % 3]
            make_issue(f"问题{i}", state=state, due_date=today - timedelta(days=i % 7 + 1))

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            generate_agenda(meeting, secretariat)
        return len(captured.captured_queries)

    add(10)
    generate_agenda(meeting, secretariat)  # the first generation creates the items
    few = queries()
    add(190)
    assert queries() == few
    assert all(len(i.issues) <= 50 for i in meeting.agenda_items.all())


def test_the_meeting_page_folds_a_long_section_and_opens_it_whole(
    settings, secretariat, overdue_five, signed_in, monkeypatch
):
    """The page shows the top of a section (its most urgent issues) and opens the rest of one
    section on request; taking an issue off from the opened list comes back to it opened."""
    monkeypatch.setattr("meetings.views.AGENDA_PAGE_ROWS", 2)
    meeting = make_meeting(timezone.localdate() + timedelta(days=3))
    generate_agenda(meeting, secretariat)
    overdue = meeting.agenda_items.get(section="overdue")
    assert len(overdue.issues) == 5  # the agenda itself keeps every issue of the section

    client = signed_in(secretariat)
    page = client.get(f"/meetings/{meeting.pk}/").content.decode()
    section = page[page.index(f'id="item-{overdue.pk}"') :]
    section = section[: section.index("</article>")]
    assert section.count('data-testid="agenda-issue"') == 2
    assert "超期问题5" in section and "超期问题3" not in section
    assert "显示本部分其余 3 件" in section
    assert "列有5件问题" in section  # the delete confirmation counts the whole section

    opened = client.get(f"/meetings/{meeting.pk}/?expand={overdue.pk}").content.decode()
    section = opened[opened.index(f'id="item-{overdue.pk}"') :]
    section = section[: section.index("</article>")]
    assert section.count('data-testid="agenda-issue"') == 5
    assert "收起本部分" in section

    fourth = overdue.issues[3]["id"]
    response = client.post(
        f"/meetings/{meeting.pk}/agenda/items/{overdue.pk}/issues/{fourth}/remove/",
        {"expand": overdue.pk},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/meetings/{meeting.pk}/?expand={overdue.pk}#item-{overdue.pk}"
