"""The agenda PDF: the snapshot's sections with their issues, as printed for the table."""

import pytest

from meetings.printed import render_agenda_pdf
from tests.printing.helpers import agenda_doc, flat_text, pdf_fonts, pdf_info


@pytest.fixture(scope="module")
def pdf():
    return render_agenda_pdf(agenda_doc())


@pytest.fixture(scope="module")
def flat(pdf):
    return flat_text(pdf)


def test_head(flat):
    assert "2024年第3次产业链联络员会议" in flat
    assert "议程" in flat
    assert "时间：2024年11月24日9:30" in flat
    assert "地点：市总工会三楼会议室" in flat


def test_sections_in_order_with_chinese_numbers(flat):
    headings = [
        "一、上次会议议定事项落实情况",
        "二、新提出的问题",
        "三、逾期未办结的问题",
        "四、待联络员核实的问题",
    ]
    positions = [flat.index(h) for h in headings]
    assert positions == sorted(positions)


def test_issues_with_number_title_department_due_date_and_warning(flat):
    assert (
        "2024-0011人工智能企业算力补贴申报渠道不畅市人力资源和社会保障局2024年11月30日办理中"
        in flat
    )
    assert "2024-0007" in flat and "2024-0008" in flat
    assert "市人力资源和社会保障局" in flat
    assert "2024年11月30日" in flat
    assert (
        "2024-0007软件企业高级测试工程师招聘困难市人力资源和社会保障局2024年11月30日办理中●逾期"
        in flat
    )
    assert (
        "2024-0008汽车零部件企业技工培训场地不足市人力资源和社会保障局2024年11月30日办理中●临期"
        in flat
    )
    assert flat.count("●逾期") == 1


def test_follow_up_decisions_with_their_state(flat):
    assert "1.由市住房保障局落实人才公寓配租。" in flat
    assert "当前情况：已过完成时限" in flat


def test_empty_section_says_so(flat):
    assert "（本项无待议问题）" in flat


def test_a4_and_fonts_embedded(pdf):
    assert "(A4)" in pdf_info(pdf)["Page size"]
    assert all(f["emb"] == "yes" for f in pdf_fonts(pdf))


def test_same_snapshot_same_bytes(pdf):
    assert render_agenda_pdf(agenda_doc()) == pdf


def test_annual_report_item_prints_its_figures():
    doc = agenda_doc()
    doc["items"] = [
        {
            "order": 1,
            "section": "report",
            "title": "2024年度工作情况通报",
            "notes": "",
            "issues": [],
            "report": {
                "totals": {
                    "raised": 120,
                    "resolved": 90,
                    "verified": 80,
                    "on_time_rate": 0.8123,
                    "mean_days_to_resolve": 12.4,
                    "satisfaction_rate": 0.9,
                    "overdue_now": 3,
                },
                "by_department": [
                    {
                        "name": "市人社局",
                        "assigned": 40,
                        "resolved": 30,
                        "resolved_on_time": 27,
                        "on_time_rate": 0.9,
                        "mean_days_to_resolve": 10.0,
                        "overdue_now": 1,
                        "satisfaction_rate": 1.0,
                    }
                ],
            },
        }
    ]
    flat = flat_text(render_agenda_pdf(doc))
    assert "一、2024年度工作情况通报" in flat
    assert "120提出" in flat
    assert "81.2%按期办结率" in flat
    assert "12.4平均办理工作日" in flat
    # league row: rank, name, 交办, 签收及时率 (none counted), 已报结, 按期办结
    assert "1市人社局40—3027" in flat
