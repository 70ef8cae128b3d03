"""An automated accessibility check (axe-core) of the main pages, as each person sees them.

axe-core is vendored for the tests only (tests/browser/vendor/README.md: version, licence);
it is injected into each page and any `serious` or `critical` violation fails the test,
with what it is and where.
"""

from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.utils import timezone

from issues.models import Attachment
from meetings import services
from organisation.models import Department
from tests.issue_helpers import accept_and_resolve, assign, file_issue
from tests.meetings_ui.conftest import advance, at

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def violations(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    found = page.evaluate(
        """async () => {
            const result = await axe.run(document, {resultTypes: ["violations"]});
            return result.violations
                .filter(v => v.impact === "serious" || v.impact === "critical")
                .map(v => `${v.id} (${v.impact}): ${v.help} — ` +
                     v.nodes.slice(0, 3).map(n => n.target.join(" ") + " " +
                                            (n.failureSummary || "").replace(/\\s+/g, " ")).join(" | "));
        }"""
    )
    return [f"{page.url}: {v}" for v in found]


def check(page, url, viewport) -> list[str]:
    page.set_viewport_size(viewport)
    response = page.goto(url)
    assert response.status == 200, f"{url}: {response.status}"  # the page itself, not an error page
    page.wait_for_load_state("load")
    found = violations(page)
    # A transition opened by a tap (核实/评价 on a phone): open, hovered and focused, once its
    # colours have finished changing.
    summary = page.locator("details[data-transition] > summary").first
    if summary.count():
        summary.click()
        summary.hover()
        page.evaluate("() => Promise.all(document.getAnimations().map(a => a.finished))")
        found += violations(page)
    # Folded panels (筛选与排序, the transitions' forms) are checked open too.
    opened = page.evaluate(
        "() => { const d = [...document.querySelectorAll('details:not([open])')];"
        " d.forEach(x => x.open = true); return d.length; }"
    )
    if opened:
        page.evaluate("() => Promise.all(document.getAnimations().map(a => a.finished))")
        found += violations(page)
    return found


def _run(browser, sign_in, base, pages) -> list[str]:
    found: list[str] = []
    for user, (viewport, urls) in pages.items():
        # The app's CSP allows no inline script: this context lets the injected axe run.
        context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", bypass_csp=True)
        page = sign_in(user, on=context.new_page())
        for url in urls:
            found += check(page, base + url, viewport)
        context.close()
    return found


def test_the_main_pages_have_no_serious_accessibility_violation(
    live_server, sign_in, browser, software_officer, secretariat, hrss_staff, leader
):
    resolved = accept_and_resolve(
        assign(file_issue(software_officer, title="软件企业高级测试工程师招聘难"), secretariat),
        hrss_staff,
    )
    assign(file_issue(software_officer, title="汽车零部件企业职工宿舍不足"), secretariat)
    file_issue(software_officer, title="人工智能企业算力补贴申报慢")
    assert not Attachment.objects.exists()
    pages = {
        software_officer: (
            PHONE,
            ["/", "/issues/", f"/issues/{resolved.pk}/", "/issues/new/", "/issues/?q=招聘"],
        ),
        hrss_staff: (DESKTOP, ["/", f"/issues/{resolved.pk}/", "/meetings/"]),
        secretariat: (DESKTOP, ["/", "/issues/", f"/issues/{resolved.pk}/", "/meetings/"]),
        leader: (DESKTOP, ["/", "/dashboard/", f"/issues/{resolved.pk}/"]),
    }
    found = _run(browser, sign_in, live_server.url, pages)
    assert not found, "\n".join(found)


def test_the_meeting_pages_have_no_serious_accessibility_violation(
    live_server,
    sign_in,
    browser,
    software_officer,
    secretariat,
    hrss_staff,
    leader,
    settings,
    tmp_path,
):
    settings.MEDIA_ROOT = tmp_path / "media"  # the approved minutes' PDF
    issue = assign(file_issue(software_officer, title="软件企业高级测试工程师招聘难"), secretariat)
    file_issue(software_officer, title="人工智能企业算力补贴申报慢")
    # Approved minutes with decisions (the decisions page lists them).
    approved = services.create_meeting(secretariat, kind="regular", scheduled_at=at(-10))
    advance(approved, secretariat, to="held")
    services.fill_usual_attendance(approved, secretariat)
    decisions = [
        {
            "text": "由市人社局牵头，组织软件测试人才专场招聘会",
            "department": Department.objects.get(code="hrss"),
            "due_date": timezone.localdate() + timedelta(days=20),
            "issue": issue,
        },
        {"text": "秘书处汇总各链用工需求", "due_date": timezone.localdate() + timedelta(days=5)},
    ]
    with time_machine.travel(timezone.now() - timedelta(days=3)):
        services.save_minutes(
            approved, secretariat, summary="会议听取了各链情况汇报。", decisions=decisions
        )
    services.approve_minutes(approved, secretariat)
    # A held meeting with attendance and minutes being written.
    held = services.create_meeting(secretariat, kind="regular", scheduled_at=at(-2))
    advance(held, secretariat, to="held")
    services.fill_usual_attendance(held, secretariat)
    services.save_minutes(
        held, secretariat, summary="会议研究了新提出的问题。", decisions=decisions[1:]
    )
    # A planned meeting with its agenda generated, and one with its agenda published.
    planned = services.create_meeting(secretariat, kind="regular", scheduled_at=at(5))
    services.generate_agenda(planned, secretariat)
    published = services.create_meeting(secretariat, kind="regular", scheduled_at=at(3))
    advance(published, secretariat, to="agenda_published")
    services.fill_usual_attendance(published, secretariat)

    workspaces = [f"/meetings/{m.pk}/" for m in (planned, published, held, approved)]
    pages = {
        secretariat: (DESKTOP, ["/meetings/", *workspaces, "/decisions/"]),
        hrss_staff: (DESKTOP, [f"/meetings/{approved.pk}/", "/decisions/"]),
        leader: (DESKTOP, ["/meetings/", f"/meetings/{approved.pk}/", "/decisions/"]),
    }
    found = _run(browser, sign_in, live_server.url, pages)
    assert not found, "\n".join(found)
