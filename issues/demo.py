"""Demo issues for `seed_demo`: a year of bottlenecks in every state, driven through the services.

Each issue lives its life with the clock set to the day of each step (time-machine), so
every timestamp, history row and due-date check is the one it would have been on that day;
no state is ever written directly. Issues are filed oldest first so numbers follow dates.
Idempotent: does nothing when any issue exists.
"""

from __future__ import annotations

import random
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, time, timedelta

import time_machine
from django.utils import timezone

from issues import extensions
from issues.models import Issue, State, SupervisionNotice
from issues.notices import default_reply_by, default_text, issue_automatic, issue_notice
from issues.services import perform_transition, post_update, raise_issue
from organisation.models import Department, IndustryChain, IssueCategory, Measure, User

COUNT = 120


@dataclass(frozen=True)
class Bottleneck:
    chain: str
    category: str
    title: str
    description: str
    measure: int | None = None


# What officers of each chain hear from companies (examples; companies are anonymised).
BOTTLENECKS = [
    Bottleneck(
        "software",
        "recruitment",
        "软件企业高级测试工程师招聘难",
        "园区内多家软件企业反映，高级测试工程师、性能测试工程师岗位长期空缺，"
        "本地院校相关专业毕业生少，外地人才来郑意愿不强，影响项目交付。",
        2,
    ),
    Bottleneck(
        "software",
        "talent",
        "人才补贴申报卡在审核环节",
        "企业为引进的硕士研究生申报人才生活补贴，材料提交已两个多月，系统显示仍在审核中，"
        "企业多次询问无明确答复，员工有离职意向。",
        11,
    ),
    Bottleneck(
        "software",
        "training",
        "软件企业职工技能等级认定渠道少",
        "软件行业职业技能等级认定机构少、考点少，职工参加认定需排队数月，影响职称评定和待遇调整。",
        2,
    ),
    Bottleneck(
        "software",
        "housing",
        "青年软件工程师租房成本高",
        "郑东新区软件园周边租金较高，青年职工通勤时间长，企业希望增加人才公寓或保障性租赁住房供给。",
        9,
    ),
    Bottleneck(
        "ai",
        "finance",
        "人工智能初创企业算力补贴申请难",
        "算力券申请要求企业提供上年度审计报告，初创企业成立不足一年无法提供，希望调整申请条件。",
        11,
    ),
    Bottleneck(
        "ai",
        "recruitment",
        "算法工程师薪酬倒挂留人难",
        "本地人工智能企业算法岗位薪酬低于一线城市，培养成熟的工程师流失严重，希望在人才政策上给予支持。",
        2,
    ),
    Bottleneck(
        "ai",
        "labour-relations",
        "数据标注员劳动合同签订不规范",
        "部分数据标注外包企业未与标注员签订书面劳动合同，社保缴纳不足，职工投诉较多。",
        8,
    ),
    Bottleneck(
        "smart-sensors",
        "supply-chain",
        "传感器芯片封测本地配套不足",
        "智能传感器企业所需的MEMS封装测试需送往外省，周期长、成本高，希望引进或培育本地封测企业。",
        11,
    ),
    Bottleneck(
        "smart-sensors",
        "training",
        "传感器装调工缺少系统培训",
        "企业新招装调工上岗前缺少系统培训，返修率高，希望依托职业院校开设定向培训班。",
        3,
    ),
    Bottleneck(
        "automotive",
        "housing",
        "汽车零部件企业职工宿舍不足",
        "经开区多家零部件企业扩产后新增一线职工较多，现有宿舍床位不足，部分职工在外租住条件较差。",
        9,
    ),
    Bottleneck(
        "automotive",
        "recruitment",
        "新能源汽车产线技术工人招聘难",
        "新能源整车企业新产线投产，需要电池装配、电气调试等技术工人约三百人，招聘进度不足一半。",
        2,
    ),
    Bottleneck(
        "automotive",
        "rights",
        "汽车销售服务人员加班费争议",
        "部分4S店销售服务人员反映节假日加班未足额支付加班费，希望工会和人社部门开展专项检查。",
        8,
    ),
    Bottleneck(
        "equipment",
        "training",
        "装备制造企业焊工高级证取证难",
        "企业焊工考取高级工证书需到外地培训机构，脱产时间长，希望在本地设立考点。",
        4,
    ),
    Bottleneck(
        "equipment",
        "supply-chain",
        "大型铸锻件本地配套能力弱",
        "矿山装备企业所需大型铸锻件多从外省采购，运输成本高、交期不稳定。",
        11,
    ),
    Bottleneck(
        "equipment",
        "talent",
        "首席技师津贴政策落实不到位",
        "企业评选的首席技师未能享受市级津贴，相关部门对申报口径说法不一。",
        5,
    ),
    Bottleneck(
        "robotics",
        "recruitment",
        "工业机器人运维人员缺口大",
        "机器人集成企业反映，具备编程和现场调试能力的运维人员严重不足，本地培养规模偏小。",
        2,
    ),
    Bottleneck(
        "robotics",
        "finance",
        "机器人企业首台套保险补偿兑现慢",
        "企业申报的首台（套）重大技术装备保险补偿资金已公示半年，尚未拨付到位。",
        11,
    ),
    Bottleneck(
        "drones",
        "training",
        "无人机企业飞手培训考点不足",
        "无人机企业飞手需取得执照后方可上岗，本地考点少、考试排期长，影响订单交付。",
        4,
    ),
    Bottleneck(
        "drones",
        "other",
        "无人机试飞空域审批周期长",
        "企业新机型试飞需逐次申请空域，审批周期长，希望协调设立常态化试飞区域。",
        11,
    ),
    Bottleneck(
        "superhard-materials",
        "labour-relations",
        "超硬材料企业夜班津贴标准不统一",
        "金刚石合成车间实行四班三运转，夜班津贴标准各企业差异大，职工意见较多。",
        8,
    ),
    Bottleneck(
        "superhard-materials",
        "rights",
        "粉尘岗位职业健康体检不到位",
        "部分中小企业粉尘岗位职工未按规定开展职业健康体检，防护用品配备不足。",
        8,
    ),
    Bottleneck(
        "superhard-materials",
        "talent",
        "超硬材料研发人员职称评审渠道不畅",
        "企业研发人员申报材料类专业职称，本地评审委员会专业设置不对口。",
        2,
    ),
    Bottleneck(
        "aluminium",
        "housing",
        "铝加工企业职工宿舍不足",
        "巩义铝加工园区企业外地职工多，宿舍紧张，部分职工多人合住，希望建设园区公寓。",
        9,
    ),
    Bottleneck(
        "aluminium",
        "supply-chain",
        "再生铝原料供应不稳定",
        "园区企业再生铝原料回收渠道分散，供应不稳定，希望规范回收体系。",
        11,
    ),
    Bottleneck(
        "aluminium",
        "training",
        "铝型材挤压工技能竞赛缺少平台",
        "企业希望举办铝型材挤压工职业技能竞赛，以赛促训，但缺少组织和经费支持。",
        4,
    ),
    Bottleneck(
        "software",
        "rights",
        "软件外包人员异地社保转移难",
        "外包驻场开发人员社保在外地缴纳，转入本地手续繁琐，影响子女入学和购房资格。",
        9,
    ),
    Bottleneck(
        "ai",
        "training",
        "人工智能训练师职业标准缺失",
        "人工智能训练师新职业缺少本地培训评价机构，企业职工无法参加等级认定。",
        2,
    ),
    Bottleneck(
        "robotics",
        "labour-relations",
        "机器人企业竞业限制纠纷增多",
        "部分企业与技术骨干签订的竞业限制协议不规范，离职纠纷增多，希望加强劳动法律服务。",
        8,
    ),
    Bottleneck(
        "drones",
        "recruitment",
        "无人机植保季节性用工难",
        "植保作业旺季需临时招用大量飞手和地勤人员，季节性用工缺乏对接平台。",
        9,
    ),
    Bottleneck(
        "automotive",
        "training",
        "汽车维修技师新能源技能转型培训不足",
        "传统燃油车维修技师缺少高压电安全和电池维修培训，转型困难。",
        3,
    ),
]

COMPANIES = {
    "software": ["郑州某软件科技有限公司", "河南某信息技术股份有限公司", "郑州某数据服务有限公司"],
    "ai": ["郑州某智能科技有限公司", "河南某人工智能研究院有限公司", "郑州某数据标注服务有限公司"],
    "smart-sensors": ["郑州某传感技术有限公司", "河南某微电子有限公司"],
    "automotive": [
        "郑州某汽车零部件有限公司",
        "郑州某新能源汽车有限公司",
        "郑州某汽车销售服务有限公司",
    ],
    "equipment": ["郑州某重型装备有限公司", "河南某矿山机械有限公司"],
    "robotics": ["郑州某机器人有限公司", "河南某智能装备有限公司"],
    "drones": ["郑州某无人机科技有限公司", "河南某航空科技有限公司"],
    "superhard-materials": ["郑州某磨料磨具有限公司", "河南某超硬材料股份有限公司"],
    "aluminium": ["巩义某铝业有限公司", "河南某铝材加工有限公司"],
}

# The department a category usually goes to (the secretariat decides; this is its habit).
DEPARTMENT_FOR = {
    "recruitment": ["hrss"],
    "training": ["hrss", "education"],
    "talent": ["hrss", "sti"],
    "housing": ["housing"],
    "labour-relations": ["hrss"],
    "rights": ["hrss", "market"],
    "supply-chain": ["miit", "ndrc"],
    "finance": ["finance", "miit"],
    "other": ["ndrc", "miit"],
}

ASSIGN_NOTES = [
    "请牵头研究办理，按时反馈。",
    "请会同有关单位研究解决。",
    "请尽快与企业对接，提出解决方案。",
    "此事企业反映强烈，请优先办理。",
]
RETURN_REASONS = [
    "该事项不属于本部门职责，建议交由{other}办理。",
    "企业诉求涉及多个部门，建议由{other}牵头。",
    "经核实，该事项主要涉及{other}的审批环节。",
]
NOTES = [
    "已与企业负责人电话沟通，了解具体诉求。",
    "已召开专题协调会，相关单位参会研究。",
    "已赴企业实地调研，形成初步工作方案。",
    "相关政策文件正在修订，预计本月底印发。",
    "已将企业名单报送有关部门，等待反馈。",
]
RESOLUTIONS = {
    "recruitment": "已组织专场招聘会两场，帮助企业招聘到相关岗位人员，并将企业岗位纳入重点企业用工服务清单。",
    "training": "已协调职业院校开设定向培训班，并在本地增设考点，首期学员已完成培训和考核。",
    "talent": "已完成材料审核，补贴资金已拨付到位，并优化了申报流程，审核时限压缩至二十个工作日。",
    "housing": "已协调园区闲置楼宇改建为职工公寓，新增床位两百余张，首批职工已入住。",
    "labour-relations": "已开展专项指导，督促企业规范劳动合同和津贴制度，涉及职工已补签合同。",
    "rights": "已开展专项检查，责令企业整改，职工应得待遇已补发到位。",
    "supply-chain": "已组织供需对接会，引导本地企业开展配套合作，已有两家企业达成合作意向。",
    "finance": "已完成资金审核拨付，并调整申请条件，初创企业可凭其他材料申请。",
    "other": "已会同有关单位研究，形成常态化工作机制，企业诉求已基本解决。",
}
SOURCES = ["phone", "visit", "meeting", "letter"]
# The co-department (协办) a lead department works with, by the lead's code.
CO_DEPARTMENT_CODES = {
    "hrss": "education",
    "miit": "sti",
    "ndrc": "finance",
    "sti": "miit",
    "housing": "ndrc",
    "education": "hrss",
    "finance": "ndrc",
    "market": "hrss",
}
CO_DEPARTMENT_NOTES = [
    "协办意见：我单位已梳理相关政策口径，建议由主办部门统一答复企业。",
    "协办意见：已安排专人对接，配合主办部门开展实地调研。",
    "协办意见：相关资金渠道可予支持，具体额度请主办部门会商后确定。",
]
EXPLANATIONS = [
    "经研究，企业诉求涉及国家层面政策调整，非本级事权，已向企业说明政策依据，"
    "并将意见建议向省级主管部门反映。",
    "经核实，现行政策不支持该项补贴的追溯申领，已向企业解释政策规定，并指导企业按新政策申报。",
    "该事项属中央驻豫单位管理权限，已将企业诉求转交相关单位，并向企业说明办理渠道。",
]
DISSATISFIED_NOTES = [
    "企业对答复不认可，认为仍可在本级层面协调解决。",
    "企业反映问题只解决了一部分，希望继续跟进。",
    "答复理由不充分，企业不满意。",
]
INSTRUCTIONS = [
    "请相关部门高度重视，抓紧研究，本月底前向秘书处报送办理情况。",
    "此事企业反映强烈，请主办部门主要负责同志亲自过问，限期解决。",
]
REOPEN_REASONS = [
    "企业反映问题仍未实际解决，请继续办理。",
    "补贴尚未到账，企业不认可办结结果。",
    "措施只解决了部分岗位，请进一步落实。",
]
EXTENSION_REASONS = [
    "需待省级主管部门批复，申请延期办理。",
    "涉及多个部门协调，会商尚未完成，申请延期。",
    "企业补充材料尚未提交齐全，申请延期办理。",
]

WITHDRAW_REASONS = [
    "企业已自行解决，撤回该问题。",
    "与已提出的问题重复，撤回。",
    "企业已搬迁出本市，撤回。",
]
VERIFY_NOTES = [
    "企业表示满意。",
    "经回访，企业对办理结果基本满意。",
    "问题已解决，感谢各部门支持。",
    "",
]


@contextmanager
def _at(moment: datetime):
    """Run the services as if it were `moment`: timestamps, history and due-date checks alike."""
    with time_machine.travel(moment, tick=False):
        yield


def _working_time(moment: datetime, rng) -> datetime:
    local = timezone.localtime(moment)
    day = local.date()
    while day.weekday() >= 5:  # offices do not act at weekends
        day += timedelta(days=1)
    clock = time(rng.randint(8, 17), rng.choice([0, 10, 20, 30, 40, 50]))
    return timezone.make_aware(datetime.combine(day, clock))


class _Life:
    """One issue's life, stepping its clock forward; every step stops short of the present."""

    def __init__(self, issue: Issue, start: datetime, now: datetime, rng):
        self.issue, self.clock, self.now, self.rng = issue, start, now, rng

    def step(self, min_days: int, max_days: int) -> bool:
        moment = _working_time(
            self.clock + timedelta(days=self.rng.randint(min_days, max_days)), self.rng
        )
        if moment >= self.now:
            return False
        self.clock = moment
        return True

    def act(self, name: str, user, **inputs) -> None:
        with _at(self.clock):
            self.issue = perform_transition(self.issue, name, user, **inputs)

    def note(self, user, text: str) -> None:
        with _at(self.clock):
            post_update(self.issue, user, text)

    def ask_extension(self, user, due_date, reason: str) -> None:
        with _at(self.clock):
            extensions.request_extension(self.issue, user, due_date=due_date, reason=reason)

    def decide_extension(self, user, decision: str, note: str) -> None:
        with _at(self.clock):
            pending = self.issue.extensions.get(state="pending")
            extensions.decide(self.issue, pending.pk, user, decision, note=note)
            self.issue = Issue.objects.get(pk=self.issue.pk)


def seed(accounts, rng, stdout) -> None:
    if Issue.objects.exists():
        stdout.write("issues: demo issues already present, nothing to do")
        return
    chains = {c.code: c for c in IndustryChain.objects.all()}
    categories = {c.code: c for c in IssueCategory.objects.all()}
    measures = {m.number: m for m in Measure.objects.all()}
    departments = {d.code: d for d in Department.objects.all()}
    now = timezone.now()
    plans = sorted(
        (
            min(
                _working_time(now - timedelta(days=rng.randint(2, 362)), rng),
                now - timedelta(hours=2),
            ),
            n,
        )
        for n in range(COUNT)
    )
    for start, n in plans:
        template = BOTTLENECKS[n % len(BOTTLENECKS)]
        company = rng.choice(COMPANIES[template.chain])
        repeat = n // len(BOTTLENECKS)
        title = (
            template.title
            if repeat == 0
            else f"{company.replace('有限公司', '').replace('股份', '')}反映{template.title}"
        )
        officer = accounts.officers[template.chain]
        # 代录: one issue in nine reaches the secretariat by phone, a visit, a meeting or a
        # letter, and it files it for the chain (by its number: the random sequence stays).
        source = SOURCES[n % len(SOURCES)] if n % 9 == 4 else ""
        with _at(start):
            issue = raise_issue(
                accounts.secretariat if source else officer,
                source=source,
                chain=chains[template.chain],
                category=categories[template.category],
                measure=(
                    measures.get(template.measure)
                    # The draw comes first: the demo's random sequence stays as it was.
                    if rng.random() < 0.8 and template.measure is not None
                    else None
                ),
                title=title[:200],
                company=company,
                raised_at=start,
                description=f"{company}等企业反映：{template.description}",
            )
        _live(_Life(issue, start, now, rng), template, accounts, departments, rng)
    _merge_a_duplicate(accounts.secretariat)
    _supervise(accounts, now)
    _instruct(accounts.leader)
    counts = {state.label: Issue.objects.filter(state=state).count() for state in State}
    stdout.write("issues: " + "，".join(f"{label} {n}" for label, n in counts.items()))


def _live(life: _Life, template: Bottleneck, accounts, departments, rng) -> None:
    """Take one issue as far as its days allow: assign, perhaps return, notes, resolve, verify."""
    secretariat = accounts.secretariat
    fate = rng.random()
    if fate < 0.05:
        if life.step(1, 6):
            life.act(
                "withdraw",
                rng.choice([life.issue.raised_by, secretariat]),
                reason=rng.choice(WITHDRAW_REASONS),
            )
        return
    choices = DEPARTMENT_FOR[template.category]
    department = departments[rng.choice(choices)]
    if not _assign(life, secretariat, department, rng):
        return
    if fate < 0.16:
        # The department says it is not its business; the secretariat gives it to another.
        other = departments[
            rng.choice(
                [c for c in ["hrss", "miit", "ndrc", "sti", "housing"] if c != department.code]
            )
        ]
        if not life.step(2, 8):
            return
        life.act(
            "return",
            accounts.staff[department.code],
            reason=rng.choice(RETURN_REASONS).format(other=other.name),
        )
        if fate < 0.11 or not _assign(life, secretariat, other, rng):
            return  # stays with the secretariat, returned, waiting to be assigned again
        department = other
    staff = accounts.staff[department.code]
    stuck = fate > 0.9  # a hard one: still with the department, often past its deadline
    if fate > 0.96 or not life.step(0, 2):
        return  # not signed for yet (超时未签收, for the oldest)
    life.act("accept", staff, note="已签收，正在研究办理。")
    for text in rng.sample(NOTES, rng.randint(0, 3 if not stuck else 2)):
        if not life.step(3, 12):
            return
        life.note(staff, text)
    if stuck:
        return
    if fate > 0.82 and life.step(5, 10):
        # 延期申请: the department asks, the secretariat decides a day or two later (one in
        # three refused); a request made in the last days is still pending today.
        current = life.issue.due_date or life.clock.date()
        asked = max(
            life.clock.date() + timedelta(days=rng.randint(20, 40)), current + timedelta(days=7)
        )
        # The reason by the issue's number, not a draw: the demo's random sequence stays as it was.
        reason = EXTENSION_REASONS[life.issue.sequence % len(EXTENSION_REASONS)]
        life.ask_extension(staff, asked, reason)
        if not life.step(0, 2):
            return
        refused = life.issue.sequence % 3 == 0
        life.decide_extension(
            secretariat,
            "reject" if refused else "approve",
            note="现有时限可以完成，请按期办结。" if refused else "同意延期，请抓紧办理。",
        )
    if not life.step(5, 40):
        return
    # 答复: one in seven cannot be solved at city level and is answered with the reason.
    explained = life.issue.sequence % 7 == 3
    if explained:
        life.act(
            "resolve",
            staff,
            outcome="explained",
            resolution=EXPLANATIONS[life.issue.sequence % len(EXPLANATIONS)],
        )
    else:
        life.act("resolve", staff, resolution=RESOLUTIONS[template.category])
    if 0.16 <= fate < 0.28 and not explained:
        if not life.step(3, 10):
            return
        life.act("reopen", _officer_of(life.issue), reason=rng.choice(REOPEN_REASONS))
        if not life.step(0, 2):
            return
        life.act("accept", staff, note="已重新签收。")
        if not life.step(7, 25):
            return
        life.act(
            "resolve",
            staff,
            resolution=RESOLUTIONS[template.category] + "针对企业反馈，已进一步落实到位。",
        )
    if 0.30 <= fate < 0.36 or not life.step(2, 12):
        return  # the officer has not rated it yet
    satisfaction = "satisfied" if rng.random() < 0.7 else "basically_satisfied"
    note = rng.choice(VERIFY_NOTES)
    if explained or life.issue.sequence % 11 == 5:
        # An answer the company does not accept, or a result it finds poor: 不满意, with why.
        satisfaction = (
            "dissatisfied" if explained and life.issue.sequence % 2 else "basically_satisfied"
        )
        note = DISSATISFIED_NOTES[life.issue.sequence % len(DISSATISFIED_NOTES)]
    life.act("verify", _officer_of(life.issue), satisfaction=satisfaction, note=note)


def _supervise(accounts, now: datetime) -> None:
    """催办/督办 as the secretariat and `send_reminders` leave them (DESIGN
    "The bottleneck state machine", supervision notices): the automatic ones due today; a 督办 by hand, a week
    ago, on issues accepted and overdue since before then (two answered, the rest left past
    their reply-by date, so the list of 督导事项 has them); and a third of today's notices
    answered by the department. Notices are issued now or on days when the issue stood as it
    stands now, so that its history rows stay true (the as-of views read them)."""
    rng = random.Random(12)  # its own draws: the issues' random sequence stays as it was
    week_ago = now - timedelta(days=7)
    settled = (
        Issue.objects.filter(state=State.ACCEPTED, accepted_at__lt=week_ago - timedelta(days=1))
        .filter(due_date__lt=timezone.localdate(week_ago))
        .order_by("due_date", "pk")[:4]
    )
    for n, issue in enumerate(settled):
        with _at(week_ago):
            notice = issue_notice(
                issue,
                accounts.secretariat,
                kind=SupervisionNotice.Kind.SUPERVISE,
                text=default_text(issue, SupervisionNotice.Kind.SUPERVISE),
                reply_by=default_reply_by(),
            )
        if n < 2:
            with _at(week_ago + timedelta(days=2)):
                post_update(
                    issue, accounts.staff[issue.department.code], ANSWERS[n], notice=notice.pk
                )
    with _at(now - timedelta(hours=2)):
        issued = issue_automatic()
    for notice in issued:
        if rng.random() < 0.33:
            staff = accounts.staff[notice.department.code]
            with _at(now - timedelta(hours=1)):
                post_update(notice.issue, staff, rng.choice(ANSWERS), notice=notice.pk)


ANSWERS = [
    "已收到督办通知，局主要负责同志已专题研究，正会同相关处室加快办理，预计两周内办结。",
    "已约谈企业负责人并实地调研，办理方案已报局党组审定，近期将书面报送进展。",
    "已协调市财政局落实资金渠道，待审批完成后即办结，办理进展已书面报送秘书处。",
]


def _merge_a_duplicate(secretariat) -> None:
    """合并重复件: the newest issue still waiting to be assigned, filed again for its chain."""
    duplicate = (
        Issue.objects.filter(state__in=[State.RAISED, State.ASSIGNED], return_count=0)
        .order_by("-state", "-raised_at")  # raised first
        .first()
    )
    if duplicate is None:
        return
    original = (
        Issue.objects.filter(chain_id=duplicate.chain_id)
        .exclude(pk=duplicate.pk)
        .exclude(state=State.MERGED)
        .order_by("raised_at")
        .first()
    )
    if original is not None:
        perform_transition(
            duplicate,
            "merge",
            secretariat,
            duplicate_of=original,
            reason=f"与 {original.number} 反映的是同一类问题，合并办理。",
        )


def _instruct(leader: User) -> None:
    """批示: the leader writes on the two longest-overdue open issues (today)."""
    for issue in Issue.objects.overdue().order_by("due_date")[:2]:
        post_update(issue, leader, INSTRUCTIONS[issue.sequence % len(INSTRUCTIONS)])


def _officer_of(issue: Issue) -> User:
    """The chain's current officer: the demo appoints one for every chain."""
    term = issue.chain.current_term()
    assert term is not None, issue.chain
    return term.officer


def _assign(life: _Life, secretariat, department, rng) -> bool:
    if not life.step(1, 7):
        return False
    due_date = life.clock.date() + timedelta(days=rng.choice([15, 20, 30, 30, 45]))
    # 协办: one issue in four is given a co-department beside its lead (by its number).
    sequence = life.issue.sequence
    co = (
        Department.objects.filter(code=CO_DEPARTMENT_CODES.get(department.code, "")).first()
        if sequence % 4 == 1
        else None
    )
    life.act(
        "assign",
        secretariat,
        department=department,
        co_departments=[co] if co is not None else [],
        due_date=due_date,
        note=rng.choice(ASSIGN_NOTES),
    )
    if co is not None and life.step(1, 4):
        staff = User.objects.filter(department=co, role=User.Role.DEPARTMENT).first()
        if staff is not None:
            life.note(staff, CO_DEPARTMENT_NOTES[sequence % 3])
    return True
