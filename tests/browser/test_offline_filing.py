"""JOURNEYS 1, on the road: the officer files without a connection on her phone; the filing is
kept on the phone (with its photo) and sent when the connection returns, once, and she is told
the issue's number. Also: what the server refuses stays listed with the reason."""

import pytest
from django.contrib.sessions.models import Session
from django.core.signals import request_started
from playwright.sync_api import expect

from issues.models import Attachment, Issue

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
# Resolves once the worker keeps the form (wait_for_function would not wait for a promise).
KEPT = """async () => {
  for (let i = 0; i < 300; i++) {
    if (await caches.match('/issues/new/')) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('the service worker did not keep the form');
}"""


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def on_the_road(sign_in, software_officer, page):
    """Signed in on a phone, the form opened once: the service worker controls the page and
    keeps the form for offline use."""
    page.set_viewport_size(PHONE)
    violations = []  # the worker and the manifest load under the Content-Security-Policy
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    sign_in(software_officer)
    page.get_by_test_id("raise").click()
    # The first visit installs the worker; from the next page on it answers (a page still
    # loading while the worker starts is not taken over).
    page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
    page.reload()
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", polling=100)
    page.evaluate(KEPT)
    yield page
    assert violations == []


@pytest.fixture
def server_hits():
    """The paths the live server was asked for, in order (it runs in this process)."""
    paths = []

    def record(sender, environ, **kwargs):
        paths.append(environ["PATH_INFO"])

    request_started.connect(record)
    yield paths
    request_started.disconnect(record)


def _fill(page, title, photo=None):
    page.get_by_label("标题").fill(title)
    page.get_by_label("问题描述").fill("企业反映高级测试工程师招不到人，人才补贴申报卡在审核环节。")
    page.get_by_label("类别").select_option(label="用工招聘")
    if photo is not None:
        page.get_by_label("照片或文件").set_input_files(str(photo))
    page.get_by_role("button", name="提交").click()


def test_filed_offline_with_a_photo_is_sent_once_when_back_online(
    on_the_road, context, tmp_path, server_hits
):
    page = on_the_road
    photo = tmp_path / "企业现场.png"
    photo.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)

    context.set_offline(True)
    server_hits.clear()
    page.reload()  # from the service worker's copy: there is no network
    # Any other page, offline, opens the form rather than the browser's error page.
    page.goto(page.url.replace("/issues/new/", "/issues/"))
    page.wait_for_url("**/issues/new/?offline=1")
    expect(page.get_by_test_id("offline-notice")).to_contain_text("当前没有网络连接")
    _fill(page, "软件企业测试工程师招聘难", photo)
    expect(page.get_by_test_id("offline-queued")).to_contain_text("已保存在本机，联网后自动提交")
    assert server_hits == []  # the form, its styles and scripts all came from the phone
    item = page.get_by_test_id("offline-item")
    expect(item).to_contain_text("软件企业测试工程师招聘难")
    expect(item).to_contain_text("等待联网")
    expect(page.get_by_label("标题")).to_have_value("")  # the form is free for the next one
    assert not Issue.objects.exists()

    context.set_offline(False)  # the `online` event sends it
    sent = page.get_by_test_id("offline-sent")
    expect(sent).to_contain_text("已提交 ")
    expect(page.get_by_test_id("offline-item")).to_have_count(0)
    issue = Issue.objects.get()
    # A fresh token from the form, then the one submission.
    assert server_hits[:2] == ["/issues/new/", "/issues/new/"]
    expect(sent).to_contain_text(f"已提交 {issue.number} 软件企业测试工程师招聘难")
    assert issue.title == "软件企业测试工程师招聘难"
    assert [a.original_name for a in Attachment.objects.filter(issue=issue)] == ["企业现场.png"]

    sent.get_by_role("link", name=issue.number).click()
    expect(page.get_by_test_id("number")).to_have_text(issue.number)
    page.reload()  # nothing left to send: no second issue
    page.goto(page.url.split("/issues/")[0] + "/issues/new/")  # and no draft of it comes back
    expect(page.get_by_label("标题")).to_have_value("")
    expect(page.get_by_test_id("draft-restored")).to_have_count(0)
    page.goto(page.url.split("/issues/")[0] + "/")
    expect(page.get_by_test_id("offline-queue")).to_have_count(0)
    assert Issue.objects.count() == 1
    assert Attachment.objects.count() == 1


def test_a_filing_the_server_refuses_stays_with_the_reason(on_the_road, context):
    page = on_the_road
    context.set_offline(True)
    _fill(page, "新能源汽车企业用地审批慢")
    expect(page.get_by_test_id("offline-item")).to_contain_text("新能源汽车企业用地审批慢")
    # What the server will refuse: a title emptied on the phone (the form checks before saving,
    # so only a changed filing or changed rules get this far).
    page.evaluate(
        """() => LiaisonQueue.list(document.querySelector('script[data-owner]').dataset.owner)
          .then(([filing]) => {
            filing.entries = filing.entries.map(([k, v]) => [k, k === 'title' ? '' : v]);
            return LiaisonQueue.put(filing);
          })"""
    )
    context.set_offline(False)
    item = page.get_by_test_id("offline-item")
    expect(item).to_contain_text("未能提交：标题：")
    assert not Issue.objects.exists()

    page.reload()  # kept on the phone, reason and all; not sent again by itself
    expect(page.get_by_test_id("offline-item")).to_contain_text("未能提交：标题：")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("offline-item").get_by_role("button", name="删除").click()
    expect(page.get_by_test_id("offline-queue")).to_have_count(0)
    assert not Issue.objects.exists()


def test_the_app_is_installable(live_server, page):
    response = page.request.get(f"{live_server.url}/manifest.webmanifest")
    manifest = response.json()
    assert manifest["short_name"] == "助链联动"
    assert {icon["sizes"] for icon in manifest["icons"]} == {"192x192", "512x512"}
    for icon in manifest["icons"]:
        assert page.request.get(f"{live_server.url}{icon['src']}").headers["content-type"] == (
            "image/png"
        )


def test_a_submission_the_network_drops_is_kept_on_the_phone(on_the_road, context):
    """A weak signal: the phone believes it is online but the submission never arrives. The
    service worker keeps what was posted instead of the browser's error page."""
    page = on_the_road

    def drop_posts(route):
        if route.request.method == "POST":
            route.abort("internetdisconnected")
        else:
            route.fallback()

    context.route("**/issues/new/", drop_posts)
    _fill(page, "无人机企业飞手培训考点不足")
    page.wait_for_url("**/issues/new/?queued=1")  # where the service worker sends her
    expect(page.get_by_test_id("offline-queued")).to_contain_text("已保存在本机，联网后自动提交")
    expect(page.get_by_test_id("offline-item")).to_contain_text("无人机企业飞手培训考点不足")
    assert not Issue.objects.exists()

    context.unroute("**/issues/new/", drop_posts)
    page.get_by_role("button", name="立即提交").click()
    expect(page.get_by_test_id("offline-sent")).to_contain_text("无人机企业飞手培训考点不足")
    assert Issue.objects.get().title == "无人机企业飞手培训考点不足"


def test_a_session_ended_meanwhile_sends_after_signing_in_again(
    on_the_road, context, sign_in, software_officer
):
    page = on_the_road
    context.set_offline(True)
    _fill(page, "集成电路企业人才公寓申请难")
    expect(page.get_by_test_id("offline-item")).to_contain_text("等待联网")
    Session.objects.all().delete()  # the idle rule ended her session overnight

    context.set_offline(False)
    expect(page.get_by_test_id("offline-sign-in")).to_contain_text("登录已过期")
    expect(page.get_by_test_id("offline-item")).to_contain_text("集成电路企业人才公寓申请难")
    assert not Issue.objects.exists()

    sign_in(software_officer)  # back on her home page: sent from there
    sent = page.get_by_test_id("offline-sent")
    expect(sent).to_contain_text("集成电路企业人才公寓申请难")
    issue = Issue.objects.get()
    expect(sent.get_by_role("link")).to_have_text(issue.number)
    assert issue.title == "集成电路企业人才公寓申请难"


def test_an_answer_lost_on_the_way_back_files_once(on_the_road, context):
    """The filing reached the server but the answer did not reach the phone: sent again, the
    filing's one-time key finds the issue already filed — one issue, and she is told its number."""
    page = on_the_road
    context.set_offline(True)
    _fill(page, "生物医药企业临床试验备案慢")
    expect(page.get_by_test_id("offline-item")).to_contain_text("等待联网")

    def file_then_drop_answer(route):
        if route.request.method == "POST":
            route.fetch()  # the server files it …
            route.abort("internetdisconnected")  # … and the answer is lost
        else:
            route.fallback()

    context.route("**/issues/new/", file_then_drop_answer)
    with page.expect_event("requestfailed", lambda request: request.method == "POST"):
        context.set_offline(False)
    expect(page.get_by_test_id("offline-item")).to_contain_text(
        "等待联网"
    )  # kept, as far as she knows
    assert Issue.objects.count() == 1
    context.unroute("**/issues/new/", file_then_drop_answer)
    page.get_by_role("button", name="立即提交").click()
    sent = page.get_by_test_id("offline-sent")
    expect(sent).to_contain_text("生物医药企业临床试验备案慢")
    issue = Issue.objects.get()  # exactly one
    expect(sent.get_by_role("link")).to_have_text(issue.number)
