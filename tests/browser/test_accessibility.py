"""An automated accessibility check (axe-core) of the main pages, as each person sees them.

axe-core is vendored for the tests only (tests/browser/vendor/README.md: version, licence);
it is injected into each page and any `serious` or `critical` violation fails the test,
with what it is and where.
"""

from pathlib import Path

import pytest

from issues.models import Attachment
from tests.issue_helpers import accept_and_resolve, assign, file_issue

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
    page.goto(url)
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
    base = live_server.url
    found: list[str] = []
    pages = {
        software_officer: (
            PHONE,
            ["/", "/issues/", f"/issues/{resolved.pk}/", "/issues/new/", "/issues/?q=招聘"],
        ),
        hrss_staff: (DESKTOP, ["/", f"/issues/{resolved.pk}/", "/meetings/"]),
        secretariat: (DESKTOP, ["/", "/issues/", f"/issues/{resolved.pk}/", "/meetings/"]),
        leader: (DESKTOP, ["/", "/dashboard/", f"/issues/{resolved.pk}/"]),
    }
    for user, (viewport, urls) in pages.items():
        # The app's CSP allows no inline script: this context lets the injected axe run.
        context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", bypass_csp=True)
        page = sign_in(user, on=context.new_page())
        for url in urls:
            found += check(page, base + url, viewport)
        context.close()
    assert not found, "\n".join(found)
