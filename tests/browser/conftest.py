"""Browser tests drive Debian's Chromium (/usr/bin/chromium) through Playwright.

They never skip: a missing browser is a failure, in CI and on a developer's machine.
"""

import os
import threading
import time

import pytest

from organisation.models import User

# Playwright's sync API runs an event loop in the test thread; Django's ORM calls made by
# the test itself (fixtures, assertions) are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("LIAISON_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `make test`, which installs it.")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "zh-CN", "timezone_id": "Asia/Shanghai"}


class _RequestsInFlight:
    """Wraps the live server's WSGI application and counts the requests it is still answering
    (from the call until the server closes the response)."""

    def __init__(self, app):
        self.app = app
        self.count = 0
        self.last_finished = time.monotonic()
        self.lock = threading.Lock()

    def __call__(self, environ, start_response):
        with self.lock:
            self.count += 1
        try:
            response = self.app(environ, start_response)
        except BaseException:
            self._finished()
            raise
        return _CountedResponse(response, self._finished)

    def _finished(self):
        with self.lock:
            self.count -= 1
            self.last_finished = time.monotonic()

    def wait_idle(self, quiet=0.2, timeout=15.0):
        """Until no request has been open for `quiet` seconds (one the browser sent just
        before it closed may still be on its way to the application)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                idle = self.count == 0 and time.monotonic() - self.last_finished >= quiet
            if idle:
                return
            time.sleep(0.05)
        pytest.fail(f"the live server still answered {self.count} request(s) after {timeout} s")


class _CountedResponse:
    """The application's response, counted as finished when the server closes it (after it
    has written the last byte)."""

    def __init__(self, response, finished):
        self.response = response
        self.finished = finished

    def __iter__(self):
        return iter(self.response)

    def close(self):
        try:
            close = getattr(self.response, "close", None)
            if close:
                close()
        finally:
            self.finished()


@pytest.fixture(autouse=True)
def _live_server_answers_everything_before_the_flush(request):
    """A test's pages may leave requests behind: the service worker fetches the new-issue form
    in the background when an officer's page opens (offline.js "keep-form"). When the test
    ended first, the server thread was still in that request while the database was flushed:
    the flush failed ("database table is locked"), or the request met pytest-django's blocker,
    and the next test found this test's people still there. Set up before `page`, so this
    runs after the browser context is closed (nothing new comes) and before the flush."""
    if "live_server" not in request.fixturenames:
        yield
        return
    httpd = request.getfixturevalue("live_server").thread.httpd
    app = httpd.get_app()
    if not isinstance(app, _RequestsInFlight):
        app = _RequestsInFlight(app)
        httpd.set_app(app)
    yield
    app.wait_idle()


@pytest.fixture
def sign_in(live_server, page):
    """Sign `user` in through the real login form; returns the page on the home screen.

    `on`: another page (of a second browser context: two people at once) instead of `page`.
    """
    default_page = page

    def _sign_in(user: User, password: str | None = None, on=None):
        page = on or default_page
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("用户名").fill(user.username)
        page.get_by_label("密码").fill(password or f"pw-{user.username}")
        page.get_by_role("button", name="登录").click()
        page.wait_for_url(f"{live_server.url}/")
        return page

    return _sign_in
