"""`load_reference_data`: the organisation of measure 11, loaded from the repository's data file."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from organisation.models import Department, IndustryChain, IndustryUnion, IssueCategory, Measure
from organisation.reference import DATA_FILE, load_reference_data

pytestmark = pytest.mark.django_db

# Names exactly as the seed document (zhengzhou-11-measures.txt) writes them.
SEED_UNIONS = {
    "auto-equipment": "市汽车及装备制造业工会",
    "electronics-it": "市电子信息科技工会",
    "energy-biomed": "市能源生物医药工会",
    "new-employment": "市新就业形态工会",
}
SEED_CHAINS = {
    "automotive": "汽车制造",
    "equipment": "装备制造",
    "robotics": "机器人",
    "drones": "无人机",
    "smart-sensors": "智能传感器",
    "software": "软件",
    "ai": "人工智能",
    "superhard-materials": "超硬材料",
    "aluminium": "铝加工制品",
}
SEED_MEASURES = [
    "引领产业工人听党话、跟党走",
    "打造高技能人才队伍",
    "深化群众性技术创新活动",
    "提升劳动和技能竞赛水平",
    "发挥劳模工匠示范引领作用",
    "发挥国有企业带动作用",
    "发挥产业工会自身优势",
    "全力构建和谐劳动关系",
    "持续做好普惠性服务",
    "提升产业工人文化生活品质",
    "建立助“链”联动机制",
]
CHAIN_UNIONS = {
    "automotive": "auto-equipment",
    "equipment": "auto-equipment",
    "robotics": "auto-equipment",
    "drones": "auto-equipment",
    "smart-sensors": "electronics-it",
    "software": "electronics-it",
    "ai": "electronics-it",
}


def counts():
    return [
        m.objects.count()
        for m in (IndustryUnion, IndustryChain, Department, IssueCategory, Measure)
    ]


def history_counts():
    return [
        m.history.count()
        for m in (IndustryUnion, IndustryChain, Department, IssueCategory, Measure)
    ]


def test_loads_the_organisation_of_measure_11():
    # (the autouse fixture has loaded it once already, as for every test)
    assert counts() == [8, 9, 8, 9, 11]


def test_loading_twice_adds_nothing_and_writes_no_history():
    before, history_before = counts(), history_counts()
    out = StringIO()
    call_command("load_reference_data", stdout=out)
    assert "unions 0, chains 0" in out.getvalue()
    assert load_reference_data() == dict.fromkeys(
        ["unions", "chains", "departments", "categories", "measures", "calendar"], 0
    )
    assert counts() == before
    assert history_counts() == history_before


def test_the_four_unions_the_seed_names_and_four_examples():
    named = {u.code: u.name for u in IndustryUnion.objects.filter(is_example=False)}
    assert named == SEED_UNIONS
    examples = IndustryUnion.objects.filter(is_example=True)
    assert examples.count() == 4
    assert all(u.name.startswith("市") and u.name.endswith("工会") for u in examples)


def test_the_nine_chains_of_measure_4_with_an_assumed_union():
    assert {c.code: c.name for c in IndustryChain.objects.all()} == SEED_CHAINS
    assert all(IndustryChain.objects.values_list("union_is_assumed", flat=True))
    mapping = dict(IndustryChain.objects.values_list("code", "union__code"))
    assert {code: mapping[code] for code in CHAIN_UNIONS} == CHAIN_UNIONS
    # The two materials chains share one example union.
    materials = IndustryUnion.objects.filter(chains__code__in=["superhard-materials", "aluminium"])
    assert {u.is_example for u in materials} == {True}
    assert len({u.pk for u in materials}) == 1


def test_names_are_the_seed_documents_own_words():
    measure_4 = Measure.objects.get(number=4).text
    measure_11 = Measure.objects.get(number=11).text
    for name in SEED_CHAINS.values():
        assert name in measure_4
    for name in SEED_UNIONS.values():
        assert name in measure_11
    assert "8个产业工会" in measure_11


def test_eleven_measures_with_short_titles_and_text():
    measures = list(Measure.objects.order_by("number"))
    assert [m.number for m in measures] == list(range(1, 12))
    assert [m.title for m in measures] == SEED_MEASURES
    for measure in measures:
        assert measure.text.startswith(measure.title + "。")


def test_departments_and_categories_have_the_design_codes():
    assert set(Department.objects.values_list("code", flat=True)) == {
        "ndrc",
        "miit",
        "hrss",
        "sti",
        "housing",
        "education",
        "finance",
        "market",
    }
    assert Department.objects.get(code="hrss").name == "市人力资源和社会保障局"
    assert dict(IssueCategory.objects.values_list("code", "name")) == {
        "recruitment": "用工招聘",
        "training": "技能培训",
        "talent": "人才政策",
        "housing": "住房保障",
        "labour-relations": "劳动关系",
        "rights": "权益保障",
        "supply-chain": "产业配套",
        "finance": "融资",
        "other": "其他",
    }


def test_an_admin_correction_survives_a_reload_unless_update_is_asked():
    IndustryUnion.objects.filter(code="materials").update(name="市新材料工会（已更正）")
    load_reference_data()
    assert IndustryUnion.objects.get(code="materials").name == "市新材料工会（已更正）"
    changed = load_reference_data(update=True)
    assert changed["unions"] == 1
    assert IndustryUnion.objects.get(code="materials").name == "市新材料产业工会"


def test_the_data_file_marks_what_is_not_in_the_seed():
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    assert "example" in data["_source"] and "assumption" in data["_source"]
    assert sum(u["is_example"] for u in data["unions"]) == 4
