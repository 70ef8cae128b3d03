"""Every number of the dashboard opens exactly the issues it counts (DESIGN "Reports"): the test
renders the dashboard, follows every number's link and compares the list's count with the
number shown; and the cases issue 12 reported stay fixed."""

import io
import re
from html import unescape

import pytest
from openpyxl import load_workbook

from tests.reports.test_dashboard import at, dashboard, world  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db

LINK = re.compile(r'<a[^>]*href="([^"]+)"[^>]*data-count="(\d+)"(?:[^>]*data-figure="([^"]*)")?')
LIST_COUNT = re.compile(r'data-testid="count">共 (\d+) 条')


def _links(page: str) -> list[tuple[str, int, str]]:
    return [(unescape(url), int(n), unescape(f or "")) for url, n, f in LINK.findall(page)]


def _list_count(client, url: str) -> int:
    with at(4, 1):
        page = client.get(url).content.decode()
    return int(LIST_COUNT.search(page).group(1))


@pytest.mark.parametrize("persona", ["leader", "hrss_staff", "software_officer"])
def test_every_number_opens_exactly_its_issues(client, world, request, persona):  # noqa: F811
    user = request.getfixturevalue(persona)
    page = dashboard(client, user, year=2024).content.decode()
    links = _links(page)
    # Every figure link carries its count: cards, states, league, unions, chains, overdue.
    assert len(links) == page.count("data-count=")
    assert len(links) > 20
    for url, shown, figure in links:
        assert _list_count(client, url) == shown, (figure, url)


def test_the_api_and_the_ledger_count_alike(client, world, leader):  # noqa: F811
    """The list, the API and the ledger share one filter set: the same query, the same count."""
    page = dashboard(client, leader, year=2024).content.decode()
    queries = {url.split("?", 1)[1] for url, _n, _f in _links(page) if "?" in url}
    for query in sorted(queries):
        with at(4, 1):
            api = client.get(f"/api/v1/issues/?{query}").json()
            ledger = client.get(f"/issues/export.xlsx?{query}")
        rows = load_workbook(io.BytesIO(ledger.content)).active.max_row - 2  # title, headers
        assert api["count"] == rows == _list_count(client, f"/issues/?{query}"), query


def test_the_cases_of_issue_12(client, world, leader):  # noqa: F811
    """已报结 (resolved or verified) and 已办结 (verified) are two words for two figures; the
    league's 按期办结 and 按期办结率 open the issues resolved on time, not every resolved one."""
    page = dashboard(client, leader, year=2024).content.decode()
    figures = {}
    for url, shown, figure in _links(page):
        figures.setdefault(figure, set()).add((url, shown))
    cards = {c["label"]: c for c in dashboard(client, leader, year=2024).context["cards"]}
    assert cards["已报结"]["count"] == 2 and cards["已办结"]["count"] == 1
    by_state = dashboard(client, leader, year=2024).context["figures"]["by_state"]
    assert {r["label"]: r["count"] for r in by_state}["已办结"] == cards["已办结"]["count"]
    hrss = next(
        r for r in dashboard(client, leader, year=2024).context["league"] if r["code"] == "hrss"
    )
    cells = {c["label"]: c for c in hrss["cells"]}
    assert "resolved_on_time=true" in cells["按期办结"]["url"]
    assert cells["按期办结率"]["url"] == cells["按期办结"]["url"]
    assert _list_count(client, cells["按期办结"]["url"]) == cells["按期办结"]["count"] == 1
    assert _list_count(client, cells["交办"]["url"]) == cells["交办"]["count"] == 2
