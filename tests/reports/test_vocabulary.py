"""One vocabulary (DESIGN "Reports"): the dashboard, the annual report PDF and the issue ledger
call the same figure by the same word, and no retired word (已核实, 已办理 …) is left; every
figure's definition is in docs/figures.md."""

import io
import re
from datetime import date
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from openpyxl import load_workbook

from issues.counting import FIGURES, KEY_FIGURES, LEAGUE_COLUMNS, league_header
from issues.models import State
from reports.annual import render_annual_report_pdf
from tests.printing.helpers import at, flat_text, make_year_of_issues

pytestmark = pytest.mark.django_db

YEAR, ON = 2025, date(2026, 1, 10)
RETIRED = ("已核实", "待核实", "已办理", "按时办理", "按时率", "平均天数", "当前逾期")


@pytest.fixture
def outputs(client, leader):
    make_year_of_issues(YEAR, 60, today=ON)
    client.force_login(leader)
    with time_machine.travel(at(ON, 10), tick=False):
        dashboard = client.get("/dashboard/", {"year": YEAR})
        ledger = client.get("/issues/export.xlsx", {"year": YEAR})
    pdf = flat_text(render_annual_report_pdf(YEAR, on=ON))
    book = load_workbook(io.BytesIO(ledger.content))
    rows = list(book.active.iter_rows(values_only=True))
    return dashboard, pdf, rows


def test_the_same_figure_has_the_same_label_everywhere(outputs):
    dashboard, pdf, rows = outputs
    page = dashboard.content.decode()
    cards = [c["label"] for c in dashboard.context["cards"]]
    assert cards == [str(FIGURES[k].label) for k in KEY_FIGURES]
    for key in KEY_FIGURES:
        name = str(FIGURES[key].label)
        assert name in page and name in pdf, key  # the cards and the PDF's key figures
    # The league table: the same columns, in the same words, on the screen and on paper.
    assert dashboard.context["league_header"] == league_header()[2:]
    assert "".join(league_header()) in pdf
    assert [str(FIGURES[k].label) for k in LEAGUE_COLUMNS] == league_header()[2:]
    # The states: the dashboard's 按状态, the ledger's 状态 column, the PDF's open problems.
    labels = {str(label) for _value, label in State.choices}
    assert {r["label"] for r in dashboard.context["figures"]["by_state"]} == labels
    state_column = rows[1].index("状态")  # below the title row
    assert {r[state_column] for r in rows[2:]} <= labels
    assert re.search("待交办|待签收|办理中|待评价", pdf)


def test_no_retired_word_is_left(outputs):
    dashboard, pdf, rows = outputs
    page = dashboard.content.decode()
    ledger = "".join(str(c) for row in rows for c in row if c)
    for word in RETIRED:
        assert word not in page, word
        assert word not in pdf, word
        assert word not in ledger, word


def test_one_word_never_names_two_figures():
    labels = [str(f.label) for f in FIGURES.values()]
    assert len(labels) == len(set(labels))
    state_labels = {str(label) for _v, label in State.choices}
    # 已办结 is both the state verified and the figure counting it: one thing, one word.
    assert set(labels) & state_labels == {"已办结"}
    assert FIGURES["verified"].filters == {"state": State.VERIFIED}


def test_every_figure_is_defined_in_the_docs():
    text = (Path(settings.BASE_DIR) / "docs" / "figures.md").read_text()
    for figure in FIGURES.values():
        assert f"**{figure.label}**" in text, figure.key
        assert str(figure.definition) in text, figure.key
